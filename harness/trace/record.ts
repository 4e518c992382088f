/**
 * Records a trace on any subject through the adapter contract alone (reset, writeMemory,
 * setState, run, getState, readMemory), so a golden recorded on the reference can be replayed on
 * QEMU or an out-of-process emulator: one `run({maxInstructions: 1})` per step, the state read
 * after each, and the watched regions read back to find the bytes that changed.
 *
 * A step is one retired instruction or one fault delivered through the IVT/IDT (the reference
 * counts a delivery against the budget, retiring nothing). A REP string instruction retires as
 * one instruction, all its iterations in one step, and the instruction after a MOV SS is a step
 * of its own; a subject that single-steps with EFLAGS.TF (a trap after each REP iteration, and
 * none right after MOV SS, SDM Vol. 3A, 6.8.3) must still count retired instructions. The
 * instruction is decoded from the subject's own memory before it runs, for the step's bytes,
 * form and disassembly.
 *
 * Models no hardware; the subject does.
 */

import type { Subject } from '../adapter.ts';
import type { MemoryChange, MemoryRegion, Trace, TraceStep } from './format.ts';
import type { TraceSetup } from './program.ts';
import { changedFields, flattenState, linearIp, unflattenState, type FlatState } from './state-fields.ts';
import { decodeInstruction } from './undefined-flags.ts';

/** Longest x86 instruction (SDM Vol. 2A, 2.3.11): all a decode can need. */
const MAX_INSTRUCTION_BYTES = 15;

async function readRegions(subject: Subject, regions: readonly MemoryRegion[]): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for (const region of regions) out.push(await subject.readMemory(region.base, region.bytes.length));
  return out;
}

/** Runs of bytes that differ between two copies of the watched regions. */
export function memoryChanges(regions: readonly MemoryRegion[], before: readonly Uint8Array[], after: readonly Uint8Array[]): MemoryChange[] {
  const changes: MemoryChange[] = [];
  regions.forEach((region, index) => {
    const old = before[index]!;
    const now = after[index]!;
    let offset = 0;
    while (offset < now.length) {
      if (old[offset] === now[offset]) {
        offset++;
        continue;
      }
      const start = offset;
      while (offset < now.length && old[offset] !== now[offset]) offset++;
      changes.push({ address: region.base + start, bytes: now.slice(start, offset) });
    }
  });
  return changes;
}

/** Puts the subject at the setup's start: RAM size and model, watched memory, full state. */
export async function startSubject(subject: Subject, setup: TraceSetup): Promise<void> {
  await subject.reset({ cpu: setup.cpu, memorySize: setup.memorySize });
  for (const region of setup.initial.memory) await subject.writeMemory(region.base, region.bytes);
  await subject.setState(unflattenState(setup.initial.state));
}

/**
 * Records up to `setup.maxInstructions` steps. The initial state and memory in the trace are
 * what the subject reports after set-up, so a subject that cannot hold the requested state shows
 * up as a divergence in the initial state rather than somewhere later.
 */
export async function recordTrace(subject: Subject, setup: TraceSetup): Promise<Trace> {
  await startSubject(subject, setup);
  const regions = setup.initial.memory;
  let state: FlatState = flattenState(await subject.getState());
  let memory = await readRegions(subject, regions);
  const initial = { state, memory: regions.map((region, index) => ({ base: region.base, bytes: memory[index]! })) };
  const steps: TraceStep[] = [];
  let stop: Trace['stop'] = { kind: 'limit' };
  while (steps.length < setup.maxInstructions) {
    const fetched = await subject.readMemory(linearIp(state), MAX_INSTRUCTION_BYTES);
    let instruction;
    try {
      instruction = decodeInstruction(fetched, state, setup.cpu);
    } catch {
      // The subject raises the fetch fault itself when it runs; the step records no bytes.
      instruction = undefined;
    }
    stop = await subject.run({ maxInstructions: 1, ...(setup.stopOnException ? { stopOnException: true } : {}) });
    const after = flattenState(await subject.getState());
    const afterMemory = await readRegions(subject, regions);
    const changes: Partial<FlatState> = {};
    for (const name of changedFields(state, after)) changes[name] = after[name];
    steps.push({
      cs: state['cs.sel']!,
      eip: state['eip']!,
      bytes: instruction ? fetched.slice(0, instruction.length) : new Uint8Array(0),
      form: instruction ? instruction.form.id : null,
      asm: instruction ? instruction.asm : '(fetch fault)',
      changes,
      memory: memoryChanges(regions, memory, afterMemory),
    });
    state = after;
    memory = afterMemory;
    if (stop.kind !== 'limit') break;
  }
  return {
    program: setup.program,
    cpu: setup.cpu,
    mode: setup.mode,
    memorySize: setup.memorySize,
    maxInstructions: setup.maxInstructions,
    stopOnException: setup.stopOnException,
    initial,
    steps,
    final: state,
    stop,
  };
}
