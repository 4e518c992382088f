/**
 * The region compiler: turns hot pre-decoded blocks of one code page into one JS function
 * (through `new Function`) that does what the interpreter's executor does for them, instruction
 * for instruction, with the operand fields (registers, immediates, displacements, next EIP)
 * baked in as constants, guest registers in JS locals, lazy-flag stores that nothing can observe
 * left out, and the jumps between the region's blocks taken inside the function (a dispatch loop
 * on EIP, as v86 compiles a page) instead of through the run loop. It models no hardware of its
 * own: every instruction keeps its handler's semantics (SDM Vol. 3A, 6.6 on restartable faults
 * and 11.6 on self-modifying code hold as in the interpreter):
 * - a form with a template (templates-*.ts) runs as inline code; any other form, and any form
 *   whose handler was overridden (mutants), calls its handler with its Insn, as the executor does;
 * - a fault leaves EIP, registers, the flag record and `cpu.icount` as the interpreter leaves
 *   them and reports where it was (faultBlock, faultIndex, retired) for the run loop;
 * - after an instruction that wrote memory or ran a handler, a stop request (HLT, the exit port,
 *   a write into decoded code) ends the run there, as the executor's per-instruction check does;
 * - a block runs only whole and within the budget, and the next block is entered only while it
 *   is still valid, the budget allows it and chaining is on (no breakpoints), so
 *   `maxInstructions`, single-step and breakpoints see the executor's block boundaries; a block
 *   that ends in a handler call (a far transfer, a mode change ...) always returns to the run loop.
 * Code segment: every block of a region has the same CS base and default size, which only a
 * handler call at the end of a block can change, so EIP alone names the next block.
 */

import type { Handler, Insn } from '../../decoder/insn.ts';
import type { CpuState } from '../../machine/cpu-state.ts';
import * as cpuStateModule from '../../machine/cpu-state.ts';
import type { Machine } from '../../machine/machine.ts';
import type { FormRecord } from '../../isa/schema.ts';
import * as tableModule from '../../isa/table.ts';
import * as accessModule from '../access.ts';
import * as faultModule from '../fault.ts';
import * as flagsModule from '../flags.ts';
import { HANDLERS } from '../handlers/index.ts';
import { SHIFT_CORES } from '../handlers/shift-bit.ts';
import { Emitter } from './emitter.ts';
import type { Assumptions, InsnFacts } from './emitter.ts';
import * as flatAccessModule from './flat-access.ts';
import { aluTemplateFor } from './templates-alu.ts';
import type { Template } from './templates-alu.ts';
import { flowTemplateFor } from './templates-flow.ts';

const { FORMS } = tableModule;
const { SEG_CS, SEG_SS, SEGATTR_DB } = cpuStateModule;

/** What a region needs of a block: its instructions and where it starts, and whether it is still valid. */
export interface RegionBlock {
  readonly eip: number;
  readonly insns: readonly Insn[];
  readonly valid: boolean;
}

/** Where a fault happened, and the run's progress, for the run loop (Interpreter's fields of the same names). */
export interface RegionReport<B> {
  faultBlock: B | undefined;
  faultIndex: number;
  retired: number;
  lastBlock: B | undefined;
}

/**
 * Runs the region from block `entry` (which must fit in `budget`) and on through its blocks;
 * returns how many instructions retired and leaves the last block run in `interp.lastBlock`,
 * or returns -1, having run nothing, when the segment state is not the one it was compiled for.
 */
export type CompiledRegion<B = RegionBlock> = (m: Machine, cpu: CpuState, interp: RegionReport<B>, entry: number, budget: number, chain: 0 | 1) => number;

/** Template per form index, from the table ids: one lookup per form, made once. */
const TEMPLATES: ReadonlyArray<Template | undefined> = (FORMS as readonly FormRecord[]).map((form) => aluTemplateFor(form.id) ?? flowTemplateFor(form.id));

/** True when the form has a template (for tests: which forms the equivalence check must cover). */
export function hasTemplate(formIndex: number): boolean {
  return TEMPLATES[formIndex] !== undefined;
}

/** What the generated code may call: the interpreter's own access, flag and shift functions. */
const RUNTIME: Record<string, unknown> = {
  read8: accessModule.read8,
  read16: accessModule.read16,
  read32: accessModule.read32,
  write8: accessModule.write8,
  write16: accessModule.write16,
  write32: accessModule.write32,
  ...flatAccessModule,
  getCF: flagsModule.getCF,
  gp: () => new faultModule.CpuFault(faultModule.VEC_GP, 0),
  ...Object.fromEntries(flagsModule.CONDITIONS.map((cond, cc) => [`cond${cc}`, cond])),
  ...SHIFT_CORES,
};
const RUNTIME_NAMES = Object.keys(RUNTIME);
const RUNTIME_VALUES = Object.values(RUNTIME);

/** Positions (for `k`, the faulting instruction) are block * POS_STRIDE + index; blocks are shorter. */
const POS_STRIDE = 128;

/** Markers replaced once the whole region is generated: store back written registers; reload used ones. */
const FLUSH = '/*@W*/';
const RELOAD = '/*@R*/';
const GUARD = '/*@G*/';

const NO_ASSUMPTIONS: Assumptions = { flat: [false, false, false, false, false, false], stack32: false, csFlat: false };

/** The segment state the code is specialised on: what holds now, when the region gets hot. */
function assumptionsOf(cpu: CpuState): Assumptions {
  return {
    flat: [0, 1, 2, 3, 4, 5].map((seg) => flatAccessModule.isFlat(cpu, seg)),
    stack32: (cpu.segAttr[SEG_SS]! & SEGATTR_DB) !== 0,
    csFlat: cpu.segHigh[SEG_CS] === 0xffffffff,
  };
}

/**
 * Compiles `blocks` into one region. `handlers` and `implicitEip` are the interpreter's: a form
 * is templated only while its handler is the table's own, so overrides keep running. The code is
 * specialised on `cpu`'s segment state, or on nothing when `cpu` is undefined.
 */
export function compileRegion<B extends RegionBlock>(
  blocks: readonly B[],
  handlers: readonly Handler[],
  implicitEip: readonly boolean[],
  cpu: CpuState | undefined,
): CompiledRegion<B> {
  const e = new Emitter(cpu === undefined ? NO_ASSUMPTIONS : assumptionsOf(cpu));
  const bound = new Map<string, unknown>();
  const catchCases: string[] = [];
  const cases: string[] = [];
  const indexByEip = new Map(blocks.map((block, b) => [block.eip, b]));
  blocks.forEach((block, b) => {
    if (block.insns.length >= POS_STRIDE) throw new Error(`compileRegion: a block of ${block.insns.length} instructions is longer than ${POS_STRIDE - 1}`);
    cases.push(`case ${b}: {\n${blockCode(e, block, b, handlers, implicitEip, bound, catchCases, indexByEip)}\n}`);
  });
  const guard = e.guards.size > 0 ? [...e.guards].join(' && ') : 'true';
  const dispatch = blocks.map((block, b) => `case ${block.eip}: return ${b};`).join(' ');
  const flush = [...e.written].map((r) => `r[${r}] = g${r};`).join(' ');
  const reload = [...e.used].map((r) => `g${r} = r[${r}];`).join(' ');
  const declarations = [...e.used].map((r) => `g${r} = r[${r}]`);
  blocks.forEach((block, b) => bound.set(`B${b}`, block));
  const blockArray = `const BLOCKS = [${blocks.map((_, b) => `B${b}`).join(', ')}];`;
  const source = `
    ${blockArray}
    /** The block starting at eip, or -1. */
    function blockAt(eip) { switch (eip) { ${dispatch} } return -1; }
    return function compiledRegion(m, cpu, interp, entry, budget, chain) {
      if (!(${guard})) return -1;
      const r = cpu.r32;
      ${declarations.length > 0 ? `let ${declarations.join(', ')};` : ''}
      let k = 0;
      let retired = 0;
      let cur = entry;
      let next = 0;
      try {
        run: for (;;) {
          switch (cur) {
            ${cases.join('\n')}
          }
          break;
        }
        ${FLUSH}
        interp.lastBlock = BLOCKS[cur];
        return retired;
      } catch (x) {
        switch (k) { ${catchCases.join('\n')} }
        const index = k & ${POS_STRIDE - 1};
        cpu.icount += index;
        interp.faultBlock = BLOCKS[k >> ${Math.log2(POS_STRIDE)}];
        interp.faultIndex = index;
        interp.retired = retired + index;
        throw x;
      }
    };`.replaceAll(FLUSH, flush).replaceAll(RELOAD, reload).replaceAll(GUARD, guard);
  const names = [...bound.keys()];
  const factory = new Function(...RUNTIME_NAMES, ...names, source) as (...values: unknown[]) => CompiledRegion<B>;
  return factory(...RUNTIME_VALUES, ...names.map((name) => bound.get(name)));
}

/** The code of one block, as a `case` body of the region's switch. */
function blockCode(
  e: Emitter,
  block: RegionBlock,
  b: number,
  handlers: readonly Handler[],
  implicitEip: readonly boolean[],
  bound: Map<string, unknown>,
  catchCases: string[],
  indexByEip: ReadonlyMap<number, number>,
): string {
  const insns = block.insns;
  const n = insns.length;
  const body: string[] = [];
  const facts: InsnFacts[] = [];
  const earlyExit: boolean[] = [];
  // Leaves the region after instruction j: registers back, EIP, the count, the block.
  const leave = (j: number, eip: string): string =>
    `{ ${FLUSH} ${eip} retired += ${j + 1}; cpu.icount += ${j + 1}; interp.lastBlock = BLOCKS[${b}]; return retired; }`;
  e.flags = undefined;
  let endsInHandler = false;
  for (let j = 0; j < n; j++) {
    const i = insns[j]!;
    const pos = b * POS_STRIDE + j;
    const id = (FORMS[i.form] as FormRecord).id;
    const template = handlers[i.form] === (HANDLERS as Record<string, Handler>)[id] ? TEMPLATES[i.form] : undefined;
    const last = j === n - 1;
    e.begin(pos);
    earlyExit.push(false);
    if (template !== undefined) {
      const code = template(i, e);
      const f = e.facts;
      let text = '';
      if (f.mayFault) {
        text += `k = ${pos}; `;
        catchCases.push(`case ${pos}: ${FLUSH} cpu.eip = ${i.next}; break;`);
      }
      text += code;
      if (f.writesMem && !last) {
        earlyExit[j] = true;
        text += ` if (m.stop !== 0) ${leave(j, `cpu.eip = ${i.next};`)}`;
      }
      if (last && !f.setsEip) text += ` cpu.eip = ${i.next};`;
      body.push(text);
      facts.push(f);
      continue;
    }
    // No template: call the handler, with the registers in cpu.r32 around the call.
    const implicit = implicitEip[i.form] === true;
    const eipAfter = implicit ? `cpu.eip = ${i.next};` : '';
    bound.set(`h${pos}`, handlers[i.form]);
    bound.set(`i${pos}`, i);
    // The handler may write any register: the locals are reloaded before anything stores them back.
    let text = `${FLUSH} k = ${pos}; ${implicit ? '' : `cpu.eip = ${i.next};`} h${pos}(m, i${pos}); ${RELOAD}`;
    catchCases.push(`case ${pos}: ${eipAfter} break;`);
    if (last) {
      text += ` ${eipAfter}`;
      endsInHandler = true;
    } else {
      earlyExit[j] = true;
      // A handler may also have changed a segment the region's code is specialised on.
      text += ` if (m.stop !== 0 || !(${GUARD})) ${leave(j, eipAfter)}`;
    }
    e.flags = undefined;
    const f = e.facts;
    f.fallback = true;
    f.mayFault = true;
    f.readsFlags = true;
    body.push(text);
    facts.push(f);
  }
  let code = body.join('\n');
  code = code.replace(/\/\*@F(\d+)\*\//g, (_, position: string) => {
    const pos = Number(position);
    return recordLive(pos % POS_STRIDE, facts, earlyExit) ? e.flagStores.get(pos)! : '';
  });
  code += `\nretired += ${n}; cpu.icount += ${n};`;
  // A handler at the end may have changed CS, the mode or the code cache: back to the run loop.
  if (endsInHandler) return `${code} break run;`;
  // Only a write into decoded code can raise a stop in templated code; earlier writes have their own exit.
  const lastFacts = facts[n - 1]!;
  if (lastFacts.writesMem) code += ' if (m.stop !== 0) break run;';
  code += ' if (chain === 0) break run;';
  // The next block: its static targets first (a constant compare each), any other EIP by lookup.
  const targets = staticTargets(insns[n - 1]!, lastFacts).filter((t) => indexByEip.has(t));
  const lookup = targets.reduceRight((rest, t) => `cpu.eip === ${t} ? ${indexByEip.get(t)} : ${rest}`, lastFacts.setsEip && targets.length === 0 ? 'blockAt(cpu.eip)' : '-1');
  code += ` next = ${lookup};`;
  code += ` if (next < 0) break run; const nb = BLOCKS[next]; if (nb.valid !== true || nb.insns.length > budget - retired) break run; cur = next; continue run;`;
  return code;
}

/** Where a templated last instruction can go: fall-through, branch target; none known for RET. */
function staticTargets(last: Insn, f: InsnFacts): number[] {
  if (!f.setsEip) return [last.next];
  const form = (FORMS[last.form] as FormRecord).flow;
  if (form === 'branch') return [last.target, last.next];
  if (form === 'jump' || form === 'call') return [last.target];
  return [];
}

/**
 * Whether instruction j's flag record can be observed before a later instruction of its block
 * replaces it: a fault, a handler call, a flag read, an early exit or the end of the block all
 * observe it.
 */
function recordLive(j: number, facts: readonly InsnFacts[], earlyExit: readonly boolean[]): boolean {
  if (earlyExit[j]) return true;
  for (let later = j + 1; later < facts.length; later++) {
    const f = facts[later]!;
    if (f.fallback || f.mayFault || f.readsFlags) return true;
    if (f.killsFlags) return false;
    if (earlyExit[later]) return true;
  }
  return true;
}
