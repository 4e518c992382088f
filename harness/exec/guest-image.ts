/**
 * Loading a flat guest image into a reference machine and putting the CPU where the image
 * expects to start: real mode at CS:IP, or flat 32-bit protected mode at CPL 0 with paging off
 * (the machine state ../shared/bench/README.md describes).
 */

import { readFile } from 'node:fs/promises';
import {
  createInterpreter,
  createMachine,
  enterFlatProtectedMode,
  enterRealMode,
  pokeBytes,
  REG_ESP,
  SEG_CS,
  type CpuModelName,
  type Interpreter,
} from '../../reference-emulator/index.ts';
import { InputError } from '../cli/errors.ts';

export type StartMode = 'real' | 'prot32';

export interface ImageSpec {
  image: Uint8Array;
  source: string;
  loadAddress: number;
  /** Entry as a linear address; in real mode CS is loadAddress >> 4 and IP is the rest. */
  entry: number;
  mode: StartMode;
  cpu: CpuModelName;
  memorySize?: number;
}

export async function readImage(path: string): Promise<Uint8Array> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new InputError(`cannot read guest image ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  if (bytes.length === 0) throw new InputError(`guest image ${path} is empty`);
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
}

/** Builds a machine with the image loaded and the CPU at its entry. */
export function loadGuest(spec: ImageSpec): Interpreter {
  const machine = createMachine({ cpu: spec.cpu, ...(spec.memorySize ? { memorySize: spec.memorySize } : {}) });
  const end = spec.loadAddress + spec.image.length;
  if (end > machine.mem.size) {
    throw new InputError(
      `guest image ${spec.source} (${spec.image.length} bytes at 0x${spec.loadAddress.toString(16)}) does not fit in ${machine.mem.size / 1048576} MiB of RAM`,
    );
  }
  if (spec.mode === 'real' && spec.loadAddress > 0xfffff) {
    throw new InputError(`real-mode load address 0x${spec.loadAddress.toString(16)} is above 1 MiB`);
  }
  pokeBytes(machine.mem, spec.loadAddress, spec.image);
  const cpu = machine.cpu;
  if (spec.mode === 'real') {
    const segment = (spec.loadAddress >>> 4) & 0xffff;
    cpu.segSel.fill(segment);
    enterRealMode(cpu);
    const ip = spec.entry - segment * 16;
    if (ip < 0 || ip > 0xffff) {
      throw new InputError(`real-mode entry 0x${spec.entry.toString(16)} is not within 64 KiB above the load segment 0x${segment.toString(16)}`);
    }
    cpu.eip = ip;
    cpu.r16[REG_ESP << 1] = 0xfffe;
  } else {
    enterFlatProtectedMode(cpu);
    cpu.eip = spec.entry | 0;
  }
  if (spec.mode === 'real' && cpu.segBase[SEG_CS] !== (spec.loadAddress & ~0xf)) throw new Error('real-mode CS set-up mismatch');
  return createInterpreter(machine);
}
