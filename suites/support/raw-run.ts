/**
 * Runs code in states `given()` cannot set up (a CPL other than 0, IOPL, virtual-8086 mode, CR4,
 * a TSC offset, a run split at a chosen instruction), and stops at the first exception instead
 * of delivering it. Flat 32-bit protected mode as given() builds it (ESP 0x90000), or
 * virtual-8086 mode with real-mode segments at 0.
 */

import {
  CR0_PE,
  createInterpreter,
  createMachine,
  enterFlatProtectedMode,
  enterRealMode,
  FLAG_VM,
  pokeBytes,
  run,
  setFlags,
  type CpuModelName,
  type Interpreter,
  type Machine,
  type StopReason,
} from '../../reference-emulator/index.ts';
import { readReg, writeReg } from './given.ts';

export interface RawState {
  mode: 'prot32' | 'v86';
  cpu?: CpuModelName;
  /** Protected mode only; virtual-8086 mode always runs at CPL 3. */
  cpl?: number;
  /** EFLAGS; VM is added for virtual-8086 mode. */
  flags?: number;
  cr0?: number;
  cr4?: number;
  tscOffset?: number;
  regs?: Readonly<Record<string, number>>;
  mem?: ReadonlyArray<readonly [address: number, bytes: readonly number[]]>;
}

/** Code sits at offset 0x1000 of a CS based at 0 in both modes. */
export const RAW_CODE_OFFSET = 0x1000;

export class RawRun {
  readonly machine: Machine;
  readonly interp: Interpreter;

  constructor(state: RawState, code: readonly number[]) {
    const m = createMachine({ cpu: state.cpu ?? 'modern' });
    this.machine = m;
    this.interp = createInterpreter(m);
    const cpu = m.cpu;
    if (state.mode === 'prot32') {
      enterFlatProtectedMode(cpu);
      cpu.cpl = state.cpl ?? 0;
      cpu.r32[4] = 0x90000;
      setFlags(cpu, state.flags ?? 0x2);
    } else {
      cpu.segSel.fill(0); // reset leaves CS = 0xF000
      enterRealMode(cpu);
      cpu.cr0 |= CR0_PE;
      cpu.cpl = 3;
      cpu.r16[8] = 0xfff0;
      setFlags(cpu, (state.flags ?? 0x2) | FLAG_VM);
    }
    if (state.cr0 !== undefined) cpu.cr0 = state.cr0;
    if (state.cr4 !== undefined) cpu.cr4 = state.cr4;
    if (state.tscOffset !== undefined) cpu.tscOffset = state.tscOffset;
    for (const [name, value] of Object.entries(state.regs ?? {})) writeReg(m, name, value);
    for (const [address, bytes] of state.mem ?? []) pokeBytes(m.mem, address, bytes);
    pokeBytes(m.mem, RAW_CODE_OFFSET, code);
    cpu.eip = RAW_CODE_OFFSET;
  }

  /** Runs `count` instructions, or up to the first exception, which is reported, not delivered. */
  step(count: number): StopReason {
    return run(this.interp, { maxInstructions: count, stopOnException: true });
  }

  reg(name: string): number {
    return readReg(this.machine, name);
  }
}
