/**
 * iced-x86 (npm 1.21, https://github.com/icedland/iced) as an independent oracle for xvc's
 * decoder and instruction table. iced's tables are generated from its own per-`Code` definitions,
 * not from ours, and its `Code` names are xvc's form ids, so a decoded instruction can be compared
 * with ours by name, length and operands; its per-`Code` metadata (CPUID features, flags,
 * `OpCodeInfo`'s CPL columns) can be compared with our records' `since`, flags and `cpl`.
 *
 * What iced models and xvc does not: iced decodes for the newest CPU with every feature. The
 * CPUID features it attaches to each `Code` are mapped here, by one table, to xvc's generations
 * (8086 ... p6, modern); any feature outside that table (x87, MMX, SSE, AVX, 3DNow!, 64-bit only,
 * BMI, RTM ...) puts the instruction *outside the model*, where xvc decodes INVALID (#UD/#NM) and
 * is held only to the instruction's length.
 *
 * Decoder options: `DecoderOptions.None`, iced's default Intel decoding. Its known departures
 * from xvc's models are not masked by options but listed in known-differences.ts, each with a
 * reason, so every one of them shows in the soak's summary.
 *
 * Memory: iced's JS objects live in WebAssembly memory and have no finalizer; every Decoder,
 * Instruction and OpCodeInfo made here is freed before returning.
 */

import {
  Code,
  CodeExt,
  CpuidFeature,
  Decoder,
  DecoderError,
  DecoderOptions,
  EncodingKind,
  Instruction,
  InstructionInfoFactory,
  MandatoryPrefix,
  Mnemonic,
  OpAccess,
  OpCodeTableKind,
  OpKind,
  Register,
  RflagsBits,
} from 'iced-x86';
import { generationRank, type Generation } from '../../reference-emulator/index.ts';
import { maskBits, type OperandSummary } from './operands.ts';

export type Bitness = 16 | 32;

// ---- CPUID features -> xvc generations ----

/**
 * The generation that introduced each iced CPUID feature xvc models (SDM Vol. 2 instruction pages,
 * "compatibility" notes; SDM Vol. 3A, 22.13 "New instructions in the Pentium and later IA-32
 * processors"). A feature not listed here is outside the model.
 */
export const FEATURE_GENERATION: Readonly<Record<string, Generation>> = {
  INTEL8086: 'i8086',
  INTEL186: 'i186',
  INTEL286: 'i286',
  INTEL386: 'i386',
  INTEL486: 'i486',
  /** CPUID itself: later 486 steppings (SDM CPUID, "identification of earlier IA-32 processors"). */
  CPUID: 'i486',
  /** RDTSC, RDMSR/WRMSR, CMPXCHG8B: the Pentium (SDM Vol. 3A, 22.13). */
  TSC: 'pentium',
  MSR: 'pentium',
  CX8: 'pentium',
  /** CMOVcc, SYSENTER/SYSEXIT (Pentium II, a P6), NOP r/m (family 6), RDPMC (Pentium Pro). */
  CMOV: 'p6',
  SEP: 'p6',
  MULTIBYTENOP: 'p6',
  RDPMC: 'p6',
  /** PAUSE (Pentium 4) and the later system features DESIGN.md lists for `modern`: VT-x, AMD-V, SMAP. */
  PAUSE: 'modern',
  VMX: 'modern',
  INVEPT: 'modern',
  INVVPID: 'modern',
  SVM: 'modern',
  SKINIT_or_SVM: 'modern',
  SMAP: 'modern',
};

/** Outside-model features grouped under one class name; any other outside feature is its own lower-cased name. */
const FEATURE_CATEGORY: Readonly<Record<string, string>> = (() => {
  const table: Record<string, string> = {};
  const group = (category: string, names: readonly string[]): void => names.forEach((n) => void (table[n] = category));
  group('x87', ['FPU', 'FPU287', 'FPU287XL_ONLY', 'FPU387', 'FPU387SL_ONLY', 'CYRIX_FPU']);
  group('mmx', ['MMX']);
  group('sse', ['SSE', 'SSE2', 'SSE3', 'SSSE3', 'SSE4_1', 'SSE4_2', 'SSE4A', 'AES', 'PCLMULQDQ', 'SHA', 'GFNI']);
  group('3dnow', ['D3NOW', 'D3NOWEXT', 'CYRIX_D3NOW']);
  group('x64', ['X64']);
  const names = Object.keys(CpuidFeature).filter((k) => Number.isNaN(Number(k)));
  for (const name of names) {
    if (/^(AVX|AMX|FMA|F16C|VAES|VPCLMULQDQ|XOP|KNC)/.test(name)) table[name] = 'avx';
  }
  return table;
})();

/** What an instruction needs: a generation xvc models, or a feature outside the model. */
export type Requirement =
  | { readonly kind: 'generation'; readonly generation: Generation }
  | { readonly kind: 'outside'; readonly category: string; readonly feature: string };

/** Maps a list of iced CPUID feature names to a requirement: the latest generation, or the first feature outside the model. */
export function requirementOf(features: readonly string[]): Requirement {
  let generation: Generation = 'i8086';
  for (const feature of features) {
    const g = FEATURE_GENERATION[feature];
    if (g === undefined) return { kind: 'outside', category: FEATURE_CATEGORY[feature] ?? feature.toLowerCase(), feature };
    if (generationRank(g) > generationRank(generation)) generation = g;
  }
  return { kind: 'generation', generation };
}

export const formatRequirement = (r: Requirement): string => (r.kind === 'generation' ? r.generation : `outside-model: ${r.category}`);

// ---- flags ----

/** iced RFLAGS bits as XED letters; TF has no iced bit, so `t` is never compared. */
const FLAG_LETTERS: ReadonlyArray<readonly [number, string]> = [
  [RflagsBits.OF, 'o'],
  [RflagsBits.SF, 's'],
  [RflagsBits.ZF, 'z'],
  [RflagsBits.AF, 'a'],
  [RflagsBits.PF, 'p'],
  [RflagsBits.CF, 'c'],
  [RflagsBits.DF, 'd'],
  [RflagsBits.IF, 'i'],
];
/** The letters both iced and xvc's table can express, in the table's `oszapcdi` order. */
export const COMPARABLE_FLAG_LETTERS = 'oszapcdi';

export function icedFlagLetters(bits: number): string {
  return FLAG_LETTERS.filter(([bit]) => (bits & bit) !== 0).map(([, l]) => l).join('');
}

export interface IcedFlags {
  /** XED letters, in `oszapcdi` order. */
  readonly read: string;
  /** Modified with a defined result (written, set or cleared), not undefined. */
  readonly written: string;
  readonly undefined: string;
}

// ---- per-Code metadata ----

export interface IcedCodeInfo {
  readonly code: number;
  readonly name: string;
  readonly mnemonic: string;
  readonly features: readonly string[];
  readonly requirement: Requirement;
  /** `OpCodeInfo.mustBeCpl0`: #GP at CPL > 0 (HLT, LGDT, MOV CRn ...). */
  readonly cpl0Only: boolean;
  /** `OpCodeInfo.mayRequireCpl0`: CPL 0 only under a control bit (RDTSC with CR4.TSD, CPUID faulting). */
  readonly mayRequireCpl0: boolean;
  /** `Instruction.isPrivileged` is per instance; this is `OpCodeInfo.isPrivileged` (IOPL-sensitive included). */
  readonly privileged: boolean;
  readonly encoding: string;
  /** 'legacy', '0F', '0F38', '0F3A' ... */
  readonly table: string;
  /** iced's `OpCodeInfo.opCode`: the opcode, with a fixed ModRM byte in the low byte where the form has one (0F 01 D8 -> 0x1D8). */
  readonly opcode: number;
  /** The opcode byte within its map (0x01 for 0F 01 D8). */
  readonly opcodeByte: number;
  readonly mandatoryPrefix: string;
  /** iced's opcode and instruction strings: `o32 0F A5 /r`, `SHLD r/m32, r32, CL`. */
  readonly opCodeString: string;
  readonly instructionString: string;
  readonly modes: { readonly real: boolean; readonly v86: boolean; readonly prot: boolean; readonly bits16: boolean; readonly bits32: boolean };
}

const codeInfoCache = new Map<number, IcedCodeInfo>();
const TABLE_NAMES: Readonly<Record<number, string>> = {
  [OpCodeTableKind.Normal]: 'legacy',
  [OpCodeTableKind.T0F]: '0F',
  [OpCodeTableKind.T0F38]: '0F38',
  [OpCodeTableKind.T0F3A]: '0F3A',
};

/** iced's static metadata for a `Code` (by number or name); cached. */
export function icedCodeInfo(code: number | string): IcedCodeInfo {
  const number = typeof code === 'number' ? code : (Code as unknown as Record<string, number | undefined>)[code];
  if (number === undefined) throw new Error(`iced-x86 has no Code named '${code}'`);
  const cached = codeInfoCache.get(number);
  if (cached) return cached;
  const op = CodeExt.opCode(number);
  const instr = new Instruction();
  instr.code = number;
  const features = Array.from(instr.cpuidFeatures(), (f) => CpuidFeature[f] ?? `feature${f}`);
  const info: IcedCodeInfo = {
    code: number,
    name: Code[number] ?? `Code${number}`,
    mnemonic: (Mnemonic[op.mnemonic] ?? '').toLowerCase(),
    features,
    requirement: requirementOf(features),
    cpl0Only: op.mustBeCpl0,
    mayRequireCpl0: op.mayRequireCpl0,
    privileged: op.isPrivileged,
    encoding: EncodingKind[op.encoding] ?? String(op.encoding),
    table: TABLE_NAMES[op.table] ?? `table${op.table}`,
    opcode: op.opCode,
    opcodeByte: op.opCode > 0xff ? op.opCode >> 8 : op.opCode,
    mandatoryPrefix: MandatoryPrefix[op.mandatoryPrefix] ?? '',
    opCodeString: op.opCodeString,
    instructionString: op.instructionString,
    modes: { real: op.realMode, v86: op.virtual8086Mode, prot: op.protectedMode, bits16: op.mode16, bits32: op.mode32 },
  };
  instr.free();
  op.free();
  codeInfoCache.set(number, info);
  return info;
}

// ---- decoding ----

export interface IcedDecoded {
  readonly bitness: Bitness;
  readonly valid: boolean;
  /** iced's `DecoderError`: 'none', 'invalid' or 'no-more-bytes' (the bytes ran out). */
  readonly error: 'none' | 'invalid' | 'no-more-bytes';
  readonly length: number;
  /** `Code` name; 'INVALID' when not valid. */
  readonly code: string;
  readonly info: IcedCodeInfo;
  readonly operands: readonly OperandSummary[];
  /** Per-instance flags (iced refines some by operand, a shift count of 0 changes none). */
  readonly flags: IcedFlags;
  readonly lock: boolean;
  /** 0xF3, 0xF2 or 0, as iced reports REP/REPE and REPNE. */
  readonly rep: number;
  readonly segmentPrefix: string;
  /** Raw-bit view of the encoding (iced `ConstantOffsets`): displacement and immediate positions. */
  readonly encoding?: IcedEncodingDetail;
}

export interface IcedEncodingDetail {
  readonly displacementOffset: number;
  readonly displacementSize: number;
  readonly immediateOffset: number;
  readonly immediateSize: number;
  readonly immediateOffset2: number;
  readonly immediateSize2: number;
}

export interface IcedDecodeOptions {
  /** Instruction pointer of the first byte (for branch targets); 0 by default. */
  readonly ip?: number;
  /** Extra `DecoderOptions` bits, e.g. `DecoderOptions.NoInvalidCheck` (known-difference matchers use it). */
  readonly decoderOptions?: number;
  /** Also read the constant offsets (slower; for reports). */
  readonly encodingDetail?: boolean;
}

const ERROR_NAMES: Readonly<Record<number, IcedDecoded['error']>> = {
  [DecoderError.None]: 'none',
  [DecoderError.InvalidInstruction]: 'invalid',
  [DecoderError.NoMoreBytes]: 'no-more-bytes',
};

/** Register-name cache: iced `Register` enum value -> upper-case name. */
const registerName = (r: number): string => (r === Register.None ? '' : (Register[r] ?? `REG${r}`));

const REG16_ADDRESS = new Set(['BX', 'BP', 'SI', 'DI']);

function icedOperands(instr: Instruction): OperandSummary[] {
  const out: OperandSummary[] = [];
  const count = instr.opCount;
  for (let k = 0; k < count; k++) {
    const kind = instr.opKind(k);
    switch (kind) {
      case OpKind.Register:
        out.push({ kind: 'reg', reg: registerName(instr.opRegister(k)) });
        break;
      case OpKind.NearBranch16:
        out.push({ kind: 'branch', target: instr.nearBranch16 });
        break;
      case OpKind.NearBranch32:
        out.push({ kind: 'branch', target: instr.nearBranch32 >>> 0 });
        break;
      case OpKind.FarBranch16:
        out.push({ kind: 'far', selector: instr.farBranchSelector, offset: instr.farBranch16 });
        break;
      case OpKind.FarBranch32:
        out.push({ kind: 'far', selector: instr.farBranchSelector, offset: instr.farBranch32 >>> 0 });
        break;
      case OpKind.Immediate8:
      case OpKind.Immediate8_2nd:
        out.push({ kind: 'imm', bits: 8, value: maskBits(Number(BigInt.asUintN(8, instr.immediate(k))), 8) });
        break;
      case OpKind.Immediate16:
      case OpKind.Immediate8to16:
        out.push({ kind: 'imm', bits: 16, value: Number(BigInt.asUintN(16, instr.immediate(k))) });
        break;
      case OpKind.Immediate32:
      case OpKind.Immediate8to32:
        out.push({ kind: 'imm', bits: 32, value: Number(BigInt.asUintN(32, instr.immediate(k))) });
        break;
      case OpKind.MemorySegSI:
      case OpKind.MemorySegDI:
        out.push({ kind: 'mem', seg: registerName(instr.memorySegment), base: kind === OpKind.MemorySegSI ? 'SI' : 'DI', index: '', scale: 1, disp: 0, addressBits: 16 });
        break;
      case OpKind.MemorySegESI:
      case OpKind.MemorySegEDI:
        out.push({ kind: 'mem', seg: registerName(instr.memorySegment), base: kind === OpKind.MemorySegESI ? 'ESI' : 'EDI', index: '', scale: 1, disp: 0, addressBits: 32 });
        break;
      case OpKind.MemoryESDI:
        out.push({ kind: 'mem', seg: 'ES', base: 'DI', index: '', scale: 1, disp: 0, addressBits: 16 });
        break;
      case OpKind.MemoryESEDI:
        out.push({ kind: 'mem', seg: 'ES', base: 'EDI', index: '', scale: 1, disp: 0, addressBits: 32 });
        break;
      case OpKind.Memory: {
        const base = registerName(instr.memoryBase);
        const index = registerName(instr.memoryIndex);
        const addressBits: 16 | 32 =
          REG16_ADDRESS.has(base) || REG16_ADDRESS.has(index) || (base === '' && index === '' && instr.memoryDisplSize === 2) ? 16 : 32;
        out.push({
          kind: 'mem',
          seg: registerName(instr.memorySegment),
          base,
          index,
          scale: instr.memoryIndexScale,
          disp: Number(BigInt.asUintN(addressBits, instr.memoryDisplacement)),
          addressBits,
        });
        break;
      }
      default:
        out.push({ kind: 'unknown', notation: OpKind[kind] ?? `OpKind${kind}` });
    }
  }
  return out;
}

function readFlags(instr: Instruction): IcedFlags {
  const undef = instr.rflagsUndefined;
  return {
    read: icedFlagLetters(instr.rflagsRead),
    written: icedFlagLetters(instr.rflagsModified & ~undef),
    undefined: icedFlagLetters(undef),
  };
}

/**
 * Decodes the first instruction of `bytes` with iced in 16- or 32-bit code. Give at least 15
 * bytes (or the whole instruction) so the result is not `no-more-bytes`.
 */
export function icedDecode(bytes: Uint8Array, bitness: Bitness, options: IcedDecodeOptions = {}): IcedDecoded {
  const decoder = new Decoder(bitness, bytes, DecoderOptions.None | (options.decoderOptions ?? 0));
  decoder.ip = BigInt(options.ip ?? 0);
  const instr = new Instruction();
  decoder.decodeOut(instr);
  const error = ERROR_NAMES[decoder.lastError] ?? 'invalid';
  const valid = !instr.isInvalid;
  const code = instr.code;
  let encoding: IcedEncodingDetail | undefined;
  if (options.encodingDetail && valid) {
    const offsets = decoder.getConstantOffsets(instr);
    encoding = {
      displacementOffset: offsets.displacementOffset,
      displacementSize: offsets.displacementSize,
      immediateOffset: offsets.immediateOffset,
      immediateSize: offsets.immediateSize,
      immediateOffset2: offsets.immediateOffset2,
      immediateSize2: offsets.immediateSize2,
    };
    offsets.free();
  }
  const decoded: IcedDecoded = {
    bitness,
    valid,
    error,
    length: instr.length,
    code: Code[code] ?? `Code${code}`,
    info: icedCodeInfo(code),
    operands: valid ? icedOperands(instr) : [],
    flags: valid ? readFlags(instr) : { read: '', written: '', undefined: '' },
    lock: instr.hasLockPrefix,
    rep: instr.hasRepePrefix ? 0xf3 : instr.hasRepnePrefix ? 0xf2 : 0,
    segmentPrefix: registerName(instr.segmentPrefix),
    ...(encoding ? { encoding } : {}),
  };
  instr.free();
  decoder.free();
  return decoded;
}

/** iced's Intel-syntax text of the first instruction of `bytes` (for reports). */
export function icedText(bytes: Uint8Array, bitness: Bitness, ip = 0): string {
  const decoder = new Decoder(bitness, bytes, DecoderOptions.None);
  decoder.ip = BigInt(ip);
  const instr = decoder.decode();
  const text = instr.isInvalid ? '(bad)' : instr.toString();
  instr.free();
  decoder.free();
  return text;
}

/**
 * Read/write access iced gives each operand (InstructionInfoFactory), for reports and future
 * comparisons with the table's operand access; 'none' for operands iced does not list.
 */
export function icedOperandAccess(bytes: Uint8Array, bitness: Bitness): string[] {
  const decoder = new Decoder(bitness, bytes, DecoderOptions.None);
  const instr = decoder.decode();
  const factory = new InstructionInfoFactory();
  const info = factory.info(instr);
  const access: string[] = [];
  for (let k = 0; k < instr.opCount; k++) access.push((OpAccess[info.opAccess(k)] ?? 'none').toLowerCase());
  info.free();
  factory.free();
  instr.free();
  decoder.free();
  return access;
}
