/**
 * A whole reference machine: CPU state, physical memory, the port-I/O bus with its devices,
 * and the CPU model. This is the unit a subject wraps and a suite runs against.
 */

import type { CpuState } from './cpu-state.ts';
import { createCpuState } from './cpu-state.ts';
import type { CpuModel, CpuModelName } from './cpu-model.ts';
import { cpuModel } from './cpu-model.ts';
import type { PhysicalMemory } from './physical-memory.ts';
import { createPhysicalMemory } from './physical-memory.ts';
import type { PortBus } from './port-bus.ts';
import { attachDevice, createPortBus } from './port-bus.ts';
import { createDebugConsole, createDebugExit, createUart16550, PORT_COM1 } from './devices.ts';

/** Why a run stopped. */
export type StopReason =
  | { kind: 'limit' }
  | { kind: 'halt' }
  | { kind: 'exit-port'; status: number }
  | { kind: 'exception'; vector: number; errorCode?: number }
  | { kind: 'shutdown'; detail: string }
  | { kind: 'breakpoint'; eip: number };

/** Stop requests an instruction can raise mid-block; checked after every instruction. */
export const STOP_NONE = 0;
export const STOP_HALT = 1;
export const STOP_EXIT_PORT = 2;
/** The block's code, mode or CS changed under it: leave the block and look up afresh. */
export const STOP_REBLOCK = 3;

export interface Machine {
  readonly cpu: CpuState;
  readonly mem: PhysicalMemory;
  readonly ports: PortBus;
  readonly model: CpuModel;
  /** STOP_* request raised by the last instruction. */
  stop: number;
  exitStatus: number;
  /** Bytes the guest wrote to the debug console and the UART. */
  readonly consoleOutput: number[];
}

export interface MachineOptions {
  memorySize?: number;
  cpu?: CpuModelName | CpuModel;
}

/** Default RAM: 16 MiB, what the SingleStepTests corpora assume and enough for the benchmark. */
export const DEFAULT_MEMORY_SIZE = 16 * 1024 * 1024;

export function createMachine(options: MachineOptions = {}): Machine {
  const model = typeof options.cpu === 'object' ? options.cpu : cpuModel(options.cpu ?? 'modern');
  const mem = createPhysicalMemory(options.memorySize ?? DEFAULT_MEMORY_SIZE, model.addressMask);
  const ports = createPortBus();
  const machine: Machine = {
    cpu: createCpuState(),
    mem,
    ports,
    model,
    stop: 0,
    exitStatus: 0,
    consoleOutput: [],
  };
  machine.cpu.realStackFaultVector = model.realStackFaultVector;
  const sink = (byte: number): void => {
    machine.consoleOutput.push(byte);
  };
  attachDevice(ports, createDebugConsole(sink));
  attachDevice(ports, createUart16550(PORT_COM1, sink));
  attachDevice(ports, createDebugExit((status) => {
    machine.exitStatus = status;
    machine.stop = 2;
  }));
  return machine;
}
