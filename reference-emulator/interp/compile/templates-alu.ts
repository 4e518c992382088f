/**
 * Code templates of the block compiler for the ALU and data-movement forms: ADD OR ADC SBB AND
 * SUB XOR CMP TEST, INC DEC NOT NEG, MOV, LEA and the group 2 shifts and rotates, every width
 * and operand shape the table has. Each template writes the JS that does what the form's handler
 * in interp/handlers/ does, in the same order (operand reads, lazy-flag record, write-back), so a
 * fault leaves the same state (SDM Vol. 3A, 6.6: faults are restartable). Shifts call the
 * handlers' own operations (SHIFT_CORES), so there the two paths share one definition.
 *
 * Forms are recognised by their table ids, so every form of a class gets its template; any id
 * not matched here runs its handler. suites/unit/interp/compile/templates.test.ts runs each
 * templated form both ways and compares the whole machine state.
 */

import type { Insn } from '../../decoder/insn.ts';
import * as flagsModule from '../flags.ts';
import * as cpuStateModule from '../../machine/cpu-state.ts';
import { Emitter, KEEP_CARRY_MASK } from './emitter.ts';
import type { FlagSource } from './emitter.ts';

const { LAZY_ADC, LAZY_ADD, LAZY_LOGIC, LAZY_SBB, LAZY_SUB } = flagsModule;
const { REG_EAX, REG_ECX } = cpuStateModule;

export type Template = (i: Insn, e: Emitter) => string;

/** `& 0xff`, `& 0xffff` or `| 0`: keeps a result in the form flags.ts expects for the width. */
function wrap(bits: number, expr: string): string {
  return bits === 32 ? `((${expr}) | 0)` : `((${expr}) & ${bits === 8 ? '0xff' : '0xffff'})`;
}

/** The r/m operand of a read-modify-write: the address is computed once, as the handlers' rmOffset. */
interface RmAccess {
  pre: string;
  load: () => string;
  store: (value: string) => string;
}
function rmAccess(e: Emitter, i: Insn, bits: number): RmAccess {
  if (i.isMem === true) {
    const a = e.tmp('a');
    return { pre: `const ${a} = ${e.ea(i)};`, load: () => e.read(bits, i.seg, a), store: (v) => e.write(bits, i.seg, a, v) };
  }
  return { pre: '', load: () => e.getRmReg(bits, i), store: (v) => e.setRmReg(bits, i, v) };
}

/** Reads the r/m operand (handlers' readRm8/16/32). */
function readRm(e: Emitter, i: Insn, bits: number): string {
  return i.isMem === true ? e.read(bits, i.seg, e.ea(i)) : e.getRmReg(bits, i);
}

function accumulator(e: Emitter, bits: number): RmAccess {
  return {
    pre: '',
    load: () => (bits === 8 ? e.get8(0) : bits === 16 ? e.get16(REG_EAX) : e.get32(REG_EAX)),
    store: (v) => (bits === 8 ? e.set8(0, v) : bits === 16 ? e.set16(REG_EAX, v) : e.set32(REG_EAX, v)),
  };
}

function literal(n: number): string {
  return `(${n})`;
}

// ---- ADD OR ADC SBB AND SUB XOR CMP TEST ----

interface AluOp {
  lazy: number;
  kind: FlagSource['kind'];
  /** The result from locals d, s (and c, the carry in, for ADC/SBB). */
  expr: (d: string, s: string, c: string) => string;
  carry: boolean;
  writeBack: boolean;
}
const ALU_OPS: Readonly<Record<string, AluOp>> = {
  Add: { lazy: LAZY_ADD, kind: 'add', expr: (d, s) => `${d} + ${s}`, carry: false, writeBack: true },
  Or: { lazy: LAZY_LOGIC, kind: 'logic', expr: (d, s) => `${d} | ${s}`, carry: false, writeBack: true },
  Adc: { lazy: LAZY_ADC, kind: 'add', expr: (d, s, c) => `${d} + ${s} + ${c}`, carry: true, writeBack: true },
  Sbb: { lazy: LAZY_SBB, kind: 'sub', expr: (d, s, c) => `${d} - ${s} - ${c}`, carry: true, writeBack: true },
  And: { lazy: LAZY_LOGIC, kind: 'logic', expr: (d, s) => `${d} & ${s}`, carry: false, writeBack: true },
  Sub: { lazy: LAZY_SUB, kind: 'sub', expr: (d, s) => `${d} - ${s}`, carry: false, writeBack: true },
  Xor: { lazy: LAZY_LOGIC, kind: 'logic', expr: (d, s) => `${d} ^ ${s}`, carry: false, writeBack: true },
  Cmp: { lazy: LAZY_SUB, kind: 'sub', expr: (d, s) => `${d} - ${s}`, carry: false, writeBack: false },
  Test: { lazy: LAZY_LOGIC, kind: 'logic', expr: (d, s) => `${d} & ${s}`, carry: false, writeBack: false },
};

const SIZE: Readonly<Record<string, number>> = { 8: 8, 16: 16, 32: 32, AL: 8, AX: 16, EAX: 32 };

function aluTemplate(op: AluOp, dst: string, src: string): Template | undefined {
  const dm = /^(rm|r|AL|AX|EAX)(8|16|32)?$/.exec(dst);
  const sm = /^(rm|r|imm)(8|16|32)$/.exec(src);
  if (!dm || !sm) return undefined;
  const bits = SIZE[dm[2] ?? dm[1]!]!;
  const dKind = dm[1]!;
  const sKind = sm[1]!;
  // Logic results of in-range operands are in range already; the rest wrap to the width.
  const logic = op.kind === 'logic';
  return (i, e) => {
    const dOp = dKind === 'rm' ? rmAccess(e, i, bits) : dKind === 'r' ? { pre: '', load: () => e.getReg(bits, i), store: (v: string) => e.setReg(bits, i, v) } : accumulator(e, bits);
    const s =
      sKind === 'r' ? e.getReg(bits, i)
      : sKind === 'rm' ? readRm(e, i, bits)
      : literal(bits === 16 && sm[2] === '8' ? i.imm & 0xffff : i.imm);
    const d = e.tmp('d');
    const sv = e.tmp('s');
    const v = e.tmp('v');
    let code = `${dOp.pre} const ${d} = ${dOp.load()}; const ${sv} = ${s};`;
    if (op.carry) {
      e.readsFlags();
      const c = e.tmp('c');
      code += ` const ${c} = getCF(cpu); const ${v} = ${wrap(bits, op.expr(d, sv, c))}; cpu.lzCarryIn = ${c};`;
      code += e.lazy(op.lazy, op.kind, bits, d, sv, v);
      e.flags = undefined;
    } else {
      code += ` const ${v} = ${logic ? `(${op.expr(d, sv, '')})` : wrap(bits, op.expr(d, sv, ''))};`;
      code += e.lazy(op.lazy, op.kind, bits, d, sv, v);
    }
    if (op.writeBack) code += dOp.store(v);
    return code;
  };
}

// ---- INC DEC NOT NEG ----

function incDecTemplate(inc: boolean, shape: string, bits: number): Template {
  return (i, e) => {
    const dOp = shape === 'rm' ? rmAccess(e, i, bits) : { pre: '', load: () => e.getReg(bits, i), store: (v: string) => e.setReg(bits, i, v) };
    const d = e.tmp('d');
    const v = e.tmp('v');
    const c = e.tmp('c');
    e.readsFlags();
    let code = `${dOp.pre} const ${d} = ${dOp.load()}; const ${v} = ${wrap(bits, `${d} ${inc ? '+' : '-'} 1`)};`;
    code += ` const ${c} = getCF(cpu); cpu.flags = (cpu.flags & -2) | ${c};`;
    code += e.lazy(inc ? LAZY_ADD : LAZY_SUB, inc ? 'inc' : 'dec', bits, d, '1', v, KEEP_CARRY_MASK, c);
    return code + dOp.store(v);
  };
}

function notNegTemplate(neg: boolean, bits: number): Template {
  return (i, e) => {
    const dOp = rmAccess(e, i, bits);
    const d = e.tmp('d');
    const v = e.tmp('v');
    let code = `${dOp.pre} const ${d} = ${dOp.load()};`;
    if (neg) {
      code += ` const ${v} = ${wrap(bits, `-${d}`)};` + e.lazy(LAZY_SUB, 'sub', bits, '0', d, v);
    } else {
      code += ` const ${v} = ${bits === 32 ? `~${d}` : `~${d} & ${bits === 8 ? '0xff' : '0xffff'}`};`;
    }
    return code + dOp.store(v);
  };
}

// ---- MOV, LEA ----

function movTemplate(dst: string, src: string, bits: number): Template | undefined {
  if (dst === 'rm' && src === 'r') {
    return (i, e) => (i.isMem === true ? e.write(bits, i.seg, e.ea(i), e.getReg(bits, i)) : e.setRmReg(bits, i, e.getReg(bits, i)));
  }
  if (dst === 'r' && src === 'rm') return (i, e) => e.setReg(bits, i, readRm(e, i, bits));
  if (dst === 'r' && src === 'imm') return (i, e) => e.setReg(bits, i, literal(bits === 32 ? i.imm | 0 : i.imm));
  if (dst === 'rm' && src === 'imm') {
    return (i, e) => (i.isMem === true ? e.write(bits, i.seg, e.ea(i), literal(i.imm)) : e.setRmReg(bits, i, literal(bits === 32 ? i.imm | 0 : i.imm)));
  }
  return undefined;
}

// ---- group 2: ROL ROR RCL RCR SHL SAL SHR SAR ----

/** As the handlers' rmw8/16/32: the count is masked to 5 bits; a zero count still reads the operand and writes nothing. */
function shiftTemplate(core: string, bits: number, by: string): Template {
  return (i, e) => {
    const constCount = by === '1' ? 1 : by === 'imm8' ? i.imm & 31 : -1;
    if (constCount === 0) return i.isMem === true ? `${e.read(bits, i.seg, e.ea(i))};` : '';
    e.clobbersFlags();
    const c = constCount > 0 ? String(constCount) : e.tmp('n');
    const guard = constCount > 0 ? '' : `if (${c} !== 0) `;
    let code = constCount > 0 ? '' : `const ${c} = ${e.get8(REG_ECX * 4)} & 31;`;
    if (i.isMem === true) {
      const a = e.tmp('a');
      const v = e.tmp('v');
      code += ` const ${a} = ${e.ea(i)}; const ${v} = ${e.read(bits, i.seg, a)}; ${guard}{ ${e.write(bits, i.seg, a, `${core}(m, ${v}, ${c})`)} }`;
    } else {
      code += ` ${guard}{ ${e.setRmReg(bits, i, `${core}(m, ${e.getRmReg(bits, i)}, ${c})`)} }`;
    }
    return code;
  };
}

/** The template for a table id, or undefined when the form runs its handler. */
export function aluTemplateFor(id: string): Template | undefined {
  let m = /^(Add|Or|Adc|Sbb|And|Sub|Xor|Cmp|Test)_([A-Za-z]+\d*)_([a-z]+\d+)(?:_82|_F6r1|_F7r1)?$/.exec(id);
  if (m) return aluTemplate(ALU_OPS[m[1]!]!, m[2]!, m[3]!);
  m = /^(Inc|Dec)_(r|rm)(8|16|32)$/.exec(id);
  if (m) return incDecTemplate(m[1] === 'Inc', m[2]!, Number(m[3]));
  m = /^(Not|Neg)_rm(8|16|32)$/.exec(id);
  if (m) return notNegTemplate(m[1] === 'Neg', Number(m[2]));
  m = /^Mov_(rm|r)(8|16|32)_(rm|r|imm)(8|16|32)$/.exec(id);
  if (m && m[2] === m[4]) return movTemplate(m[1]!, m[3]!, Number(m[2]));
  m = /^Lea_r(16|32)_m$/.exec(id);
  if (m) {
    const bits = Number(m[1]);
    return (i, e) => (bits === 32 ? e.set32(i.reg, e.ea(i)) : e.set16(i.reg, e.ea(i)));
  }
  m = /^(Rol|Ror|Rcl|Rcr|Shl|Sal|Shr|Sar)_rm(8|16|32)_(imm8|1|CL)$/.exec(id);
  if (m) return shiftTemplate(`${m[1]!.toLowerCase()}${m[2]}`, Number(m[2]), m[3]!);
  return undefined;
}
