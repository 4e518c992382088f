/**
 * Processor exceptions as thrown values (SDM Vol. 3A, 6.3 "Sources of Interrupts", Table 6-1).
 * A handler that detects a fault throws a `CpuFault`; the run loop catches it, rolls EIP back to
 * the faulting instruction (faults are restartable, SDM Vol. 3A, 6.5) and delivers it.
 */

export const VEC_DE = 0;
export const VEC_DB = 1;
export const VEC_NMI = 2;
export const VEC_BP = 3;
export const VEC_OF = 4;
export const VEC_BR = 5;
export const VEC_UD = 6;
export const VEC_NM = 7;
export const VEC_DF = 8;
export const VEC_TS = 10;
export const VEC_NP = 11;
export const VEC_SS = 12;
export const VEC_GP = 13;
export const VEC_PF = 14;
export const VEC_MF = 16;
export const VEC_AC = 17;

export const VECTOR_MNEMONICS: Readonly<Record<number, string>> = {
  0: '#DE', 1: '#DB', 2: 'NMI', 3: '#BP', 4: '#OF', 5: '#BR', 6: '#UD', 7: '#NM', 8: '#DF',
  10: '#TS', 11: '#NP', 12: '#SS', 13: '#GP', 14: '#PF', 16: '#MF', 17: '#AC', 18: '#MC',
};

export class CpuFault {
  constructor(
    readonly vector: number,
    /** Error code pushed in protected mode; undefined for vectors that push none. */
    readonly errorCode?: number,
  ) {}

  toString(): string {
    const name = VECTOR_MNEMONICS[this.vector] ?? `vector ${this.vector}`;
    return this.errorCode === undefined ? name : `${name}(0x${this.errorCode.toString(16)})`;
  }
}

export function fault(vector: number, errorCode?: number): never {
  throw new CpuFault(vector, errorCode);
}
