/**
 * Checks one golden program on a subject: the program must have a golden (a missing golden is
 * a failure, never created on the fly), the golden must load (hash, format) and start where the
 * program starts now (else it is stale), and a run recorded on the subject from the golden's
 * start must match it step by step (compare.ts). Shared by `xvc trace check`, isa/golden and
 * the cross-check against QEMU (cross-check.ts), which runs a golden on a subject the same way.
 *
 * Models no hardware.
 */

import { existsSync } from 'node:fs';
import type { CpuMode } from '../../reference-emulator/index.ts';
import type { Subject } from '../adapter.ts';
import type { Needs } from '../suite/model.ts';
import { compareSetup, compareTraces, describeDivergence, type Divergence } from './compare.ts';
import { TraceFormatError, type Trace } from './format.ts';
import { readGolden, setupOf, type GoldenEntry } from './goldens.ts';
import { recordTrace } from './record.ts';
import { modeOf, type FlatState } from './state-fields.ts';
import { decodeInstruction, undefinedFlagUses, type DecodedInstruction } from './undefined-flags.ts';

export interface GoldenCheck {
  entry: GoldenEntry;
  passed: boolean;
  /** One line: why it failed. */
  reason?: string;
  divergence?: Divergence;
  /** The run recorded on the subject, when there was one. */
  actual?: Trace;
}

export async function checkGolden(entry: GoldenEntry, subject: Subject): Promise<GoldenCheck> {
  const failed = (reason: string, more: Partial<GoldenCheck> = {}): GoldenCheck => ({ entry, passed: false, reason, ...more });
  if (!existsSync(entry.program)) {
    return failed(existsSync(entry.golden) ? `golden ${entry.golden} has no program ${entry.program}` : `no program ${entry.program} and no golden ${entry.golden}`);
  }
  let golden: Trace;
  try {
    const read = await readGolden(entry.golden);
    if (!read) return failed(`missing golden ${entry.golden}: record it with 'xvc trace rebase ${entry.program}'`);
    golden = read.trace;
  } catch (error) {
    if (error instanceof TraceFormatError) return failed(error.message);
    throw error;
  }
  const stale = compareSetup(golden, await setupOf(entry.program));
  if (stale) return failed(`golden ${entry.golden} is stale, the program starts differently: ${describeDivergence(stale)}; rebase it`, { divergence: stale });
  const { actual, divergence } = await checkTrace(golden, subject);
  if (divergence) return failed(`${entry.name}: ${describeDivergence(divergence)}`, { divergence, actual });
  return { entry, passed: true, actual };
}

/** Records a run on the subject from the golden's start and compares it with the golden. */
export async function checkTrace(golden: Trace, subject: Subject): Promise<{ actual: Trace; divergence: Divergence | undefined }> {
  const actual = await recordTrace(subject, golden);
  return { actual, divergence: compareTraces(golden, actual) };
}

/** What a subject must offer to run a golden: its start mode, its CPU model, single steps. */
export function goldenNeeds(header: { mode: Trace['mode']; cpu: Trace['cpu'] }): Needs {
  return { modes: [header.mode], cpuModels: [header.cpu], singleStep: true };
}

/** The form and mode of every step of a trace, for ISA coverage. */
export function executedForms(trace: Trace): Array<{ form: string; mode: CpuMode }> {
  const state: FlatState = { ...trace.initial.state };
  const out: Array<{ form: string; mode: CpuMode }> = [];
  for (const step of trace.steps) {
    if (step.form !== null) out.push({ form: step.form, mode: modeOf(state) });
    Object.assign(state, step.changes);
  }
  return out;
}

/** Steps of a trace that depend on a flag left undefined earlier (undefined-flags.ts), as lines. */
export function undefinedFlagWarnings(trace: Trace): string[] {
  let before: FlatState = { ...trace.initial.state };
  const steps = trace.steps.map((step) => {
    let instruction: DecodedInstruction | undefined;
    try {
      instruction = step.bytes.length > 0 ? decodeInstruction(step.bytes, before, trace.cpu) : undefined;
    } catch {
      instruction = undefined;
    }
    const after = { ...before, ...step.changes } as FlatState;
    const entry = { instruction, before, after, asm: step.asm };
    before = after;
    return entry;
  });
  return undefinedFlagUses(steps);
}
