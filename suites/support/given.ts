/**
 * A fluent runner for instruction tests, after the jsbeeb/6502.ts style:
 * `given({ eax: 1 }).code([0x01, 0xd8]).run().expectRegs({ eax: 2 })`.
 *
 * The code is placed at CS:IP followed by a HLT, and the machine runs until it halts. In real
 * mode every IVT entry points at its own HLT stub in a page of stubs, so a delivered exception
 * is recognised by which stub halted (`expectException(vector)`); in flat 32-bit mode an
 * exception stops the run and is reported directly.
 */

import { expect } from 'chai';
import {
  createInterpreter,
  createMachine,
  enterFlatProtectedMode,
  enterRealMode,
  getFlags,
  loadRealSegment,
  pokeBytes,
  readPhys8,
  run,
  SEG_CS,
  SEG_DS,
  SEG_ES,
  SEG_FS,
  SEG_GS,
  SEG_SS,
  setFlags,
  type CpuModelName,
  type Handler,
  type InstrId,
  type Machine,
  type StopReason,
} from '../../reference-emulator/index.ts';
import { REG16_NAMES, REG32_NAMES, registerNumbers, type Reg16, type Reg32 } from './registers.ts';

export type { Reg16, Reg32 } from './registers.ts';
export type Reg8 = 'al' | 'cl' | 'dl' | 'bl' | 'ah' | 'ch' | 'dh' | 'bh';
export type SegName = 'es' | 'cs' | 'ss' | 'ds' | 'fs' | 'gs';

export interface GivenState {
  mode?: 'real' | 'prot32';
  cpu?: CpuModelName;
  regs?: Partial<Record<Reg32 | Reg16 | Reg8, number>>;
  /** Real mode only: segment selectors (base = selector * 16). CS is where the code goes. */
  segs?: Partial<Record<SegName, number>>;
  /** Initial EFLAGS (bit 1 is forced on). */
  flags?: number;
  /** Code offset within CS; default 0x1000. */
  ip?: number;
  /** Physical memory contents. */
  mem?: ReadonlyArray<readonly [address: number, bytes: readonly number[]]>;
  cr0?: number;
  handlerOverrides?: Partial<Record<InstrId, Handler>>;
}

const REG32_INDEX = registerNumbers(REG32_NAMES);
const REG16_INDEX = registerNumbers(REG16_NAMES);
const REG8_OFFSET: Record<Reg8, number> = { al: 0, cl: 4, dl: 8, bl: 12, ah: 1, ch: 5, dh: 9, bh: 13 };
const SEG_INDEX: Record<SegName, number> = { es: SEG_ES, cs: SEG_CS, ss: SEG_SS, ds: SEG_DS, fs: SEG_FS, gs: SEG_GS };

/** Real mode: the page of exception stubs; vector v's stub (a HLT) is at STUB_BASE + v. */
export const STUB_SEGMENT = 0xf000;
export const STUB_BASE = 0xf0000;

export function writeReg(m: Machine, name: string, value: number): void {
  if (name in REG32_INDEX) m.cpu.r32[REG32_INDEX[name as Reg32]] = value;
  else if (name in REG16_INDEX) m.cpu.r16[REG16_INDEX[name as Reg16] * 2] = value;
  else if (name in REG8_OFFSET) m.cpu.r8[REG8_OFFSET[name as Reg8]] = value;
  else throw new Error(`unknown register '${name}'`);
}

export function readReg(m: Machine, name: string): number {
  if (name in REG32_INDEX) return m.cpu.r32[REG32_INDEX[name as Reg32]]! >>> 0;
  if (name in REG16_INDEX) return m.cpu.r16[REG16_INDEX[name as Reg16] * 2]!;
  if (name in REG8_OFFSET) return m.cpu.r8[REG8_OFFSET[name as Reg8]]!;
  if (name in SEG_INDEX) return m.cpu.segSel[SEG_INDEX[name as SegName]]!;
  if (name === 'eip') return m.cpu.eip >>> 0;
  if (name === 'flags' || name === 'eflags') return getFlags(m.cpu) >>> 0;
  throw new Error(`unknown register '${name}'`);
}

export class Given {
  private bytes: number[] = [];
  constructor(private readonly state: GivenState) {}

  code(bytes: readonly number[]): this {
    this.bytes = [...bytes];
    return this;
  }

  run(maxInstructions = 100_000): Outcome {
    const s = this.state;
    const m = createMachine({ cpu: s.cpu ?? 'modern' });
    const interp = createInterpreter(m, s.handlerOverrides ? { handlerOverrides: s.handlerOverrides } : {});
    const cpu = m.cpu;
    const ip = s.ip ?? 0x1000;
    let codeBase: number;
    if ((s.mode ?? 'real') === 'real') {
      for (const [name, index] of Object.entries(SEG_INDEX)) cpu.segSel[index] = s.segs?.[name as SegName] ?? 0;
      enterRealMode(cpu);
      for (let v = 0; v < 256; v++) {
        pokeBytes(m.mem, v * 4, [(STUB_BASE - STUB_SEGMENT * 16 + v) & 0xff, ((STUB_BASE - STUB_SEGMENT * 16 + v) >> 8) & 0xff, STUB_SEGMENT & 0xff, STUB_SEGMENT >> 8]);
      }
      pokeBytes(m.mem, STUB_BASE, new Array(256).fill(0xf4));
      codeBase = cpu.segBase[SEG_CS]!;
      cpu.r16[8] = 0xfff0; // SP: a stack near the top of SS
    } else {
      enterFlatProtectedMode(cpu);
      codeBase = 0;
      cpu.r32[4] = 0x90000;
    }
    if (s.cr0 !== undefined) cpu.cr0 = s.cr0;
    for (const [name, value] of Object.entries(s.regs ?? {})) writeReg(m, name, value);
    setFlags(cpu, s.flags ?? 0x2);
    cpu.eip = ip;
    for (const [address, data] of s.mem ?? []) pokeBytes(m.mem, address, data);
    pokeBytes(m.mem, (codeBase + ip) >>> 0, [...this.bytes, 0xf4]);
    for (const seg of ['ds', 'es', 'ss', 'fs', 'gs'] as const) if (s.segs?.[seg] !== undefined && (s.mode ?? 'real') === 'real') loadRealSegment(cpu, SEG_INDEX[seg], s.segs[seg]!);
    const stop = run(interp, { maxInstructions });
    return new Outcome(m, stop, codeBase + ip + this.bytes.length);
  }
}

export class Outcome {
  constructor(readonly machine: Machine, readonly stop: StopReason, private readonly haltAddress: number) {}

  reg(name: string): number {
    return readReg(this.machine, name);
  }

  /** Which real-mode exception stub halted, or undefined when the code's own HLT did. */
  deliveredVector(): number | undefined {
    const m = this.machine;
    const linear = (m.cpu.segBase[SEG_CS]! + m.cpu.eip - 1) >>> 0;
    if (linear >= STUB_BASE && linear < STUB_BASE + 256) return linear - STUB_BASE;
    return undefined;
  }

  expectRegs(expected: Partial<Record<string, number>>): this {
    for (const [name, value] of Object.entries(expected)) {
      expect(this.reg(name), `${name}`).to.equal((value as number) >>> 0 === value ? value : (value as number) >>> 0);
    }
    return this;
  }

  /** Checks named flags: `expectFlags({ cf: 1, zf: 0 })`. */
  expectFlags(expected: Partial<Record<'cf' | 'pf' | 'af' | 'zf' | 'sf' | 'tf' | 'if' | 'df' | 'of', 0 | 1>>): this {
    const bits = { cf: 0, pf: 2, af: 4, zf: 6, sf: 7, tf: 8, if: 9, df: 10, of: 11 } as const;
    const flags = getFlags(this.machine.cpu);
    for (const [name, value] of Object.entries(expected)) {
      expect((flags >> bits[name as keyof typeof bits]) & 1, `flag ${name.toUpperCase()}`).to.equal(value);
    }
    return this;
  }

  expectMem(address: number, bytes: readonly number[]): this {
    const actual = bytes.map((_, i) => readPhys8(this.machine.mem, address + i));
    expect(actual, `memory at 0x${address.toString(16)}`).to.deep.equal([...bytes]);
    return this;
  }

  /** The code ran to its own HLT. */
  expectHalted(): this {
    expect(this.stop.kind, 'stop reason').to.equal('halt');
    expect(this.deliveredVector(), 'delivered exception').to.equal(undefined);
    return this;
  }

  /** A real-mode exception `vector` was delivered, or a flat-32 run stopped on it. */
  expectException(vector: number, errorCode?: number): this {
    if (this.stop.kind === 'exception') {
      expect(this.stop.vector, 'exception vector').to.equal(vector);
      if (errorCode !== undefined) expect(this.stop.errorCode, 'error code').to.equal(errorCode);
    } else {
      expect(this.stop.kind, 'stop reason').to.equal('halt');
      expect(this.deliveredVector(), 'delivered exception vector').to.equal(vector);
    }
    return this;
  }
}

export function given(state: GivenState | Partial<Record<Reg32 | Reg16 | Reg8, number>> = {}): Given {
  const keys = Object.keys(state);
  const isState = keys.some((k) => ['mode', 'cpu', 'regs', 'segs', 'flags', 'ip', 'mem', 'cr0', 'handlerOverrides'].includes(k));
  return new Given(isState ? (state as GivenState) : { regs: state as GivenState['regs'] & object });
}
