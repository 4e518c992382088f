// isa/differential: random instruction sequences on the subject under test against an oracle
// (DESIGN.md, "The suites", isa: "differential against QEMU"), one instance per mode:
// isa/differential~real (real mode after reset) and isa/differential~flat32 (flat 32-bit protected
// mode at CPL 0), CPU model `modern`; the same on the `p6` model as isa/differential~p6-real and ~p6-flat32;
// and documented forms only as ~real-documented and ~flat32-documented.
//
// Checked: fast-check draws programs of 1..N instructions from every general-purpose form of the
// instruction table valid in the mode and model (differential/forms.ts says which forms are left
// out and why), with edge-valued operands, 16- and 32-bit addressing, segment overrides, LOCK,
// REP and forward jumps; memory operands land in a 4 KiB data window of random bytes
// (differential/generator.ts). Each program, ended by HLT, runs from the same starting state on
// the oracle and on the subject, both stopping at the first exception, and must end the same way
// (halt, or the same vector) with the same general registers, EIP, segment selectors, data window
// and stack region, and the same EFLAGS outside the flags left undefined by the last instruction
// that wrote them (differential/flags.ts, from the table's flagsWritten/flagsUndefined). A
// divergence shrinks to the smallest program, printed as disassembly with both final states'
// differing fields, and carries an xvc-case/1 repro whose expected result is the oracle's.
// Oracle: the runner's (`xvc run --oracle SPEC`; default the embedded reference). Under mocha both
// are the reference, which only means something with a seeded bug: the mutants listed in `kills`
// (suites/meta/mutants/differential.mutants.ts) go into the subject, never into the oracle.
// Left out: system and privileged forms, port I/O, far transfers and software interrupts, segment
// loads, CPUID/RDTSC; programs whose outcome the SDM leaves open are discarded, not masked.
// Seeds: the run's seed drives fast-check; the diag gives programs per second.

import type { SuiteInstance } from '../../harness/suite/model.ts';
import type { CpuModelName } from '../../reference-emulator/index.ts';
import { runDifferential } from './differential/check.ts';
import { cpuModeOf } from './differential/forms.ts';
import type { DifferentialMode } from './differential/layout.ts';

/** `modern` is the default model; the p6 instances let a subject that is only a P6 (v86) take part. */
const MODELS: readonly CpuModelName[] = ['modern', 'p6'];

/** Programs per tier, and the most instructions in one: quick stays within seconds on the reference. */
const BUDGET = { quick: 3000, full: 50_000, soak: 2_000_000 };
const MAX_INSTRUCTIONS = { quick: 8, full: 12, soak: 16 } as const;

/** The seeded bugs every mode's instance must kill (suites/meta/mutants/differential.mutants.ts). */
const KILLS = ['add16-of-from-bit7', 'xchg-mem-no-writeback', 'shl-cf-off-by-one'];

function instance(mode: DifferentialMode, cpu: CpuModelName, documentedOnly = false): SuiteInstance {
  const name = `isa/differential~${cpu === 'modern' ? '' : `${cpu}-`}${mode}${documentedOnly ? '-documented' : ''}`;
  return {
    name,
    tags: ['differential', 'property', cpuModeOf(mode), cpu, ...(documentedOnly ? ['documented'] : [])],
    needs: { modes: [cpuModeOf(mode)], cpuModels: [cpu] },
    budget: BUDGET,
    // A soak of a million programs at a few thousand a second takes hours; quick and full take seconds to minutes.
    timeoutMs: 12 * 3600_000,
    ...(cpu === 'modern' ? { kills: KILLS } : {}),
    run: (subjects, ctx) => runDifferential({ instance: name, mode, cpu, maxInstructions: MAX_INSTRUCTIONS[ctx.tier], documentedOnly }, subjects, ctx),
  };
}

/**
 * Plus `~real-documented` and `~flat32-documented`: no undocumented aliases (82, F6/F7 /1, SALC...)
 * nor reserved-NOP hints, which many emulators leave #UD, so a subject's first divergence there
 * does not hide everything behind it.
 */
export const instances: readonly SuiteInstance[] = [
  ...MODELS.flatMap((cpu) => [instance('real', cpu), instance('flat32', cpu)]),
  instance('real', 'modern', true),
  instance('flat32', 'modern', true),
];
