/**
 * The embedded reference adapter: the reference interpreter behind the adapter contract.
 * Handler overrides (mutants) enter here, through the factory, so the interpreter's hot loop
 * carries no test code.
 */

import {
  createInterpreter,
  createMachine,
  decodeBytes,
  flushCodeCache,
  getFlags,
  run,
  SEG_NAMES,
  setBreakpoints,
  syncWriteRanges,
  setFlags,
  setSegmentCache,
  CPU_MODEL_NAMES,
  type Handler,
  type InstrId,
  type Interpreter,
} from '../../../reference-emulator/index.ts';
import type { ArchState, RunLimits, Subject, SubjectConfig, SegmentState } from '../../adapter.ts';

/** The reference decoder as decoder suites call it: bytes, the decode context, the EIP. */
export type DecodeBytes = typeof decodeBytes;

export interface ReferenceOptions {
  handlerOverrides?: Partial<Record<InstrId, Handler>>;
  /**
   * Wraps the decoder this subject exposes to decoder suites (a decoder mutant). The interpreter
   * keeps its own decoder: a decoder mutant is seen by the suites that check the decoder.
   */
  decoderMutation?: (base: DecodeBytes) => DecodeBytes;
  name?: string;
}

/** The embedded reference subject: the adapter contract plus its decoder, for decoder suites. */
export interface ReferenceSubject extends Subject {
  readonly decodeBytes: DecodeBytes;
}

/** The decoder of a reference subject; decoder suites declare `needs.reference`, so this holds. */
export function referenceDecoder(subject: Subject): DecodeBytes {
  const decoder = (subject as Partial<ReferenceSubject>).decodeBytes;
  if (typeof decoder !== 'function') throw new Error(`subject '${subject.name}' exposes no decoder (decoder suites need the embedded reference)`);
  return decoder;
}

const REG_ORDER = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi'] as const;

export function createReferenceSubject(options: ReferenceOptions = {}): ReferenceSubject {
  let interp: Interpreter | undefined;
  const need = (): Interpreter => {
    if (!interp) throw new Error('reference subject used before reset()');
    return interp;
  };
  return {
    name: options.name ?? 'reference',
    capabilities: {
      modes: ['real', 'prot32'],
      cpuModels: [...CPU_MODEL_NAMES],
      paging: ['none'],
      singleStep: true,
      translate: false,
      snapshot: false,
    },
    quirks: [],
    decodeBytes: options.decoderMutation ? options.decoderMutation(decodeBytes) : decodeBytes,
    async reset(config: SubjectConfig) {
      const machine = createMachine({ cpu: config.cpu, memorySize: config.memorySize });
      interp = createInterpreter(machine, options.handlerOverrides ? { handlerOverrides: options.handlerOverrides } : {});
    },
    async writeMemory(address, bytes) {
      const m = need().machine;
      if (address + bytes.length > m.mem.size) throw new RangeError(`write of ${bytes.length} bytes at 0x${address.toString(16)} is outside RAM`);
      m.mem.bytes.set(bytes, address);
      // Loads bypass the CPU's write path, so drop decoded code of the pages they touched.
      for (let page = address >>> 12; page <= (address + bytes.length - 1) >>> 12; page++) {
        if (m.mem.codePages[page]) {
          flushCodeCache(need());
          break;
        }
      }
    },
    async readMemory(address, length) {
      const m = need().machine;
      const out = new Uint8Array(length).fill(0xff);
      const end = Math.min(address + length, m.mem.size);
      if (address < end) out.set(m.mem.bytes.subarray(address, end));
      return out;
    },
    async setState(state: ArchState) {
      const cpu = need().machine.cpu;
      REG_ORDER.forEach((name, index) => {
        cpu.r32[index] = state.regs[name];
      });
      cpu.eip = state.eip;
      cpu.cr0 = state.cr0 | 0;
      cpu.cr2 = state.cr2 | 0;
      cpu.cr3 = state.cr3 | 0;
      cpu.cr4 = state.cr4 | 0;
      cpu.efer = state.efer | 0;
      SEG_NAMES.forEach((name, index) => {
        const s = state.segs[name];
        setSegmentCache(cpu, index, s.sel, s.base, s.limit, s.attr);
      });
      setFlags(cpu, state.eflags);
      // CR0.PE and EFLAGS.VM are known only now: they decide which segments take writes.
      syncWriteRanges(cpu);
      cpu.cpl = state.cr0 & 1 ? state.segs.cs.sel & 3 : 0;
      cpu.gdtr = { ...state.gdtr };
      cpu.idtr = { ...state.idtr };
      cpu.ldtr = { ...state.ldtr };
      cpu.tr = { ...state.tr };
      cpu.halted = false;
    },
    async getState(): Promise<ArchState> {
      const cpu = need().machine.cpu;
      const seg = (index: number): SegmentState => ({
        sel: cpu.segSel[index]!,
        base: cpu.segBase[index]! >>> 0,
        limit: cpu.segLimit[index]!,
        attr: cpu.segAttr[index]!,
      });
      return {
        regs: {
          eax: cpu.r32[0]! >>> 0, ecx: cpu.r32[1]! >>> 0, edx: cpu.r32[2]! >>> 0, ebx: cpu.r32[3]! >>> 0,
          esp: cpu.r32[4]! >>> 0, ebp: cpu.r32[5]! >>> 0, esi: cpu.r32[6]! >>> 0, edi: cpu.r32[7]! >>> 0,
        },
        eip: cpu.eip >>> 0,
        eflags: getFlags(cpu) >>> 0,
        segs: { es: seg(0), cs: seg(1), ss: seg(2), ds: seg(3), fs: seg(4), gs: seg(5) },
        cr0: cpu.cr0 >>> 0,
        cr2: cpu.cr2 >>> 0,
        cr3: cpu.cr3 >>> 0,
        cr4: cpu.cr4 >>> 0,
        efer: cpu.efer >>> 0,
        gdtr: { ...cpu.gdtr },
        idtr: { ...cpu.idtr },
        ldtr: { sel: cpu.ldtr.sel, base: cpu.ldtr.base >>> 0, limit: cpu.ldtr.limit, attr: cpu.ldtr.attr },
        tr: { sel: cpu.tr.sel, base: cpu.tr.base >>> 0, limit: cpu.tr.limit, attr: cpu.tr.attr },
      };
    },
    async run(limits: RunLimits) {
      const interp = need();
      // Breakpoints change which blocks may chain, so only touch them when the set differs.
      const wanted = limits.breakpoints ?? [];
      if (wanted.length !== interp.breakpoints.size || wanted.some((a) => !interp.breakpoints.has(a | 0))) setBreakpoints(interp, wanted);
      return run(interp, limits.stopOnException ? { maxInstructions: limits.maxInstructions, stopOnException: true } : { maxInstructions: limits.maxInstructions });
    },
    async close() {
      interp = undefined;
    },
  };
}
