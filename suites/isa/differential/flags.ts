/**
 * Which EFLAGS status bits a differential comparison may not hold a subject to: the flags the
 * last instruction that wrote them left undefined (SDM Vol. 2, each instruction's "Flags
 * Affected"). A flag DIV leaves undefined stays unknown through every later instruction that
 * does not write it, and becomes defined again at the first one that writes it with a defined
 * result; a fault retires nothing, so it changes nothing (SDM Vol. 3A, 6.5: faults are
 * restartable).
 *
 * The sets come from the table records (`flagsWritten`, `flagsUndefined`, `flagsRead`). The table
 * holds what a form does for any operand, so a few forms whose flags depend on a run-time count
 * are refined here, each by its SDM rule, with the count the oracle's state held before the step:
 * - shifts and rotates with an Ib or CL count (SDM Vol. 2B, "SAL/SAR/SHL/SHR", "RCL/RCR/ROL/ROR")
 *   and SHLD/SHRD (Vol. 2B, "SHLD", "SHRD"): a masked count (count AND 1FH) of 0 affects no flag;
 *   a masked count of 1 has the flags of the same operation's one-bit form (`..._1`, whose record
 *   defines OF); SHL/SHR leave CF undefined only when the count is at least the operand width;
 *   RCL/RCR by a multiple of 9 (r/m8) or 17 (r/m16) rotate nothing and so leave CF as it was
 *   (OF is still undefined, the count not being 1); SHLD/SHRD define OF for a count of 1 and leave
 *   the result and every flag undefined for a count above the operand width;
 * - a REP-prefixed string instruction whose count register is 0 runs no iteration and writes no
 *   flag (SDM Vol. 2B, "REP/REPE/REPZ/REPNE/REPNZ": "If the count register is 0, ... no
 *   operation").
 * A step that reads a flag that is undefined at that point (ADC after DIV, PUSHF or LAHF after an
 * AND, a Jcc on it) makes the rest of the program unspecified: `readsUndefined` finds it, and the
 * suite discards such a program rather than mask registers and memory the flag flowed into.
 */

import { flagMask, formById, FLAG_AF, FLAG_CF, FLAG_OF, FLAG_PF, FLAG_SF, FLAG_ZF, FLAG_DF, FLAG_IF, FLAG_TF, FLAGS_STATUS, type FormRecord } from '../../../reference-emulator/index.ts';

/** What one retired instruction does to the undefined set: bits it defines and bits it leaves undefined. */
export interface FlagEffect {
  defined: number;
  undefined: number;
  /** Set when the SDM leaves the instruction's result itself undefined for this count. */
  resultUndefined?: string;
}

/** The run-time values the refinements need, read from the state before the step. */
export interface StepValues {
  /** The shift or rotate count as the instruction takes it (its imm8, or CL), before masking. */
  count?: number;
  /** A REP-prefixed string instruction's count register (CX or ECX by address size). */
  repCounter?: number;
}

const NO_EFFECT: FlagEffect = { defined: 0, undefined: 0 };

/** The table's effect of a form: its defined writes and its undefined results. */
export function recordEffect(form: FormRecord): FlagEffect {
  const undefinedBits = flagMask(form.flagsUndefined);
  return { defined: flagMask(form.flagsWritten) & ~undefinedBits, undefined: undefinedBits };
}

const GROUP2_COUNTED = /^(Rol|Ror|Rcl|Rcr|Shl|Sal|Shr|Sar)_rm(8|16|32)_(imm8|CL)$/;
const DOUBLE_SHIFT = /^(Shld|Shrd)_rm(16|32)_r(?:16|32)_(imm8|CL)$/;

/** The shift/rotate forms whose flags depend on a count operand, with what the refinements need. */
export function countedShift(form: FormRecord): { operation: string; width: number; countFrom: 'imm8' | 'CL' } | undefined {
  const m = GROUP2_COUNTED.exec(form.id) ?? DOUBLE_SHIFT.exec(form.id);
  return m ? { operation: m[1]!, width: Number(m[2]), countFrom: m[3] as 'imm8' | 'CL' } : undefined;
}

/** The effect of one retired instruction of `form`, refined by its run-time values. */
export function flagEffect(form: FormRecord, values: StepValues = {}): FlagEffect {
  const shift = countedShift(form);
  if (shift !== undefined && values.count !== undefined) {
    const masked = values.count & 0x1f;
    if (masked === 0) return NO_EFFECT;
    const { operation, width } = shift;
    if (operation === 'Shld' || operation === 'Shrd') {
      const base = recordEffect(form);
      if (masked > width) return { defined: 0, undefined: FLAGS_STATUS, resultUndefined: `${operation.toUpperCase()} r/m${width} by ${masked}: count above the operand width` };
      if (masked === 1) return { defined: base.defined | FLAG_OF, undefined: base.undefined & ~FLAG_OF };
      return base;
    }
    if (masked === 1) return recordEffect(formById(`${operation}_rm${width}_1`));
    const base = recordEffect(form);
    if ((operation === 'Rcl' || operation === 'Rcr') && width < 32 && masked % (width + 1) === 0) return { defined: 0, undefined: FLAG_OF };
    if ((operation === 'Shl' || operation === 'Sal' || operation === 'Shr') && masked < width) return { defined: base.defined | FLAG_CF, undefined: base.undefined & ~FLAG_CF };
    return base;
  }
  if (form.rep !== undefined && values.repCounter === 0) return NO_EFFECT;
  return recordEffect(form);
}

/** The undefined set along one run: starts empty (the starting flags are given), then follows each retired step. */
export class UndefinedFlags {
  mask = 0;

  /** Flags the form reads that are undefined now; nonzero means the step's outcome is unspecified. */
  readsUndefined(form: FormRecord): number {
    return flagMask(form.flagsRead) & this.mask;
  }

  retire(effect: FlagEffect): void {
    this.mask = ((this.mask & ~effect.defined) | effect.undefined) >>> 0;
  }
}

const FLAG_NAMES: ReadonlyArray<readonly [number, string]> = [
  [FLAG_OF, 'OF'], [FLAG_DF, 'DF'], [FLAG_IF, 'IF'], [FLAG_TF, 'TF'], [FLAG_SF, 'SF'], [FLAG_ZF, 'ZF'], [FLAG_AF, 'AF'], [FLAG_PF, 'PF'], [FLAG_CF, 'CF'],
];

/** `OF AF` for a mask, `-` for none. */
export function flagNames(mask: number): string {
  return FLAG_NAMES.filter(([bit]) => (mask & bit) !== 0).map(([, name]) => name).join(' ') || '-';
}
