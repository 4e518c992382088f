/**
 * CPU models: which generation's instruction set and quirks the reference emulator follows.
 * Each table record carries `since`; a model raises #UD for a form introduced after it.
 *
 * Quirks modelled per generation, with their authorities:
 * - instruction length limit: 10 bytes on the 286, 15 bytes from the 386 on (SDM Vol. 2A,
 *   2.3.11). Both raise #GP(0) beyond it. The SingleStepTests 80286 README says the 286 raises
 *   #UD, but all 38 over-long tests in its real-hardware data (opcodes 69 and 81.5) record #GP
 *   (13); the captured hardware wins over the prose;
 * - FLAGS bits 12-15: the 286 in real mode holds them at 0 (SingleStepTests 80286 README, FAQ);
 *   the 386 and later let IOPL and NT be written in real mode and hold bit 15 at 0
 *   (SDM Vol. 1, 3.4.3);
 * - address lines: 24 on the 286, 32 later;
 * - CPUID: absent before the later 486 steppings; our `i486` has none (SDM Vol. 2A, CPUID,
 *   "identification of earlier processors").
 */

import type { Generation } from '../isa/schema.ts';
import { generationRank } from '../isa/schema.ts';

export const CPU_MODEL_NAMES = ['i286', 'i386', 'i486', 'pentium', 'p6', 'modern'] as const;
export type CpuModelName = (typeof CPU_MODEL_NAMES)[number];

export interface CpuidLeaf {
  readonly eax: number;
  readonly ebx: number;
  readonly ecx: number;
  readonly edx: number;
}

export interface CpuModel {
  readonly name: CpuModelName;
  readonly generation: Generation;
  readonly maxInstructionLength: number;
  /** Vector raised by an over-long instruction: #GP (13) on every modelled generation. */
  readonly tooLongVector: number;
  readonly addressMask: number;
  /** EFLAGS bits that can never be set by POPF/IRET/SAHF in real mode on this model. */
  readonly realModeFlagsFixedZero: number;
  /** EFLAGS bits this model implements at all (AC from the 486, ID from CPUID parts). */
  readonly flagsImplemented: number;
  /** Real-mode stack-limit fault vector: 13 on the 286 (captured hardware), 12 later. */
  readonly realStackFaultVector: number;
  /**
   * Whether a 16-bit instruction fetch wraps from CS:FFFF to CS:0000. From the 386 on, a fetch
   * past the limit raises #GP(0) (SDM Vol. 3A, "Segment Wraparound"; 80386 Programmer's
   * Reference Manual 14.7, "Sequential execution across offset 65,535"). The 286 keeps wrapping:
   * nothing we cite documents it, and its captured corpus passes that way.
   */
  readonly codeFetchWraps16: boolean;
  /**
   * Whether the model has a SIMD unit (MMX from the Pentium with MMX technology on, SDM Vol. 1,
   * 2.1): only then does CR0.TS turn the MMX/SSE opcodes into #NM; without one they are
   * unassigned and raise #UD. Which extension (MMX, SSE...) a model has is not told apart yet.
   */
  readonly hasSimdUnit: boolean;
  /** CPUID leaves by EAX input; undefined when the model has no CPUID instruction. */
  readonly cpuid?: ReadonlyMap<number, CpuidLeaf>;
}

const GENUINE_INTEL = { ebx: 0x756e6547, edx: 0x49656e69, ecx: 0x6c65746e };

function cpuidLeaves(maxLeaf: number, signature: number, featuresEdx: number, featuresEcx: number, extra: ReadonlyArray<[number, CpuidLeaf]> = []): ReadonlyMap<number, CpuidLeaf> {
  return new Map<number, CpuidLeaf>([
    [0, { eax: maxLeaf, ...GENUINE_INTEL }],
    [1, { eax: signature, ebx: 0, ecx: featuresEcx, edx: featuresEdx }],
    ...extra,
  ]);
}

/** Leaf 2 of a Pentium II: one iteration, cache and TLB descriptors (SDM Vol. 2A, CPUID, Table 3-12). */
const P6_LEAF2: [number, CpuidLeaf] = [2, { eax: 0x03020101, ebx: 0, ecx: 0, edx: 0x0c040843 }];

/** CPUID.1:EDX feature bits (SDM Vol. 2A, Table 3-11): only features the reference emulator implements. */
const EDX_TSC = 1 << 4;
const EDX_MSR = 1 << 5;
const EDX_CX8 = 1 << 8;
const EDX_SEP = 1 << 11;
const EDX_CMOV = 1 << 15;

const FLAGS_8086 = 0x0fd5 | 0x2; // CF PF AF ZF SF TF IF DF OF and reserved bit 1
const FLAGS_286 = FLAGS_8086 | 0x7000; // IOPL, NT
const FLAGS_386 = FLAGS_286 | 0x30000; // RF, VM
const FLAGS_486 = FLAGS_386 | 0x40000; // AC
const FLAGS_CPUID = FLAGS_486 | 0x200000 | 0x180000; // ID, VIF, VIP

/**
 * What every model from the 386 on shares (see the header): the 15-byte limit, 32 address
 * lines, FLAGS bit 15 held at 0 in real mode, #SS (12) for a real-mode stack-limit fault.
 */
const FROM_386 = {
  maxInstructionLength: 15,
  tooLongVector: 13,
  addressMask: 0xffffffff | 0,
  realModeFlagsFixedZero: 0x8000,
  realStackFaultVector: 12,
  codeFetchWraps16: false,
} as const;

export const CPU_MODELS: Readonly<Record<CpuModelName, CpuModel>> = {
  i286: {
    name: 'i286',
    generation: 'i286',
    maxInstructionLength: 10,
    tooLongVector: 13,
    addressMask: 0xffffff,
    realModeFlagsFixedZero: 0xf000,
    realStackFaultVector: 13,
    codeFetchWraps16: true,
    flagsImplemented: FLAGS_286,
    hasSimdUnit: false,
  },
  i386: { name: 'i386', generation: 'i386', ...FROM_386, flagsImplemented: FLAGS_386, hasSimdUnit: false },
  i486: { name: 'i486', generation: 'i486', ...FROM_386, flagsImplemented: FLAGS_486, hasSimdUnit: false },
  pentium: {
    name: 'pentium',
    generation: 'pentium',
    ...FROM_386,
    flagsImplemented: FLAGS_CPUID,
    // Its CPUID signature (family 5, model 4) is a Pentium with MMX technology.
    hasSimdUnit: true,
    cpuid: cpuidLeaves(1, 0x0543, EDX_TSC | EDX_MSR | EDX_CX8, 0),
  },
  p6: {
    name: 'p6',
    generation: 'p6',
    ...FROM_386,
    flagsImplemented: FLAGS_CPUID,
    hasSimdUnit: true,
    cpuid: cpuidLeaves(2, 0x0652, EDX_TSC | EDX_MSR | EDX_CX8 | EDX_SEP | EDX_CMOV, 0, [P6_LEAF2]),
  },
  modern: {
    name: 'modern',
    generation: 'modern',
    ...FROM_386,
    flagsImplemented: FLAGS_CPUID,
    hasSimdUnit: true,
    cpuid: cpuidLeaves(1, 0x0006_06a0 | 0, EDX_TSC | EDX_MSR | EDX_CX8 | EDX_SEP | EDX_CMOV, 0),
  },
};

export function cpuModel(name: string): CpuModel {
  const model = (CPU_MODELS as Record<string, CpuModel | undefined>)[name];
  if (!model) throw new Error(`unknown CPU model '${name}' (expected one of ${CPU_MODEL_NAMES.join(', ')})`);
  return model;
}

/** True when the model has the form's generation. */
export function modelHas(model: CpuModel, since: Generation): boolean {
  return generationRank(since) <= generationRank(model.generation);
}
