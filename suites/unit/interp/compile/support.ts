/**
 * Shared by the region-compiler tests: the machine state two runs must agree on (registers, EIP,
 * EFLAGS and the raw lazy-flag record, segment caches, the retired-instruction count, all of
 * RAM) and a flat 32-bit machine for hand-written programs. Models no hardware.
 */

import { expect } from 'chai';
import {
  createInterpreter,
  createMachine,
  enterFlatProtectedMode,
  getFlags,
  REG_ESP,
  type Handler,
  type InstrId,
  type Interpreter,
  type StopReason,
} from '../../../../reference-emulator/index.ts';

/** How a run ended: its stop, or what it threw. */
export type Outcome = StopReason | { thrown: string };

export function snapshot(interp: Interpreter, outcome: Outcome): Record<string, unknown> {
  const cpu = interp.machine.cpu;
  return {
    outcome,
    regs: Array.from(cpu.r32),
    eip: cpu.eip >>> 0,
    eflags: getFlags(cpu) >>> 0,
    lazy: { flags: cpu.flags, op: cpu.lzOp, bits: cpu.lzBits, dst: cpu.lzDst, src: cpu.lzSrc, res: cpu.lzRes, carryIn: cpu.lzCarryIn, mask: cpu.lzMask },
    segs: [Array.from(cpu.segSel), Array.from(cpu.segBase), Array.from(cpu.segLimit), Array.from(cpu.segAttr)],
    icount: cpu.icount,
  };
}

/** `compiled` must equal `interpreted` in everything snapshot() holds and in every byte of RAM. */
export function expectSameMachine(interpreted: Interpreter, compiled: Interpreter, a: Outcome, b: Outcome, when: string): void {
  expect(snapshot(compiled, b), `compiled vs interpreted, ${when}`).to.deep.equal(snapshot(interpreted, a));
  const ramA = interpreted.machine.mem.bytes;
  const ramB = compiled.machine.mem.bytes;
  if (!Buffer.from(ramA.buffer, ramA.byteOffset, ramA.byteLength).equals(Buffer.from(ramB.buffer, ramB.byteOffset, ramB.byteLength))) {
    const at = ramA.findIndex((byte, k) => byte !== ramB[k]);
    expect.fail(`compiled vs interpreted, ${when}: RAM differs first at 0x${at.toString(16)} (0x${ramB[at]!.toString(16)}, interpreter 0x${ramA[at]!.toString(16)})`);
  }
}

/** Flat 32-bit protected mode, CPL 0, `code` at 0x1000 = EIP, ESP 0x8000, 64 KiB of RAM. */
export function flatMachine(code: readonly number[], compileThreshold: number, handlerOverrides?: Partial<Record<InstrId, Handler>>): Interpreter {
  const m = createMachine({ memorySize: 0x10000 });
  const interp = createInterpreter(m, handlerOverrides ? { compileThreshold, handlerOverrides } : { compileThreshold });
  enterFlatProtectedMode(m.cpu);
  m.cpu.eip = 0x1000;
  m.cpu.r32[REG_ESP] = 0x8000;
  m.mem.bytes.set(code, 0x1000);
  return interp;
}
