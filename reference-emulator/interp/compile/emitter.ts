/**
 * The code generator's view of pre-decoded blocks while the region compiler (compile-region.ts)
 * turns them into a JS function: which guest registers live in JS locals, which lazy-flag record
 * the last instruction left, and what each instruction may do (fault, write memory, read or
 * replace the flag record). Templates (templates-*.ts) call it to name operands; it models no
 * instruction itself.
 *
 * Registers: the general registers a region touches are loaded into locals `g0`..`g7` on entry
 * and stored back wherever the interpreter's state must be whole: before a handler call, at an
 * early exit, at a fault and at the end. 16- and 8-bit registers are views of those locals, as
 * AX and AH are of EAX (SDM Vol. 1, 3.4.1). REG_ZERO, the absent base or index, is the constant 0.
 *
 * Lazy flags (interp/flags.ts): a template's record stores go through `lazy`, which leaves a
 * marker; the compiler drops the stores of a record that a later instruction replaces before
 * anything can observe it (no fault, handler call, early exit or flag read in between), so the
 * state at every point where the interpreter could look is the same as the interpreter's.
 */

import * as cpuStateModule from '../../machine/cpu-state.ts';
import * as schemaModule from '../../isa/schema.ts';
import type { Insn } from '../../decoder/insn.ts';

const { REG_ZERO, SEG_CS, SEG_SS, SEGATTR_DB } = cpuStateModule;
const { FLAG_CF, FLAGS_STATUS } = schemaModule;

/** What the last flag-writing template in the block computed, as JS locals: lets a Jcc read it without the record. */
export interface FlagSource {
  kind: 'add' | 'sub' | 'logic' | 'inc' | 'dec';
  bits: number;
  /** Locals holding the operands and the result (as the record would), and for INC/DEC the concrete CF. */
  d: string;
  s: string;
  v: string;
  c?: string;
}

/** Per instruction: what the compiler needs for fault handling, early exits and flag liveness. */
export interface InsnFacts {
  mayFault: boolean;
  writesMem: boolean;
  /** Reads the lazy record (or its mask) in memory. */
  readsFlags: boolean;
  /** Replaces lzOp/lzBits/lzDst/lzSrc/lzRes/lzMask entirely. */
  killsFlags: boolean;
  /** Not templated: the form's handler is called. */
  fallback: boolean;
  /** The template stores EIP itself (a control transfer); otherwise the compiler stores `next` when it leaves. */
  setsEip: boolean;
}

/**
 * What the segment state was when the region was compiled. Code may be specialised on it, and
 * then the region checks it on entry and after every handler call (the only place a segment can
 * change inside a region): `guards` collects the checks the specialised code relies on.
 */
export interface Assumptions {
  /** Per segment: flat (flat-access.ts isFlat). */
  readonly flat: readonly boolean[];
  /** SS.B: 32-bit stack pointer. */
  readonly stack32: boolean;
  /** CS limit 4 GiB - 1: no near target can exceed it. */
  readonly csFlat: boolean;
}

export class Emitter {
  /** Guard expressions the generated code relies on (see Assumptions). */
  readonly guards = new Set<string>();
  /** Registers held in locals anywhere in the region. */
  readonly used = new Set<number>();
  /** Registers written anywhere in the region: the ones stored back to cpu.r32. */
  readonly written = new Set<number>();
  /** Record stores per instruction index, substituted for their marker or dropped. */
  readonly flagStores = new Map<number, string>();
  facts: InsnFacts = newFacts();

  constructor(readonly assume: Assumptions) {}
  flags: FlagSource | undefined;
  index = 0;
  private temps = 0;

  /** A fresh local name, unique in the block. */
  tmp(prefix = 't'): string {
    return `${prefix}${this.temps++}`;
  }

  get32(n: number): string {
    if (n === REG_ZERO) return '0';
    this.used.add(n);
    return `g${n}`;
  }
  /** `value` must be an int32 expression. */
  set32(n: number, value: string): string {
    this.used.add(n);
    this.written.add(n);
    return `g${n} = ${value};`;
  }
  get16(n: number): string {
    return n === REG_ZERO ? '0' : `(${this.get32(n)} & 0xffff)`;
  }
  set16(n: number, value: string): string {
    this.used.add(n);
    this.written.add(n);
    return `g${n} = (g${n} & -65536) | ((${value}) & 0xffff);`;
  }
  /** `offset` is a byte offset in the register buffer (Insn.reg8/rm8): AL=0, AH=1, CL=4 ... */
  get8(offset: number): string {
    const n = offset >> 2;
    return offset & 1 ? `((${this.get32(n)} >> 8) & 0xff)` : `(${this.get32(n)} & 0xff)`;
  }
  set8(offset: number, value: string): string {
    const n = offset >> 2;
    this.used.add(n);
    this.written.add(n);
    return offset & 1 ? `g${n} = (g${n} & -65281) | (((${value}) & 0xff) << 8);` : `g${n} = (g${n} & -256) | ((${value}) & 0xff);`;
  }
  getReg(bits: number, i: Insn): string {
    return bits === 8 ? this.get8(i.reg8) : bits === 16 ? this.get16(i.reg) : this.get32(i.reg);
  }
  setReg(bits: number, i: Insn, value: string): string {
    return bits === 8 ? this.set8(i.reg8, value) : bits === 16 ? this.set16(i.reg, value) : this.set32(i.reg, value);
  }
  getRmReg(bits: number, i: Insn): string {
    return bits === 8 ? this.get8(i.rm8) : bits === 16 ? this.get16(i.rm) : this.get32(i.rm);
  }
  setRmReg(bits: number, i: Insn, value: string): string {
    return bits === 8 ? this.set8(i.rm8, value) : bits === 16 ? this.set16(i.rm, value) : this.set32(i.rm, value);
  }

  /** The effective address of a memory operand, as access.ts effectiveAddress computes it. */
  ea(i: Insn): string {
    if (i.asz32 === true) {
      const parts: string[] = [];
      if (i.base !== REG_ZERO) parts.push(this.get32(i.base));
      if (i.index !== REG_ZERO) parts.push(i.scale === 0 ? this.get32(i.index) : `(${this.get32(i.index)} << ${i.scale})`);
      parts.push(String(i.disp));
      return `((${parts.join(' + ')}) | 0)`;
    }
    return `((${this.get16(i.base)} + ${this.get16(i.index)} + ${i.disp}) & 0xffff)`;
  }

  /** A read through segmentation (access.ts read8/16/32, or flat-access.ts): limit-checked, so it may fault. */
  read(bits: number, seg: number, offset: string): string {
    this.facts.mayFault = true;
    return `${this.flatSeg(seg) ? 'flatRead' : 'read'}${bits}(m, ${seg}, ${offset})`;
  }
  write(bits: number, seg: number, offset: string, value: string): string {
    this.facts.mayFault = true;
    this.facts.writesMem = true;
    return `${this.flatSeg(seg) ? 'flatWrite' : 'write'}${bits}(m, ${seg}, ${offset}, ${value});`;
  }
  private flatSeg(seg: number): boolean {
    if (this.assume.flat[seg] !== true) return false;
    this.guards.add(`isFlat(cpu, ${seg})`);
    return true;
  }

  /** SS.B as an expression: the constant `true` when the region assumes a 32-bit stack. */
  stack32(): string {
    if (!this.assume.stack32) return `((cpu.segAttr[${SEG_SS}] & ${SEGATTR_DB}) !== 0)`;
    this.guards.add(`(cpu.segAttr[${SEG_SS}] & ${SEGATTR_DB}) !== 0`);
    return 'true';
  }

  /** control.ts `branch`'s CS limit check of `target` (an expression, unsigned); none when CS is flat. */
  csLimitCheck(target: string): string {
    if (!this.assume.csFlat) {
      this.facts.mayFault = true;
      return `if (${target} > cpu.segHigh[${SEG_CS}]) throw gp();`;
    }
    this.guards.add(`cpu.segHigh[${SEG_CS}] === 4294967295`);
    return '';
  }

  /** Stores of a full lazy record (flags.ts setLazy), as a marker the compiler may drop. */
  lazy(op: number, kind: FlagSource['kind'], bits: number, d: string, s: string, v: string, mask = FLAGS_STATUS, c?: string): string {
    this.facts.killsFlags = true;
    this.flagStores.set(this.index, `cpu.lzOp = ${op}; cpu.lzBits = ${bits}; cpu.lzDst = ${d}; cpu.lzSrc = ${s}; cpu.lzRes = ${v}; cpu.lzMask = ${mask};`);
    this.flags = c === undefined ? { kind, bits, d, s, v } : { kind, bits, d, s, v, c };
    return `/*@F${this.index}*/`;
  }

  /** The template reads the record in memory: the previous record must be stored. */
  readsFlags(): void {
    this.facts.readsFlags = true;
  }

  /** The template reads and changes part of the record (setStatusFlags): nothing about the flags is known after it. */
  clobbersFlags(): void {
    this.facts.readsFlags = true;
    this.flags = undefined;
  }

  /** Starts instruction `index`. */
  begin(index: number): void {
    this.index = index;
    this.facts = newFacts();
  }
}

function newFacts(): InsnFacts {
  return { mayFault: false, writesMem: false, readsFlags: false, killsFlags: false, fallback: false, setsEip: false };
}

/** INC/DEC keep CF (flags.ts setLazyKeepCarry): the mask of their record. */
export const KEEP_CARRY_MASK = FLAGS_STATUS & ~FLAG_CF;
