/**
 * The reference interpreter: executes decoded instructions one at a time, in order, retiring
 * each before the next starts (the SDM's sequential model, Vol. 3A, 6.6 on restartability).
 *
 * Speed comes from pre-decoding, not from shortcuts in semantics: straight-line runs of
 * instructions (blocks) are decoded once, bound to their handlers and cached by linear address.
 * A block ends at any instruction whose flow class is not `next`, at a page boundary, or at a
 * breakpoint. Writing into a page that holds decoded code drops that page's blocks and ends the
 * current block after the writing instruction, so self-modifying code sees its new bytes
 * (SDM Vol. 3A, 11.6).
 *
 * Single-step (EFLAGS.TF, SDM Vol. 3B, 17.3.1.4): an instruction that starts with TF set runs
 * alone, and a #DB trap follows it with the next instruction's address pushed, unless it cleared
 * TF itself (INT n and fault delivery do) or it is MOV SS / POP SS, which hold debug traps off
 * until after the next instruction (Vol. 3A, 6.8.3). The instruction that sets TF is therefore
 * not trapped; POPF and IRET end the block when they set it, so the next one is checked.
 *
 * Hot blocks are compiled (compile/compile-region.ts): after `compileThreshold` whole runs, the
 * page's hot blocks become one JS function that the executor calls whenever the block fits in the
 * budget, with the same semantics, stops, counts and fault reports as interpreting them.
 *
 * Time is the retired-instruction count; nothing here reads a clock.
 */

import type { Handler, Insn } from '../decoder/insn.ts';
import { decode } from '../decoder/decode.ts';
import { FORMS, formIndex } from '../isa/table.ts';
import type { InstrId } from '../isa/table.ts';
import type { FormRecord } from '../isa/schema.ts';
import type { Machine, StopReason } from '../machine/machine.ts';
import { STOP_EXIT_PORT, STOP_HALT, STOP_NONE } from '../machine/machine.ts';
import { SEG_CS, SEG_SS, SEGATTR_DB } from '../machine/cpu-state.ts';
import { PAGE_SHIFT, readPhys8 } from '../machine/physical-memory.ts';
import { CpuFault, VEC_DB, VEC_GP } from './fault.ts';
import { FLAG_TF } from '../isa/schema.ts';
import { deliverFault, UnhandledProtectedModeInterrupt } from './interrupt.ts';
import { EIP_NEUTRAL, HANDLERS } from './handlers/index.ts';
import { compileRegion } from './compile/compile-region.ts';
import type { CompiledRegion } from './compile/compile-region.ts';

/** Longest block, in instructions: bounds decode work wasted when a block is invalidated. */
const MAX_BLOCK_INSNS = 64;

/**
 * Interpreted runs of a block before it is compiled (compile/compile-region.ts). Compiling costs
 * far more than one interpreted run, so only blocks that keep running are worth it; a low count
 * also has most tests exercise compiled code.
 */
const DEFAULT_COMPILE_THRESHOLD = 8;

/** Most blocks in one compiled region: bounds the work of recompiling a page's region as more of it gets hot. */
const MAX_REGION_BLOCKS = 48;

/**
 * Guest writes into a page's decoded code after which its blocks are no longer compiled: code
 * that keeps rewriting itself would otherwise pay for a compile after every rewrite.
 */
const CODE_WRITES_BEFORE_NO_COMPILE = 4;

export interface Block {
  readonly linear: number;
  readonly eip: number;
  readonly code32: boolean;
  readonly insns: Insn[];
  readonly pages: number[];
  /** False once invalidated, so chained pointers to it are not followed. */
  valid: boolean;
  /** The last two blocks that followed this one (taken and fall-through): a lookup without the map. */
  succA: Block | undefined;
  succB: Block | undefined;
  /** Interpreted whole runs left before compiling; 0 once compiled or when compiling is off. */
  heat: number;
  /** The compiled region holding this block (entered at `regionIndex`), used whenever the block fits in the budget. */
  region: CompiledRegion<Block> | undefined;
  regionIndex: number;
}

/** Runs up to `n` instructions of a block; returns how many retired. */
type Executor = (m: Machine, block: Block, budget: number, chain: 0 | 1, interp: Interpreter) => number;

export interface Interpreter {
  readonly machine: Machine;
  /** The generated block executor (see buildExecutor). */
  execute: Executor;
  /** Where the executor's last fault happened: the block, the index in it, and the instructions retired in that call. */
  faultBlock: Block | undefined;
  faultIndex: number;
  retired: number;
  /** The block the executor finished in, for chaining from it. */
  lastBlock: Block | undefined;
  /** Budget not used when the last pass stopped early. */
  leftover: number;
  /** Handler per form index; mutants replace entries through `createInterpreter`'s overrides. */
  readonly handlers: Handler[];
  /**
   * Per form index: the handler neither reads nor writes EIP and the form falls through, so the
   * executor need not store the next EIP before it (see buildExecutor).
   */
  readonly implicitEip: readonly boolean[];
  readonly blocks: Map<number, Block>;
  readonly pageBlocks: Map<number, Block[]>;
  breakpoints: ReadonlySet<number>;
  /** Interpreted runs before a block is compiled; 0: never compile. */
  readonly compileThreshold: number;
  /** Per page: how often guest writes dropped its decoded code (see CODE_WRITES_BEFORE_NO_COMPILE). */
  readonly codeWrites: Map<number, number>;
  /** Pages whose compiled region met another segment state than it was specialised on: compiled unspecialised from then on. */
  readonly unspecialisedPages: Set<number>;
}

export interface InterpreterOptions {
  /** Replace handlers by form id: the way seeded bugs (mutants) enter, without touching the hot loop. */
  handlerOverrides?: Partial<Record<InstrId, Handler>>;
  /** Interpreted runs of a block before it is compiled into a JS function; 0 turns compiling off. */
  compileThreshold?: number;
}

export function createInterpreter(machine: Machine, options: InterpreterOptions = {}): Interpreter {
  const overrides = options.handlerOverrides ?? {};
  const handlers = (FORMS as readonly FormRecord[]).map((form) => {
    const id = form.id as InstrId;
    return overrides[id] ?? HANDLERS[id];
  });
  // A replaced handler may do anything, so only the table's own EIP-neutral handlers qualify.
  const implicitEip = (FORMS as readonly FormRecord[]).map((form) => {
    const id = form.id as InstrId;
    return form.flow === 'next' && overrides[id] === undefined && EIP_NEUTRAL.has(id);
  });
  const interp: Interpreter = {
    machine,
    handlers,
    implicitEip,
    execute: () => 0,
    faultBlock: undefined,
    faultIndex: 0,
    retired: 0,
    lastBlock: undefined,
    leftover: 0,
    blocks: new Map(),
    pageBlocks: new Map(),
    breakpoints: new Set(),
    compileThreshold: Math.max(0, options.compileThreshold ?? DEFAULT_COMPILE_THRESHOLD),
    codeWrites: new Map(),
    unspecialisedPages: new Set(),
  };
  interp.execute = options.handlerOverrides ? buildExecutor(handlers, implicitEip) : (defaultExecutor ??= buildExecutor(handlers, implicitEip));
  machine.mem.onCodeWrite = (page) => invalidatePage(interp, page);
  return interp;
}

export function invalidatePage(interp: Interpreter, page: number): void {
  const blocks = interp.pageBlocks.get(page);
  interp.machine.mem.codePages[page] = 0;
  if (!blocks) return;
  interp.pageBlocks.delete(page);
  interp.codeWrites.set(page, (interp.codeWrites.get(page) ?? 0) + 1);
  for (const block of blocks) {
    block.valid = false;
    if (interp.blocks.get(block.linear) === block) interp.blocks.delete(block.linear);
  }
  // The running block may be one of them: leave it after the current instruction.
  if (interp.machine.stop === STOP_NONE) interp.machine.stop = 3;
}

/** Drops every cached block (CR0/CR3 changes, breakpoint changes, state loads). */
export function flushCodeCache(interp: Interpreter): void {
  for (const page of interp.pageBlocks.keys()) interp.machine.mem.codePages[page] = 0;
  for (const block of interp.blocks.values()) block.valid = false;
  interp.blocks.clear();
  interp.pageBlocks.clear();
}

export function setBreakpoints(interp: Interpreter, linearAddresses: Iterable<number>): void {
  interp.breakpoints = new Set([...linearAddresses].map((a) => a | 0));
  flushCodeCache(interp);
}

function buildBlock(interp: Interpreter, linear: number): Block {
  const m = interp.machine;
  const cpu = m.cpu;
  const code32 = (cpu.segAttr[SEG_CS]! & SEGATTR_DB) !== 0;
  const csBase = cpu.segBase[SEG_CS]!;
  const low = cpu.segLow[SEG_CS]!;
  const high = cpu.segHigh[SEG_CS]!;
  // Past CS:FFFF a 16-bit fetch wraps on the 286 and meets the limit check later (cpu-model.ts).
  const codeMask = code32 || !m.model.codeFetchWraps16 ? -1 : 0xffff;
  const ctx = { code32, model: m.model };
  const insns: Insn[] = [];
  const pages = new Set<number>();
  let eip = cpu.eip;
  const startPage = linear >>> PAGE_SHIFT;
  for (;;) {
    const at = eip;
    let insn: Insn;
    try {
      insn = decode((offset) => {
        const o = ((at + offset) & codeMask) >>> 0;
        if (o < low || o > high) throw new CpuFault(VEC_GP, 0);
        const address = (csBase + o) | 0;
        pages.add((address >>> 0) >>> PAGE_SHIFT);
        return readPhys8(m.mem, address);
      }, at, ctx);
    } catch (e) {
      // A fetch fault on a later instruction belongs to that instruction: end the block before it.
      if (insns.length > 0 && e instanceof CpuFault) break;
      throw e;
    }
    insn.exec = interp.handlers[insn.form]!;
    insn.blockIndex = insns.length;
    insn.eipImplicit = interp.implicitEip[insn.form]!;
    insns.push(insn);
    const form = FORMS[insn.form] as FormRecord;
    eip = insn.next;
    const nextLinear = (csBase + eip) | 0;
    if (form.flow !== 'next' || insns.length >= MAX_BLOCK_INSNS) break;
    if ((nextLinear >>> 0) >>> PAGE_SHIFT !== startPage) break;
    if (interp.breakpoints.has(nextLinear)) break;
  }
  const block: Block = {
    linear,
    eip: cpu.eip,
    code32,
    insns,
    pages: [...pages],
    valid: true,
    succA: undefined,
    succB: undefined,
    heat: (interp.codeWrites.get(startPage) ?? 0) >= CODE_WRITES_BEFORE_NO_COMPILE ? 0 : interp.compileThreshold,
    region: undefined,
    regionIndex: 0,
  };
  interp.blocks.set(linear, block);
  for (const page of block.pages) {
    if (page < m.mem.codePages.length) m.mem.codePages[page] = 1;
    const list = interp.pageBlocks.get(page);
    if (list) list.push(block);
    else interp.pageBlocks.set(page, [block]);
  }
  return block;
}

function lookupBlock(interp: Interpreter, previous: Block | undefined): Block {
  const cpu = interp.machine.cpu;
  const linear = (cpu.segBase[SEG_CS]! + cpu.eip) | 0;
  const code32 = (cpu.segAttr[SEG_CS]! & SEGATTR_DB) !== 0;
  if (previous !== undefined) {
    // Chaining: most blocks are followed by one of the same two blocks every time.
    const a = previous.succA;
    if (a !== undefined && a.linear === linear && a.eip === cpu.eip && a.valid && a.code32 === code32) return a;
    const b = previous.succB;
    if (b !== undefined && b.linear === linear && b.eip === cpu.eip && b.valid && b.code32 === code32) {
      previous.succB = a;
      previous.succA = b;
      return b;
    }
  }
  let block = interp.blocks.get(linear);
  if (block === undefined || block.eip !== cpu.eip || block.code32 !== code32) block = buildBlock(interp, linear);
  if (previous !== undefined && previous.valid) {
    previous.succB = previous.succA;
    previous.succA = block;
  }
  return block;
}

export interface RunOptions {
  maxInstructions: number;
  /** Stop at a fault instead of delivering it (adapters' "run until an exception"). */
  stopOnException?: boolean;
}

/** The executor for the unmodified handler table, shared by every interpreter without overrides. */
let defaultExecutor: Executor | undefined;

/** Largest budget handled in one inner pass, so the counters stay small integers for V8. */
const BUDGET_CHUNK = 0x3fffffff;

/**
 * Runs until HLT, a debug-exit port write, a breakpoint, a stop-worthy exception, a shutdown or
 * `maxInstructions` retired instructions.
 */
export function run(interp: Interpreter, options: RunOptions): StopReason {
  let remaining = options.maxInstructions;
  for (;;) {
    const chunk = remaining > BUDGET_CHUNK ? BUDGET_CHUNK : remaining;
    const result = runChunk(interp, chunk | 0, options);
    remaining -= chunk - interp.leftover;
    if (result !== undefined) return result;
    if (remaining <= 0) return { kind: 'limit' };
  }
}

/** One pass with an integer budget; returns a stop, or undefined when the budget ran out. */
function runChunk(interp: Interpreter, budget: number, options: RunOptions): StopReason | undefined {
  const m = interp.machine;
  const cpu = m.cpu;
  const execute = interp.execute;
  const checkBreakpoints = interp.breakpoints.size > 0;
  m.stop = STOP_NONE;
  let first = true;
  let previous: Block | undefined;
  interp.leftover = 0;
  while (budget > 0) {
    if (checkBreakpoints && !first && interp.breakpoints.has((cpu.segBase[SEG_CS]! + cpu.eip) | 0)) {
      interp.leftover = budget;
      return { kind: 'breakpoint', eip: cpu.eip };
    }
    first = false;
    let block: Block;
    try {
      block = lookupBlock(interp, previous);
    } catch (e) {
      previous = undefined;
      interp.leftover = budget;
      const stop = handleException(interp, e, cpu.eip, options);
      if (stop) return stop;
      // A delivered fault retires nothing but still uses budget, so a guest whose handler
      // faults again and again ends at the limit instead of spinning.
      budget--;
      continue;
    }
    let retired: number;
    // TF at an instruction's start arms a single-step trap after it: run that instruction alone.
    const stepping = (cpu.flags & FLAG_TF) !== 0;
    try {
      // With breakpoints set, blocks must not chain past them: run one block per call.
      retired = execute(m, block, stepping ? 1 : budget, stepping || checkBreakpoints ? 0 : 1, interp);
    } catch (e) {
      previous = undefined;
      budget -= interp.retired;
      interp.leftover = budget;
      const faulting = interp.faultBlock!.insns[interp.faultIndex]!;
      const stop = handleException(interp, e, faulting.eip, options);
      if (stop) return stop;
      budget--;
      continue;
    }
    budget -= retired;
    previous = interp.lastBlock;
    if (m.stop !== STOP_NONE) {
      const request = m.stop;
      m.stop = STOP_NONE;
      interp.leftover = budget;
      if (request === STOP_HALT) return { kind: 'halt' };
      if (request === STOP_EXIT_PORT) return { kind: 'exit-port', status: m.exitStatus };
    }
    if (stepping && (cpu.flags & FLAG_TF) !== 0 && !holdsDebugTraps(block.insns[0]!)) {
      previous = undefined;
      interp.leftover = budget;
      // A trap: the pushed EIP is the next instruction's, which is already in EIP.
      const stop = handleException(interp, new CpuFault(VEC_DB), cpu.eip, options);
      if (stop) return stop;
    }
  }
  interp.leftover = 0;
  return undefined;
}

/**
 * Builds the block executor: runs pre-decoded instructions, dispatching with a `switch` on the
 * form index, one call site per form, and follows the chain of successor blocks (succA/succB)
 * while it holds, so the outer loop runs only on a chain miss, a stop, a fault or the end of the
 * budget.
 *
 * Why a generated switch: one shared `insn.exec(m, insn)` call site sees hundreds of targets
 * and V8 cannot optimise it (measured: about 62 M calls/s on the benchmark machine); a call site
 * per form sees one target each, which V8 calls directly and inlines where small (about 110 M/s
 * in the same experiment). The handlers are the interpreter's own array, so overrides (mutants)
 * are dispatched the same way and the hot loop carries no test code.
 *
 * It keeps `cpu.icount` exact at every block boundary (RDTSC adds its position in the block).
 * On a fault it counts the instructions retired before the faulting one, records where the fault
 * was (faultBlock, faultIndex, retired) and rethrows.
 *
 * A compiled block (Block.region) runs its region instead, which follows the chain inside the
 * compiled function and reports the same way; it needs the whole block to fit in the budget, so a
 * budget that ends mid-block, and single-step, interpret that block.
 */
function buildExecutor(handlers: readonly Handler[], implicitEip: readonly boolean[]): Executor {
  const cases: string[] = [];
  for (let form = 0; form < handlers.length; form++) {
    cases.push(implicitEip[form] ? `case ${form}: h${form}(m, i); break;` : `case ${form}: cpu.eip = i.next; h${form}(m, i); break;`);
  }
  const names = handlers.map((_, form) => `h${form}`);
  const body = `
    return function execute(m, block, budget, chain, interp) {
      const cpu = m.cpu;
      let retired = 0;
      for (;;) {
        const insns = block.insns;
        let n = insns.length;
        if (n > budget - retired) n = budget - retired;
        // The run that uses up the block's heat is the first compiled one.
        if (block.region === undefined && block.heat > 0 && n === insns.length && --block.heat === 0) compile(interp, block);
        let k = -1;
        if (block.region !== undefined && n === insns.length) {
          try {
            k = block.region(m, cpu, interp, block.regionIndex, budget - retired, chain);
          } catch (e) {
            interp.retired += retired;
            throw e;
          }
          if (k >= 0) {
            block = interp.lastBlock;
            retired += k;
          } else {
            regionMissed(interp, block);
          }
        }
        if (k < 0) {
          k = 0;
          try {
            while (k < n) {
              const i = insns[k];
              switch (i.form) { ${cases.join('\n')} }
              k++;
              if (m.stop !== 0) break;
            }
          } catch (e) {
            const f = insns[k];
            if (f.eipImplicit === true) cpu.eip = f.next;
            cpu.icount += k;
            interp.faultBlock = block;
            interp.faultIndex = k;
            interp.retired = retired + k;
            throw e;
          }
          if (k > 0) {
            const last = insns[k - 1];
            if (last.eipImplicit === true) cpu.eip = last.next;
          }
          cpu.icount += k;
          retired += k;
        }
        if (m.stop !== 0 || retired >= budget || chain === 0) break;
        const eip = cpu.eip;
        const linear = (cpu.segBase[${SEG_CS}] + eip) | 0;
        const code32 = (cpu.segAttr[${SEG_CS}] & ${SEGATTR_DB}) !== 0;
        const a = block.succA;
        if (a !== undefined && a.linear === linear && a.eip === eip && a.valid === true && a.code32 === code32) { block = a; continue; }
        const b = block.succB;
        if (b !== undefined && b.linear === linear && b.eip === eip && b.valid === true && b.code32 === code32) {
          block.succB = a;
          block.succA = b;
          block = b;
          continue;
        }
        break;
      }
      interp.lastBlock = block;
      return retired;
    };`;
  const factory = new Function('compile', 'regionMissed', ...names, body) as (
    compile: (interp: Interpreter, block: Block) => void,
    regionMissed: (interp: Interpreter, block: Block) => void,
    ...handlers: Handler[]
  ) => Executor;
  return factory(compileHotBlock, regionMissed, ...handlers);
}

/** The block's region was compiled for another segment state: interpret it, and recompile its page unspecialised if it stays hot. */
function regionMissed(interp: Interpreter, block: Block): void {
  block.region = undefined;
  block.heat = interp.compileThreshold;
  interp.unspecialisedPages.add((block.linear >>> 0) >>> PAGE_SHIFT);
}

/**
 * Compiles the region of `hot`'s page: `hot` and the page's other valid blocks that have run
 * (heat below the threshold) or were compiled before, with the same CS base and code size, so a
 * jump between them stays inside the compiled function. Each recompiles the whole region, so
 * blocks that get hot later join it.
 */
function compileHotBlock(interp: Interpreter, hot: Block): void {
  const base = hot.linear - hot.eip;
  const page = (hot.linear >>> 0) >>> PAGE_SHIFT;
  const members: Block[] = [hot];
  const seen = new Set<number>([hot.eip]);
  for (const block of interp.pageBlocks.get(page) ?? []) {
    if (members.length >= MAX_REGION_BLOCKS) break;
    if (!block.valid || block.heat >= interp.compileThreshold || seen.has(block.eip)) continue;
    if (block.linear - block.eip !== base || block.code32 !== hot.code32 || (block.linear >>> 0) >>> PAGE_SHIFT !== page) continue;
    seen.add(block.eip);
    members.push(block);
  }
  const region = compileRegion(members, interp.handlers, interp.implicitEip, interp.unspecialisedPages.has(page) ? undefined : interp.machine.cpu);
  members.forEach((block, index) => {
    block.region = region;
    block.regionIndex = index;
    block.heat = 0;
  });
}

/** Form indices of POP SS and of MOV Sreg (both operand sizes); MOV Sreg holds traps only when its register is SS. */
const POP_SS_FORMS: ReadonlySet<number> = new Set(['Popw_SS', 'Popd_SS'].map(formIndex));
const MOV_SREG_FORMS: ReadonlySet<number> = new Set(['Mov_Sreg_rm16', 'Mov_Sreg_r32m16'].map(formIndex));

/** MOV SS and POP SS: no debug trap until after the instruction that follows them (SDM Vol. 3A, 6.8.3). */
function holdsDebugTraps(insn: Insn): boolean {
  return POP_SS_FORMS.has(insn.form) || (MOV_SREG_FORMS.has(insn.form) && insn.reg === SEG_SS);
}

/** The stop for an exception, with its error code only when the vector pushes one. */
function exceptionStop(e: { vector: number; errorCode?: number | undefined }): StopReason {
  return e.errorCode === undefined ? { kind: 'exception', vector: e.vector } : { kind: 'exception', vector: e.vector, errorCode: e.errorCode };
}

function handleException(interp: Interpreter, e: unknown, faultEip: number, options: RunOptions): StopReason | undefined {
  const m = interp.machine;
  if (e instanceof UnhandledProtectedModeInterrupt) {
    if (!e.software) m.cpu.eip = faultEip;
    return exceptionStop(e);
  }
  if (!(e instanceof CpuFault)) throw e;
  m.cpu.eip = faultEip;
  if (options.stopOnException) {
    return exceptionStop(e);
  }
  try {
    const shutdown = deliverFault(m, e, faultEip);
    if (shutdown) return { kind: 'shutdown', detail: shutdown };
  } catch (pm) {
    if (pm instanceof UnhandledProtectedModeInterrupt) {
      return exceptionStop(pm);
    }
    throw pm;
  }
  return undefined;
}
