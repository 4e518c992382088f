/**
 * Compares a recorded run with a golden, step by step, and reports the first divergence: the
 * step, its CS:EIP and disassembly, the field (a state field, a memory byte, the instruction
 * itself, the stop), the expected and the actual value.
 *
 * Every state field and every watched byte is compared exactly, except the EFLAGS bits that
 * are undefined at that step (undefined-flags.ts: from the executed instructions' table records,
 * decoded from the golden's bytes). The same comparison serves `xvc trace check`, the rebase
 * summary and the isa/golden suite.
 *
 * Models no hardware.
 */

import { describeStop, flagNames } from '../exec/state-format.ts';
import type { MemoryChange, MemoryRegion, Trace, TraceStep } from './format.ts';
import type { TraceSetup } from './program.ts';
import { formatField, STATE_FIELDS, type FlatState } from './state-fields.ts';
import { decodeInstruction, deliveredFault, flagList, UndefinedFlags, type DecodedInstruction } from './undefined-flags.ts';

export interface Divergence {
  /** Step index, or -1 for the set-up (header, initial state and memory). */
  step: number;
  /** `step 12 at 0100:0005 (shld ax, bx, 4)` or `initial state`. */
  where: string;
  field: string;
  expected: string;
  actual: string;
  /** EFLAGS bits masked at this step, as names. */
  masked?: string;
}

/** One line: where, what, expected and actual. */
export function describeDivergence(d: Divergence): string {
  const masked = d.masked && d.masked !== '-' ? ` (undefined here, masked: ${d.masked})` : '';
  return `${d.where}: ${d.field} expected ${d.expected}, actual ${d.actual}${masked}`;
}

const hex = (value: number, digits: number): string => `0x${(value >>> 0).toString(16).padStart(digits, '0')}`;
const bytesHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex') || '(none)';

export function stepLocation(step: TraceStep, index: number): string {
  return `step ${index} at ${step.cs.toString(16).padStart(4, '0')}:${step.eip.toString(16).padStart(step.eip > 0xffff ? 8 : 4, '0')} (${step.asm})`;
}

function fieldValue(name: string, value: number): string {
  return name === 'eflags' ? `${formatField(name, value)} [${flagNames(value)}]` : formatField(name, value);
}

/** Copies of the watched regions that steps' changes are applied to. */
class WatchedMemory {
  private readonly regions: MemoryRegion[];

  constructor(regions: readonly MemoryRegion[]) {
    this.regions = regions.map((r) => ({ base: r.base, bytes: r.bytes.slice() }));
  }

  private locate(address: number): { region: MemoryRegion; offset: number } | undefined {
    const region = this.regions.find((r) => address >= r.base && address < r.base + r.bytes.length);
    return region ? { region, offset: address - region.base } : undefined;
  }

  apply(changes: readonly MemoryChange[]): void {
    for (const change of changes) {
      const at = this.locate(change.address);
      if (!at || at.offset + change.bytes.length > at.region.bytes.length) throw new Error(`memory change at ${hex(change.address, 8)} is outside the watched regions`);
      at.region.bytes.set(change.bytes, at.offset);
    }
  }

  byte(address: number): number | undefined {
    const at = this.locate(address);
    return at ? at.region.bytes[at.offset] : undefined;
  }
}

function compareState(expected: FlatState, actual: FlatState, undefinedFlags: number, where: string, step: number): Divergence | undefined {
  for (const name of STATE_FIELDS) {
    const e = expected[name]!;
    const a = actual[name]!;
    const differs = name === 'eflags' ? ((e ^ a) & ~undefinedFlags) !== 0 : e !== a;
    if (differs) {
      return { step, where, field: name, expected: fieldValue(name, e), actual: fieldValue(name, a), ...(name === 'eflags' ? { masked: flagList(undefinedFlags) } : {}) };
    }
  }
  return undefined;
}

/** The header and starting point of a golden against a program's (a stale golden fails here). */
export function compareSetup(golden: TraceSetup, actual: TraceSetup): Divergence | undefined {
  const where = 'set-up';
  for (const key of ['program', 'cpu', 'mode', 'memorySize', 'maxInstructions', 'stopOnException'] as const) {
    if (golden[key] !== actual[key]) return { step: -1, where, field: key, expected: String(golden[key]), actual: String(actual[key]) };
  }
  const initial = compareState(golden.initial.state, actual.initial.state, 0, 'initial state', -1);
  if (initial) return initial;
  const g = golden.initial.memory;
  const a = actual.initial.memory;
  const layout = (regions: readonly MemoryRegion[]): string => regions.map((r) => `${hex(r.base, 8)}+${hex(r.bytes.length, 0)}`).join(' ') || '(none)';
  if (layout(g) !== layout(a)) return { step: -1, where: 'initial memory', field: 'watched regions', expected: layout(g), actual: layout(a) };
  for (let index = 0; index < g.length; index++) {
    const gb = g[index]!.bytes;
    const ab = a[index]!.bytes;
    const offset = gb.findIndex((byte, k) => byte !== ab[k]);
    if (offset >= 0) {
      return { step: -1, where: 'initial memory', field: `memory[${hex(g[index]!.base + offset, 8)}]`, expected: hex(gb[offset]!, 2), actual: hex(ab[offset]!, 2) };
    }
  }
  return undefined;
}

function decodeStep(step: TraceStep, before: FlatState, cpu: Trace['cpu']): DecodedInstruction | undefined {
  if (step.bytes.length === 0) return undefined;
  try {
    return decodeInstruction(step.bytes, before, cpu);
  } catch {
    return undefined;
  }
}

/** The first divergence of `actual` from `golden`, or undefined when they agree. */
export function compareTraces(golden: Trace, actual: Trace): Divergence | undefined {
  const setup = compareSetup(golden, actual);
  if (setup) return setup;
  const expected: FlatState = { ...golden.initial.state };
  const observed: FlatState = { ...actual.initial.state };
  const expectedMemory = new WatchedMemory(golden.initial.memory);
  const observedMemory = new WatchedMemory(actual.initial.memory);
  const flags = new UndefinedFlags();
  const steps = Math.max(golden.steps.length, actual.steps.length);
  for (let index = 0; index < steps; index++) {
    const g = golden.steps[index];
    const a = actual.steps[index];
    if (!g) {
      const extra = a ? stepLocation(a, index) : '';
      return { step: index, where: `after step ${index - 1}`, field: 'stop', expected: `${describeStop(golden.stop)} after ${golden.steps.length} steps`, actual: `ran on: ${extra}` };
    }
    const where = stepLocation(g, index);
    if (!a) return { step: index, where, field: 'stop', expected: 'this step', actual: `${describeStop(actual.stop)} after ${actual.steps.length} steps` };
    if (a.cs !== g.cs || a.eip !== g.eip) return { step: index, where, field: 'cs:eip', expected: `${hex(g.cs, 4)}:${hex(g.eip, 8)}`, actual: `${hex(a.cs, 4)}:${hex(a.eip, 8)}` };
    if (bytesHex(a.bytes) !== bytesHex(g.bytes)) return { step: index, where, field: 'instruction bytes', expected: bytesHex(g.bytes), actual: `${bytesHex(a.bytes)} (${a.asm})` };

    const instruction = decodeStep(g, expected, golden.cpu);
    if ((instruction?.form.id ?? null) !== g.form) {
      // The table changed under the golden: the masks would come from a record it was not made with.
      return { step: index, where, field: 'form', expected: `${g.form ?? '(fetch fault)'} (as recorded)`, actual: `${instruction?.form.id ?? '(fetch fault)'} (as the decoder now decodes the bytes; rebase the golden)` };
    }
    const before = { ...expected };
    Object.assign(expected, g.changes);
    Object.assign(observed, a.changes);
    flags.advance(instruction, deliveredFault(instruction, before, expected));
    const state = compareState(expected, observed, flags.mask, where, index);
    if (state) return state;

    expectedMemory.apply(g.memory);
    observedMemory.apply(a.memory);
    for (const change of [...g.memory, ...a.memory]) {
      for (let k = 0; k < change.bytes.length; k++) {
        const address = change.address + k;
        const e = expectedMemory.byte(address);
        const o = observedMemory.byte(address);
        if (e !== o) return { step: index, where, field: `memory[${hex(address, 8)}]`, expected: e === undefined ? 'unwatched' : hex(e, 2), actual: o === undefined ? 'unwatched' : hex(o, 2) };
      }
    }
  }
  if (describeStop(golden.stop) !== describeStop(actual.stop)) {
    const last = golden.steps[golden.steps.length - 1];
    return { step: golden.steps.length - 1, where: last ? stepLocation(last, golden.steps.length - 1) : 'initial state', field: 'stop', expected: describeStop(golden.stop), actual: describeStop(actual.stop) };
  }
  return undefined;
}
