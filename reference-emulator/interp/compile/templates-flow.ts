/**
 * Code templates of the block compiler for the stack and near control transfers: PUSH/POP of a
 * register or immediate, Jcc, JMP rel, CALL rel, RET near (SDM Vol. 2A/2B, the entries of those
 * names; Vol. 1, 6.2 for the stack, whose width SS.B selects). They follow the handlers of
 * interp/handlers/data.ts and control.ts step by step: a target is checked against the CS limit
 * (#GP(0)) before anything changes, a push writes before SP moves and a pop reads before it, so a
 * fault leaves the state the interpreter leaves.
 *
 * A Jcc right after a flag-writing template in the same block reads the condition from that
 * template's locals instead of the lazy record (QEMU's cc_op does the same), with the formulas
 * of flags.ts; the record is still stored for whatever follows.
 */

import * as cpuStateModule from '../../machine/cpu-state.ts';
import type { FlagSource } from './emitter.ts';
import type { Template } from './templates-alu.ts';

const { REG_ESP, SEG_SS } = cpuStateModule;

/** Condition suffixes in opcode order (SDM Vol. 2A, Table B-1); matches flags.ts CONDITIONS. */
const CONDITION_NAMES = ['o', 'no', 'b', 'ae', 'e', 'ne', 'be', 'a', 's', 'ns', 'p', 'np', 'l', 'ge', 'le', 'g'] as const;

/**
 * The condition as an expression over the flag source's locals, or undefined where flags.ts
 * would need more (PF, ADC/SBB). Mirrors flags.ts: after a SUB/CMP record the comparisons come
 * from the operands (condB ... condG), otherwise from getCF/getZF/getSF/getOF.
 */
export function fusedCondition(cc: number, f: FlagSource | undefined): string | undefined {
  if (f === undefined || cc === 10 || cc === 11) return undefined;
  const { d, s, v, bits } = f;
  const top = bits - 1;
  if (f.kind === 'sub') {
    const sh = 32 - bits;
    const signed = (rel: string): string => `(${d} << ${sh}) ${rel} (${s} << ${sh})`;
    switch (cc) {
      case 2: return `(${d} >>> 0) < (${s} >>> 0)`;
      case 3: return `(${d} >>> 0) >= (${s} >>> 0)`;
      case 4: return `${d} === ${s}`;
      case 5: return `${d} !== ${s}`;
      case 6: return `(${d} >>> 0) <= (${s} >>> 0)`;
      case 7: return `(${d} >>> 0) > (${s} >>> 0)`;
      case 12: return signed('<');
      case 13: return signed('>=');
      case 14: return signed('<=');
      case 15: return signed('>');
    }
  }
  const wm = bits === 32 ? -1 : (1 << bits) - 1;
  const zf = `((${v} & ${wm}) === 0 ? 1 : 0)`;
  const sf = `((${v} >>> ${top}) & 1)`;
  let cf: string;
  let of: string;
  switch (f.kind) {
    case 'add': cf = `((${v} >>> 0) < (${d} >>> 0) ? 1 : 0)`; of = `((((${d} ^ ${v}) & (${s} ^ ${v})) >>> ${top}) & 1)`; break;
    case 'sub': cf = `((${d} >>> 0) < (${s} >>> 0) ? 1 : 0)`; of = `((((${d} ^ ${s}) & (${d} ^ ${v})) >>> ${top}) & 1)`; break;
    case 'logic': cf = '0'; of = '0'; break;
    case 'inc': cf = f.c!; of = `((((${d} ^ ${v}) & (1 ^ ${v})) >>> ${top}) & 1)`; break;
    case 'dec': cf = f.c!; of = `((((${d} ^ 1) & (${d} ^ ${v})) >>> ${top}) & 1)`; break;
  }
  switch (cc) {
    case 0: return `${of} === 1`;
    case 1: return `${of} === 0`;
    case 2: return `${cf} === 1`;
    case 3: return `${cf} === 0`;
    case 4: return `${zf} === 1`;
    case 5: return `${zf} === 0`;
    case 6: return `(${cf} | ${zf}) === 1`;
    case 7: return `(${cf} | ${zf}) === 0`;
    case 8: return `${sf} === 1`;
    case 9: return `${sf} === 0`;
    case 12: return `${sf} !== ${of}`;
    case 13: return `${sf} === ${of}`;
    case 14: return `${zf} === 1 || ${sf} !== ${of}`;
    case 15: return `${zf} === 0 && ${sf} === ${of}`;
  }
  return undefined;
}

/** EIP <- target after the CS limit check (control.ts `branch`). */
function branchTo(e: Parameters<Template>[1], target: number): string {
  return `${e.csLimitCheck(String(target >>> 0))} cpu.eip = ${target};`;
}

/** access.ts push16/push32 of `value` (an expression evaluated before SP moves). */
function push(e: Parameters<Template>[1], size: 2 | 4, value: string): string {
  const v = e.tmp('p');
  const s32 = e.tmp('b');
  const sp = e.tmp('sp');
  const esp = e.get32(REG_ESP);
  return (
    `const ${v} = ${value}; const ${s32} = ${e.stack32()};` +
    ` const ${sp} = ${s32} ? (${esp} - ${size}) | 0 : ((${esp} & 0xffff) - ${size}) & 0xffff;` +
    e.write(size * 8, SEG_SS, sp, v) +
    e.set32(REG_ESP, `${s32} ? ${sp} : (${esp} & -65536) | ${sp}`)
  );
}

/** access.ts pop16/pop32 (plus `release` bytes for RET imm16): returns [code, local holding the value]. */
function pop(e: Parameters<Template>[1], size: 2 | 4, release = 0): [string, string] {
  const v = e.tmp('q');
  const s32 = e.tmp('b');
  const esp = e.get32(REG_ESP);
  const delta = size + release;
  const code =
    `const ${s32} = ${e.stack32()}; const ${v} = ${e.read(size * 8, SEG_SS, `${s32} ? ${esp} : (${esp} & 0xffff)`)};` +
    e.set32(REG_ESP, `${s32} ? (${esp} + ${delta}) | 0 : (${esp} & -65536) | ((${esp} + ${delta}) & 0xffff)`);
  return [code, v];
}

export function flowTemplateFor(id: string): Template | undefined {
  let m = /^J(o|no|b|ae|e|ne|be|a|s|ns|p|np|l|ge|le|g)_rel(8_16|8_32|16|32_32)$/.exec(id);
  if (m) {
    const cc = CONDITION_NAMES.indexOf(m[1] as (typeof CONDITION_NAMES)[number]);
    return (i, e) => {
      e.facts.setsEip = true;
      let cond = fusedCondition(cc, e.flags);
      if (cond === undefined) {
        e.readsFlags();
        cond = `cond${cc}(cpu)`;
      }
      return `if (${cond}) { ${branchTo(e, i.target)} } else cpu.eip = ${i.next};`;
    };
  }
  if (/^Jmp_rel(8_16|8_32|16|32_32)$/.test(id)) {
    return (i, e) => {
      e.facts.setsEip = true;
      return branchTo(e, i.target);
    };
  }
  m = /^Call_rel(16|32_32)$/.exec(id);
  if (m) {
    const size = m[1] === '16' ? 2 : 4;
    return (i, e) => {
      e.facts.setsEip = true;
      return `${e.csLimitCheck(String(i.target >>> 0))} ${push(e, size, String(i.next))} cpu.eip = ${i.target};`;
    };
  }
  m = /^Retn(w|d)(_imm16)?$/.exec(id);
  if (m) {
    const size = m[1] === 'w' ? 2 : 4;
    const withImm = m[2] !== undefined;
    return (i, e) => {
      e.facts.setsEip = true;
      const t = e.tmp('t');
      // The target is read and checked before SP moves (control.ts ret16/ret32).
      const s32 = e.tmp('b');
      const esp = e.get32(REG_ESP);
      const delta = size + (withImm ? i.imm : 0);
      const check = size === 4 ? `(${t} >>> 0)` : t;
      return (
        `const ${s32} = ${e.stack32()}; const ${t} = ${e.read(size * 8, SEG_SS, `${s32} ? ${esp} : (${esp} & 0xffff)`)};` +
        ` ${e.csLimitCheck(check)}` +
        e.set32(REG_ESP, `${s32} ? (${esp} + ${delta}) | 0 : (${esp} & -65536) | ((${esp} + ${delta}) & 0xffff)`) +
        ` cpu.eip = ${t};`
      );
    };
  }
  m = /^Push_r(16|32)$/.exec(id);
  if (m) {
    const size = m[1] === '16' ? 2 : 4;
    return (i, e) => push(e, size, size === 4 ? e.get32(i.reg) : e.get16(i.reg));
  }
  m = /^Pop_r(16|32)$/.exec(id);
  if (m) {
    const size = m[1] === '16' ? 2 : 4;
    return (i, e) => {
      const [code, v] = pop(e, size);
      return code + (size === 4 ? e.set32(i.reg, v) : e.set16(i.reg, v));
    };
  }
  // data.ts: Push_imm16 and Pushd_imm32/imm8 push imm as decoded; Pushw_imm8 its low word.
  if (id === 'Push_imm16' || id === 'Pushd_imm32' || id === 'Pushd_imm8' || id === 'Pushw_imm8') {
    const size = id.startsWith('Pushd') ? 4 : 2;
    const lowWord = id === 'Pushw_imm8';
    return (i, e) => push(e, size, `(${lowWord ? i.imm & 0xffff : i.imm})`);
  }
  return undefined;
}
