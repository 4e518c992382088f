/**
 * Lays a list of generated items out as one program at CODE_BASE: each item's set-up moves, then
 * the item, and a HLT at the end. Near transfers get their targets here, once every address is
 * known: the start of a later item (its set-up included, so the registers its addresses need are
 * loaded) or the HLT. A rel8 transfer whose chosen item is out of reach (SDM Vol. 2A, Jcc: -128 to
 * +127 from the next instruction) goes to the farthest item it reaches; the next one always is.
 *
 * Encoding is the table-driven encoder's; an instruction's length does not depend on the value of
 * its target or immediate, so one layout pass with placeholder targets fixes every address.
 * Models no hardware beyond that.
 */

import { cpuModel, decodeBytes, disassemble, encode, formById, formOperands, type EncodeOperands, type FormRecord } from '../../../reference-emulator/index.ts';
import { CODE_BASE, CODE_LIMIT, code32Of, ENTRY_EIP, type DifferentialMode } from './layout.ts';
import type { Item, SetupMove } from './generator.ts';

export type LineRole = 'setup' | 'instruction' | 'terminator';

/** One instruction of the laid-out program. */
export interface ProgramLine {
  /** EIP of its first byte (CS base is 0 in both modes, so also its linear address). */
  eip: number;
  bytes: Uint8Array;
  form: FormRecord;
  ops: EncodeOperands;
  role: LineRole;
  /** Index of the generated item it belongs to; -1 for the terminator. */
  item: number;
}

export interface Program {
  mode: DifferentialMode;
  lines: ProgramLine[];
  bytes: Uint8Array;
  /** Line index by EIP, for the oracle's step trace. */
  lineAt: ReadonlyMap<number, number>;
}

const MOV_FORM: Record<16 | 32, FormRecord> = { 16: formById('Mov_r16_imm16'), 32: formById('Mov_r32_imm32') };
const HLT = formById('Hlt');

function setupOps(move: SetupMove): EncodeOperands {
  return { reg: move.reg, imm: move.size === 16 ? move.value & 0xffff : move.value | 0 };
}

interface Planned {
  form: FormRecord;
  ops: EncodeOperands;
  role: LineRole;
  item: number;
  /** For a relative transfer: the item index it goes to, filled once addresses are known. */
  relative?: boolean;
}

/** Lays out `items`; throws if the program would not fit its code area. */
export function assemble(items: readonly Item[], mode: DifferentialMode): Program {
  const code32 = code32Of(mode);
  const planned: Planned[] = [];
  const itemFirstLine: number[] = [];
  items.forEach((item, index) => {
    itemFirstLine.push(planned.length);
    const moves = item.jump?.viaRegister ? [...item.setup, { reg: item.jump.viaRegister.reg, value: 0, size: item.jump.viaRegister.size }] : item.setup;
    for (const move of moves) planned.push({ form: MOV_FORM[move.size], ops: setupOps(move), role: 'setup', item: index });
    const relative = formOperands(item.form).some((s) => s.kind === 'rel');
    planned.push({ form: item.form, ops: relative ? { ...item.ops, rel: 0 } : item.ops, role: 'instruction', item: index, relative });
  });
  itemFirstLine.push(planned.length);
  planned.push({ form: HLT, ops: {}, role: 'terminator', item: -1 });

  // Pass 1: lengths with placeholder targets give every address.
  const eips: number[] = [];
  const encoded: Uint8Array[] = [];
  let eip = ENTRY_EIP;
  for (const p of planned) {
    eips.push(eip);
    const bytes = encode(p.form, p.ops, { code32, eip });
    encoded.push(bytes);
    eip += bytes.length;
  }
  if (eip - CODE_BASE > CODE_LIMIT) throw new Error(`differential program of ${eip - CODE_BASE} bytes does not fit its ${CODE_LIMIT}-byte code area`);

  // Pass 2: targets. Items are numbered; the terminator is item `items.length`.
  const startOf = (item: number): number => eips[itemFirstLine[item]!]!;
  items.forEach((item, index) => {
    if (!item.jump) return;
    const line = itemFirstLine[index + 1]! - 1; // the item's own instruction, after its set-up
    const p = planned[line]!;
    const end = eips[line + 1]!;
    let target = Math.min(index + 1 + item.jump.ahead, items.length);
    const isRel8 = formOperands(p.form).some((s) => s.kind === 'rel' && s.size === 'b');
    while (isRel8 && target > index + 1 && startOf(target) - end > 127) target--;
    const changed = p.relative ? line : line - 1;
    if (p.relative) {
      p.ops = { ...item.ops, target: startOf(target) };
    } else if (item.jump.viaRegister) {
      const via = planned[line - 1]!;
      via.ops = { ...via.ops, imm: startOf(target) };
    }
    const q = planned[changed]!;
    const bytes = encode(q.form, q.ops, { code32, eip: eips[changed]! });
    if (bytes.length !== encoded[changed]!.length) throw new Error(`${q.form.id}: length changed between layout passes`);
    encoded[changed] = bytes;
  });

  const lines: ProgramLine[] = planned.map((p, k) => ({ eip: eips[k]!, bytes: encoded[k]!, form: p.form, ops: p.ops, role: p.role, item: p.item }));
  const bytes = new Uint8Array(eip - ENTRY_EIP);
  for (const line of lines) bytes.set(line.bytes, line.eip - ENTRY_EIP);
  return { mode, lines, bytes, lineAt: new Map(lines.map((line, index) => [line.eip, index])) };
}

/** The disassembly of one line, in the mode it runs in. */
export function lineText(line: ProgramLine, mode: DifferentialMode): string {
  const code32 = code32Of(mode);
  return disassemble(decodeBytes(line.bytes, { code32, model: cpuModel('modern') }, line.eip), { code32 });
}
