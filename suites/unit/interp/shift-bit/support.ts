// Shared runner for the shift-bit tests: a case is a table row (initial state, code, expected
// outcome) run through the given() runner, so every test file reads as the table of hand-computed
// values it is. A file also checks that its cases' code decodes to every form of its area
// (`coversArea`), so a form without a test is a failure.

import { expect } from 'chai';
import { cpuModel, decodeBytes, FORMS, type CpuModelName, type FormRecord } from '../../../../reference-emulator/index.ts';
import { shiftBitForms } from '../../../../reference-emulator/index.ts';
import { given, type GivenState, type Outcome } from '../../../support/given.ts';

type FlagName = 'cf' | 'pf' | 'af' | 'zf' | 'sf' | 'of';

export interface Case {
  readonly title: string;
  readonly cpu?: CpuModelName;
  readonly mode?: 'real' | 'prot32';
  readonly regs?: GivenState['regs'];
  readonly segs?: GivenState['segs'];
  /** Initial EFLAGS; 0x2 when absent. */
  readonly flags?: number;
  readonly mem?: GivenState['mem'];
  readonly code: readonly number[];
  readonly regsAfter?: Partial<Record<string, number>>;
  readonly flagsAfter?: Partial<Record<FlagName, 0 | 1>>;
  readonly memAfter?: ReadonlyArray<readonly [address: number, bytes: readonly number[]]>;
  /** A fault raised by the instruction (delivered through the IVT in real mode). */
  readonly exception?: number;
}

/** The code offset given() uses: the faulting instruction's IP that a fault must push. */
const CODE_IP = 0x1000;
/** Real mode: SP starts at 0xFFF0; FLAGS, CS, IP pushed leave IP at SS:0xFFEA (SS = 0). */
const PUSHED_IP_ADDRESS = 0xffea;

/** EFLAGS with the six status flags set: 0x8D5 (OF SF ZF AF PF CF) plus reserved bit 1. */
export const ALL_STATUS = 0x8d7;
export const ALL_STATUS_SET = { cf: 1, pf: 1, af: 1, zf: 1, sf: 1, of: 1 } as const;

export function formIdOf(c: Case): string {
  const insn = decodeBytes([...c.code, 0xf4], { code32: c.mode === 'prot32', model: cpuModel(c.cpu ?? 'modern') });
  return (FORMS[insn.form] as FormRecord).id;
}

export function runCase(c: Case): Outcome {
  const state: GivenState = { cpu: c.cpu ?? 'modern', mode: c.mode ?? 'real', regs: c.regs ?? {}, flags: c.flags ?? 0x2 };
  const out = given({ ...state, ...(c.segs ? { segs: c.segs } : {}), ...(c.mem ? { mem: c.mem } : {}) }).code(c.code).run();
  if (c.exception !== undefined) {
    out.expectException(c.exception);
    // Faults are restartable: the IP of the faulting instruction is what gets pushed (real
    // mode) or where the run stops (flat 32-bit mode).
    if ((c.mode ?? 'real') === 'real') out.expectMem(PUSHED_IP_ADDRESS, [CODE_IP & 0xff, CODE_IP >> 8]);
    else out.expectRegs({ eip: CODE_IP });
  } else {
    out.expectHalted();
  }
  if (c.regsAfter) out.expectRegs(c.regsAfter);
  if (c.flagsAfter) out.expectFlags(c.flagsAfter);
  for (const [address, bytes] of c.memAfter ?? []) out.expectMem(address, bytes);
  return out;
}

/** Registers one mocha test per case. */
export function cases(list: readonly Case[]): void {
  for (const c of list) it(c.title, () => void runCase(c));
}

/** Area of each form id; the areas partition the group (checked in shift-bit.test.ts). */
export const AREAS = {
  group2: /^(Rol|Ror|Rcl|Rcr|Shl|Shr|Sal|Sar)_rm(8|16|32)_(imm8|1|CL)$/,
  doubleShift: /^Sh[lr]d_/,
  bitTest: /^Bt[src]?_/,
  bitScan: /^Bs[fr]_/,
  setcc: /^Set/,
  cmovcc: /^Cmov/,
  exchange: /^(Bswap|Xadd|Cmpxchg)/,
} as const;

/** Adds the check that the cases' code decodes to every form of the area. */
export function coversArea(name: keyof typeof AREAS, list: readonly Case[]): void {
  it(`covers every ${name} form of the table`, () => {
    const reached = new Set(list.map(formIdOf));
    const missing = shiftBitForms.map((f) => f.id as string).filter((id) => AREAS[name].test(id) && !reached.has(id));
    expect(missing).to.deep.equal([]);
  });
}
