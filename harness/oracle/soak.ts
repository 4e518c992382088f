/**
 * The decoder soak: many random byte sequences, each decoded by iced-x86 once and by xvc's
 * decoder under every model that applies (compare-decoder.ts `modelsFor`), tallied by class with
 * one example a class. Deterministic from its seed: case i is the i-th draw of one SeededRandom
 * stream, so a seed and a count reproduce a run exactly on any machine.
 *
 * The mix (byte-generator.ts): 40% structured sequences (prefixes, an opcode from every map,
 * ModRM/SIB/displacement/immediate bytes), 20% encodings of random table records, 40% uniform
 * bytes; 16- and 32-bit code in equal parts; a random EIP inside the code segment's width, one
 * case in eight within 16 bytes of its end, so next-EIP and branch targets wrap.
 */

import { FORMS, type CpuModelName, type FormRecord } from '../../reference-emulator/index.ts';
import { FORM_INDICES, formBytes, SeededRandom, structuredBytes, uniformBytes } from './byte-generator.ts';
import { compareWithIced, hexBytes, modelsFor, type DecodeCase, type OurDecoder, type Verdict } from './compare-decoder.ts';
import { icedDecode, type Bitness } from './iced.ts';
import { KNOWN_DECODE_DIFFERENCES, type KnownDecodeDifference, type KnownKind } from './known-differences.ts';

export type ClassKind = 'agreement' | KnownKind | 'difference';

export interface SoakExample {
  readonly hex: string;
  readonly bitness: Bitness;
  readonly model: CpuModelName;
  readonly eip: number;
  readonly detail: string;
}

export interface ClassStats {
  readonly cls: string;
  readonly kind: ClassKind;
  readonly byModel: Partial<Record<CpuModelName, number>>;
  total: number;
  /** The first case of the class. */
  readonly example: SoakExample;
}

export interface SoakSummary {
  readonly seed: number;
  readonly sequences: number;
  readonly comparisons: number;
  /** Most frequent first. */
  readonly classes: readonly ClassStats[];
  /** Comparisons whose class is a difference no entry explains. */
  readonly unexplained: number;
  /** Allow-list entries that matched nothing in this run (rare ones may just not have come up). */
  readonly unused: readonly KnownDecodeDifference[];
}

export interface SoakOptions {
  readonly seed: number;
  readonly count: number;
  readonly decoder?: OurDecoder;
  /** Called every `progressEvery` sequences and at the end with the number done. */
  readonly onProgress?: (done: number) => void;
  readonly progressEvery?: number;
}

/** The i-th case's bytes, bitness and EIP, drawn from `rng`. */
export function drawSequence(rng: SeededRandom): { bytes: Uint8Array; bitness: Bitness; eip: number } {
  const bitness: Bitness = rng.int(2) === 0 ? 16 : 32;
  const kind = rng.int(5);
  const bytes =
    kind < 2 ? structuredBytes(rng)
    : kind < 3 ? formBytes(FORMS[FORM_INDICES[rng.int(FORM_INDICES.length)] as number] as FormRecord, bitness, rng)
    : uniformBytes(rng);
  // One case in eight starts within 16 bytes of the end of the offset space, where next-EIP and branch targets wrap.
  const top = bitness === 32 ? 0x1_0000_0000 : 0x1_0000;
  const eip = rng.int(8) === 0 ? top - 1 - rng.int(16) : rng.int(top);
  return { bytes, bitness, eip };
}

function kindOf(v: Verdict): ClassKind {
  if (!v.allowed) return 'difference';
  return v.quirk ? v.quirk.kind : 'agreement';
}

export function runSoak(options: SoakOptions): SoakSummary {
  const rng = new SeededRandom(options.seed);
  const stats = new Map<string, ClassStats>();
  const used = new Set<KnownDecodeDifference>();
  const every = options.progressEvery ?? 10_000;
  let comparisons = 0;
  let unexplained = 0;
  for (let i = 0; i < options.count; i++) {
    const { bytes, bitness, eip } = drawSequence(rng);
    const iced = icedDecode(bytes, bitness, { ip: eip });
    for (const model of modelsFor(bitness)) {
      const c: DecodeCase = { bytes, bitness, model, eip };
      const v = compareWithIced(c, iced, options.decoder ? { decoder: options.decoder } : {});
      comparisons++;
      if (!v.allowed) unexplained++;
      if (v.quirk) used.add(v.quirk);
      let s = stats.get(v.cls);
      if (!s) {
        const shown = Math.max(v.view.iced.length, v.view.ours.length, 1);
        s = { cls: v.cls, kind: kindOf(v), byModel: {}, total: 0, example: { hex: hexBytes(bytes, shown), bitness, model, eip, detail: v.detail } };
        stats.set(v.cls, s);
      }
      s.total++;
      s.byModel[model] = (s.byModel[model] ?? 0) + 1;
    }
    if (options.onProgress && ((i + 1) % every === 0 || i + 1 === options.count)) options.onProgress(i + 1);
  }
  return {
    seed: options.seed,
    sequences: options.count,
    comparisons,
    classes: [...stats.values()].sort((a, b) => b.total - a.total || a.cls.localeCompare(b.cls)),
    unexplained,
    unused: KNOWN_DECODE_DIFFERENCES.filter((k) => !used.has(k)),
  };
}
