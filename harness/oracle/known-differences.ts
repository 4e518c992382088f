/**
 * The allow-list of the decoder oracle: every difference between xvc and iced-x86 that is known
 * and explained, each with its reason and a byte sequence that shows it. Nothing here masks a
 * class wholesale: an entry names the raw classes it may explain and a matcher that pins the
 * opcode, the forms on both sides and, where it can, the operands and length, so an unrelated
 * difference in the same class still fails.
 *
 * Three kinds, reported apart by the soak (`npm run decoder:soak`):
 * - `quirk` -> `documented-quirk: <id>`: the two decoders model the same hardware differently,
 *   or xvc's models lack a feature iced assumes; permanent;
 * - `gap` -> `known-gap: <id>`: table work not written yet; the matcher expires by itself when
 *   the records arrive;
 * - `bug` -> `open-bug: <id>`: a defect in xvc this oracle found, reported to the lead and
 *   waived until fixed, so `npm test` stays usable; `npm run decoder:soak -- --strict` fails on it.
 *
 * Per-form metadata differences (`since`, flags, CPL) are listed in KNOWN_FORM_DIFFERENCES with
 * both values, so a change on either side makes the entry stale (the per-form test fails on it).
 */

import { DecoderOptions } from 'iced-x86';
import { FORMS, type CpuModelName, type FormRecord } from '../../reference-emulator/index.ts';
import type { DecodeView, FormAspect } from './compare-decoder.ts';
import { icedDecode, type Bitness } from './iced.ts';
import { compareOperands } from './operands.ts';

export type KnownKind = 'quirk' | 'gap' | 'bug';

export interface KnownDecodeDifference {
  readonly id: string;
  readonly kind: KnownKind;
  /** Raw classes the entry may explain; a trailing `*` matches a prefix. */
  readonly classes: readonly string[];
  readonly reason: string;
  /** A case that shows the difference (hex bytes); a unit test keeps it matching. */
  readonly example: { readonly hex: string; readonly bitness: Bitness; readonly model: CpuModelName; readonly eip?: number };
  readonly matches: (view: DecodeView, rawClass: string) => boolean;
}

export interface KnownFormDifference {
  readonly form: string;
  readonly aspect: FormAspect;
  /** The table's value and iced's, as compare-decoder.ts prints them. */
  readonly ours: string;
  readonly iced: string;
  readonly reason: string;
}

/** The class a matched entry gives a case. */
export function knownClass(k: KnownDecodeDifference): string {
  return `${k.kind === 'quirk' ? 'documented-quirk' : k.kind === 'gap' ? 'known-gap' : 'open-bug'}: ${k.id}`;
}

const TABLE_IDS: ReadonlySet<string> = new Set(FORMS.map((f: FormRecord) => f.id));
const TABLE_0F_OPCODES: ReadonlySet<number> = new Set(
  FORMS.filter((f: FormRecord) => f.map === '0f').flatMap((f: FormRecord) => (f.plusReg ? [0, 1, 2, 3, 4, 5, 6, 7].map((r) => f.opcode + r) : [f.opcode])),
);
const MOV_SREG_LOADS = new Set(['Mov_Sreg_rm16', 'Mov_Sreg_r32m16']);
const MOV_SREG_STORES = new Set(['Mov_rm16_Sreg', 'Mov_r32m16_Sreg']);
const LEGACY_PREFIX_BYTES = new Set([0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65, 0x66, 0x67, 0xf0, 0xf2, 0xf3]);

/** The legacy prefix bytes at the start of the case, up to iced's length. */
function prefixBytes(view: DecodeView): number[] {
  const out: number[] = [];
  for (let i = 0; i < view.iced.length && LEGACY_PREFIX_BYTES.has(view.case.bytes[i] ?? -1); i++) out.push(view.case.bytes[i] as number);
  return out;
}

const sameLengthAndOperands = (v: DecodeView): boolean =>
  v.ours.length === v.iced.length && compareOperands(v.ours.operands, v.iced.operands).length === 0;

/**
 * 0F-map opcodes (SDM Vol. 2D, Table A-3) of the system instructions the table does not hold yet:
 * group 7 register forms of VMX (0F 01 C2-C4), SVM (0F 01 D8, DA-DF) and SMAP (CLAC/STAC, 0F 01
 * CA/CB); RDPMC (0F 33); VMREAD/VMWRITE (0F 78/79); group 9's VMPTRLD, VMPTRST, VMCLEAR, VMXON
 * (0F C7 /6 /7).
 */
const UNWRITTEN_SYSTEM_0F_OPCODES: ReadonlySet<number> = new Set([0x01, 0x33, 0x78, 0x79, 0xc7]);

/** INVEPT and INVVPID (66 0F 38 80/81, SDM Vol. 2D, Table A-4): VMX, in the 0F 38 map the decoder treats as SIMD. */
const UNWRITTEN_SYSTEM_0F38_OPCODES: ReadonlySet<number> = new Set([0x80, 0x81]);

/**
 * Records whose operand is a 16-bit selector or word under either operand size ("r/m16" on their
 * SDM pages, `Ew` in Appendix A): their 32-bit-operand records name the 16-bit register, iced
 * names the 32-bit one.
 */
const R16_OPERAND_FORMS: ReadonlySet<string> = new Set(['Arpl_r32m16_r32', 'Lldt_r32m16', 'Ltr_r32m16', 'Verr_r32m16', 'Verw_r32m16', 'Lmsw_r32m16']);

/** Post-P6 hints iced names but that execute as the reserved NOP of their opcode on xvc's models (data.ts header). */
const RESERVED_NOP_HINTS = new Set(['Prefetchit0_m8', 'Prefetchit1_m8', 'Cldemote_m8', 'Endbr32', 'Endbr64', 'Rdsspd_r32']);

export const KNOWN_DECODE_DIFFERENCES: readonly KnownDecodeDifference[] = [
  {
    id: 'xlat-implicit-operand',
    kind: 'quirk',
    classes: ['operand:count'],
    reason:
      'The table writes XLAT without operands, as SDM Appendix A (Table A-2, D7) does; iced lists the implicit byte at seg:[(E)BX+AL]. The matcher still requires that operand to have xvc\'s segment and address size.',
    example: { hex: '64 67 d7', bitness: 16, model: 'modern' },
    matches: (v) => {
      const op = v.iced.operands[0];
      return (
        v.ours.form === 'Xlat_m8' && v.ours.operands.length === 0 && v.iced.operands.length === 1 && op?.kind === 'mem' &&
        op.seg === v.ours.segment && op.base === (v.ours.addressBits === 32 ? 'EBX' : 'BX') && op.index === 'AL'
      );
    },
  },
  {
    id: 'mov-sreg-r32-register-name',
    kind: 'quirk',
    classes: ['operand:reg'],
    reason:
      'MOV Sreg,r/m with a 32-bit operand size reads only the low 16 bits of the register (SDM MOV: "Sreg, r/m16"); the table keeps Appendix A\'s `Ew` and names the 16-bit register, iced names the 32-bit one (Code Mov_Sreg_r32m16). Same register number required.',
    example: { hex: '8e d8', bitness: 32, model: 'modern' },
    matches: (v) =>
      v.ours.form === 'Mov_Sreg_r32m16' &&
      v.operandDiffs.length === 1 &&
      v.operandDiffs[0]?.index === 1 &&
      `e${v.operandDiffs[0].ours}` === v.operandDiffs[0].iced,
  },
  {
    id: 'mov-sreg-undefined-register-ud-at-execution',
    kind: 'quirk',
    classes: ['iced-invalid-we-valid'],
    reason:
      '8C/8E with ModRM.reg 6 or 7, and 8E with reg 1 (MOV CS), decode to the MOV Sreg record and its handler raises #UD (data.ts SREG notes; SST 80286 corpus, 8E); iced refuses them at decode time. The outcome, #UD at the first byte, is the same.',
    example: { hex: '8e 4a d6', bitness: 16, model: 'modern' },
    matches: (v) => {
      const sreg = MOV_SREG_LOADS.has(v.ours.form) ? v.ours.operands[0] : MOV_SREG_STORES.has(v.ours.form) ? v.ours.operands[1] : undefined;
      if (sreg?.kind !== 'reg') return false;
      return sreg.reg === 'SREG6' || sreg.reg === 'SREG7' || (MOV_SREG_LOADS.has(v.ours.form) && sreg.reg === 'CS');
    },
  },
  {
    id: 'lock-ignored-on-286',
    kind: 'quirk',
    classes: ['iced-invalid-we-valid'],
    reason:
      'The 286 accepts LOCK on any instruction; #UD for LOCK outside the lockable read-modify-write forms starts with the 386 (SDM LOCK: "an invalid-opcode exception (#UD) is generated" for other instructions; decode.ts keeps the 286 behaviour). iced applies the 386 rule; with its NoInvalidCheck option it must decode the same form and length.',
    example: { hex: 'f0 40', bitness: 16, model: 'i286' },
    matches: (v) => {
      if (v.case.model !== 'i286' || !prefixBytes(v).includes(0xf0)) return false;
      const lax = icedDecode(v.case.bytes, v.case.bitness, { ip: v.case.eip, decoderOptions: DecoderOptions.NoInvalidCheck });
      // F3 90 on the 286 is REP NOP, which iced calls PAUSE (see pause-is-rep-nop-before-modern).
      const same = lax.code === v.ours.form || (lax.code === 'Pause' && (v.ours.form === 'Nopw' || v.ours.form === 'Nopd'));
      return lax.valid && same && lax.length === v.ours.length;
    },
  },
  {
    id: 'pause-is-rep-nop-before-modern',
    kind: 'quirk',
    classes: ['model-gating: modern'],
    reason:
      'F3 90 is PAUSE from the Pentium 4 on (xvc `modern`); "in earlier IA-32 processors, the PAUSE instruction operates like a NOP instruction" (SDM PAUSE; the table\'s Pause note), so older models decode Nopw/Nopd. Same length required.',
    example: { hex: 'f3 90', bitness: 32, model: 'i386' },
    matches: (v) => v.iced.code === 'Pause' && (v.ours.form === 'Nopw' || v.ours.form === 'Nopd') && v.ours.length === v.iced.length,
  },
  {
    id: 'ud2-from-p6',
    kind: 'quirk',
    classes: ['iced-valid-we-invalid'],
    reason:
      'The table dates UD2 from the Pentium Pro, quoting the SDM (the Ud2 record\'s note); iced says 286. Models before p6 decode 0F 0B as INVALID, which raises the same #UD.',
    example: { hex: '0f 0b', bitness: 16, model: 'i286' },
    matches: (v) => v.iced.code === 'Ud2' && !v.ours.valid && !v.ours.fault && v.case.model !== 'p6' && v.case.model !== 'modern',
  },
  {
    id: 'tzcnt-lzcnt-execute-as-bsf-bsr',
    kind: 'quirk',
    classes: ['outside-model-we-valid: bmi1', 'outside-model-we-valid: lzcnt'],
    reason:
      'F3 0F BC/BD are TZCNT/LZCNT only with BMI1/LZCNT, which no xvc model reports; "on processors that do not support TZCNT, the instruction byte encoding is executed as BSF" (SDM TZCNT; LZCNT likewise as BSR). Same operands and length required.',
    example: { hex: 'f3 0f bc c1', bitness: 32, model: 'modern' },
    matches: (v) => v.ours.form === v.iced.code.replace(/^Tzcnt_/, 'Bsf_').replace(/^Lzcnt_/, 'Bsr_') && v.ours.form !== v.iced.code && sameLengthAndOperands(v),
  },
  {
    id: 'sse-prefetch-hints-from-p6',
    kind: 'quirk',
    classes: ['outside-model-we-valid: sse'],
    reason:
      'PREFETCHNTA/T0/T1/T2 (0F 18 /0-/3, memory) came with SSE on the Pentium III, a P6; they are hints without architectural effect, which the table models from `p6` while leaving the rest of SSE out (data.ts). Same form, operands and length required.',
    example: { hex: '0f 18 00', bitness: 32, model: 'modern' },
    matches: (v) => /^Prefetch(nta|t0|t1|t2)_m8$/.test(v.ours.form) && v.ours.form === v.iced.code && sameLengthAndOperands(v),
  },
  {
    id: 'sse-prefetch-hints-before-p6-are-ud',
    kind: 'quirk',
    classes: ['outside-model-unmodelled: sse'],
    reason:
      'Before p6 the PREFETCHh bytes (0F 18 /0-/3) are an undefined opcode, which xvc decodes as plain INVALID (#UD); iced files them under SSE, whose opcodes xvc marks unmodelled SIMD for #NM. A prefetch hint never touches SSE state, so CR0.TS plays no part: #UD is right.',
    example: { hex: '0f 18 00', bitness: 32, model: 'i386' },
    matches: (v) => /^Prefetch(nta|t0|t1|t2)_m8$/.test(v.iced.code) && !v.ours.valid && v.ours.unmodelled === undefined && v.case.model !== 'p6' && v.case.model !== 'modern',
  },
  {
    id: 'post-p6-hints-are-reserved-nops',
    kind: 'quirk',
    classes: ['outside-model-we-valid: *'],
    reason:
      'PREFETCHIT0/1 (0F 18 /7 /6), CLDEMOTE (0F 1C /0), ENDBR32/64 and RDSSPD (F3 0F 1E) sit in the reserved-NOP space; without their features they execute as that NOP, which is what xvc decodes (data.ts header). Same length required.',
    example: { hex: '0f 18 38', bitness: 32, model: 'modern' },
    matches: (v) => RESERVED_NOP_HINTS.has(v.iced.code) && v.ours.form.startsWith('Reservednop_') && v.ours.length === v.iced.length,
  },
  {
    id: 'vex-evex-xop-not-decoded',
    kind: 'quirk',
    classes: ['outside-model-length: *'],
    reason:
      'C4/C5 (VEX), 62 (EVEX) and 8F (XOP) with a register-form second byte begin AVX/AVX-512/XOP instructions on newer CPUs; the decoder reads them as LES/LDS/BOUND/POP (decode.ts header), which are #UD with mod = 3, so xvc stops after the ModRM byte. No modelled CPU has these encodings.',
    example: { hex: 'c5 f8 77', bitness: 32, model: 'modern' },
    matches: (v) => !v.ours.valid && (v.iced.info.encoding === 'VEX' || v.iced.info.encoding === 'EVEX' || v.iced.info.encoding === 'XOP' || v.iced.info.encoding === 'MVEX'),
  },
  {
    id: 'rtm-xabort-xbegin-ud',
    kind: 'quirk',
    classes: ['outside-model-length: rtm'],
    reason:
      'C6 F8 ib and C7 F8 cw/cd are XABORT/XBEGIN only with RTM (SDM Table A-6, group 11); without it they are #UD like every C6/C7 ModRM.reg other than 0, which xvc decodes as INVALID after the ModRM byte (data.ts header). A #UD reports the first byte, so its length is not architectural.',
    example: { hex: 'c6 f8 05', bitness: 32, model: 'modern' },
    matches: (v) => !v.ours.valid && /^(Xabort_imm8|Xbegin_rel16|Xbegin_rel32)$/.test(v.iced.code),
  },
  {
    id: 'padlock-is-centaur-only',
    kind: 'quirk',
    classes: ['outside-model-length: padlock_*'],
    reason:
      '0F A6/A7 with ModRM C0-FF are VIA PadLock (Centaur CPUs only). The SDM\'s two-byte map leaves 0F A6/A7 empty, so they are #UD on the modelled Intel CPUs, and the length of a #UD is not architectural.',
    example: { hex: '0f a7 c0', bitness: 32, model: 'modern' },
    matches: (v) => !v.ours.valid && v.iced.info.table === '0F' && (v.iced.info.opcodeByte === 0xa6 || v.iced.info.opcodeByte === 0xa7),
  },
  {
    id: 'rdpmc-vmx-svm-smap-not-written',
    kind: 'gap',
    classes: ['iced-valid-we-invalid', 'outside-model-length: *'],
    reason:
      'The system group (isa/forms/system.ts) holds the instructions of its issue; still without records are RDPMC (0F 33), the VMX instructions other than VMCALL (VMLAUNCH/VMRESUME/VMXOFF at 0F 01 C2-C4, VMREAD/VMWRITE at 0F 78/79, VMPTRLD/VMPTRST/VMCLEAR/VMXON at 0F C7 /6 /7, INVEPT/INVVPID at 66 0F 38 80/81), the SVM instructions other than VMMCALL (0F 01 D8, DA-DF) and SMAP\'s CLAC/STAC (0F 01 CA/CB). They decode as INVALID (#UD), and 0F 78/79, having no record at all, without the ModRM byte that iced also reads for their 66/F2 forms (SSE4A EXTRQ/INSERTQ). The match ends by itself per iced Code once a record of that name exists, and for lengths once any record sits at the opcode.',
    example: { hex: '0f 33', bitness: 32, model: 'modern' },
    matches: (v, raw) =>
      !v.ours.valid &&
      ((v.iced.info.table === '0F' && UNWRITTEN_SYSTEM_0F_OPCODES.has(v.iced.info.opcodeByte)) ||
        (v.iced.info.table === '0F38' && UNWRITTEN_SYSTEM_0F38_OPCODES.has(v.iced.info.opcodeByte))) &&
      !TABLE_IDS.has(v.iced.code) &&
      (raw === 'iced-valid-we-invalid' || (v.iced.info.table === '0F' && !TABLE_0F_OPCODES.has(v.iced.info.opcodeByte))),
  },
  {
    id: 'r16-operand-register-name',
    kind: 'quirk',
    classes: ['operand:reg'],
    reason:
      'ARPL, LLDT, LTR, VERR, VERW and LMSW read 16 bits whatever the operand size (SDM: "r/m16" on each page; Appendix A: `Ew`, ARPL `Ew, Gw`), so their 32-bit-operand records name the 16-bit register, as iced\'s own Intel formatter prints it (`lldt cx`); iced\'s decoded operand is the 32-bit register of its Code name (Lldt_r32m16). Same register numbers required.',
    example: { hex: '0f 00 d1', bitness: 32, model: 'modern' },
    matches: (v) =>
      R16_OPERAND_FORMS.has(v.ours.form) &&
      v.operandDiffs.length > 0 &&
      v.operandDiffs.every((d) => d.field === 'reg' && `e${d.ours}` === d.iced),
  },
  {
    id: 'wbnoinvd-is-rep-wbinvd',
    kind: 'quirk',
    classes: ['outside-model-we-valid: wbnoinvd'],
    reason:
      'F3 0F 09 is WBNOINVD only with CPUID.80000008H:EBX.WBNOINVD[bit 9], which no xvc model reports (none has that leaf). Without the feature the bytes are WBINVD with a REP prefix, and REP means nothing to a non-string instruction (SDM Vol. 2A, 2.1.1; decode.ts ignores it on every form without REP semantics), which is why WBNOINVD was given that encoding: older processors write back and invalidate. Same length required.',
    example: { hex: 'f3 0f 09', bitness: 32, model: 'modern' },
    matches: (v) => v.iced.code === 'Wbnoinvd' && v.ours.form === 'Wbinvd' && v.ours.length === v.iced.length,
  },
  {
    id: 'vmgexit-is-rep-vmmcall',
    kind: 'quirk',
    classes: ['outside-model-we-valid: sev_es'],
    reason:
      'iced reads F3 0F 01 D9 and F2 0F 01 D9 as VMGEXIT, an SEV-ES instruction (AMD APM VMGEXIT) of a feature no xvc model has; xvc reads them as VMMCALL with a REP/REPNE prefix, which it treats as on any form without REP semantics (ignored). The outcome cannot differ on xvc\'s models: no VMM runs, so both end in #UD at the first byte (the Vmmcall record\'s note). Same length required.',
    example: { hex: 'f3 0f 01 d9', bitness: 32, model: 'modern' },
    matches: (v) => (v.iced.code === 'Vmgexit' || v.iced.code === 'Vmgexit_F2') && v.ours.form === 'Vmmcall' && v.ours.length === v.iced.length,
  },
  {
    id: 'reserved-nop-0f0d-is-ud',
    kind: 'quirk',
    classes: ['iced-valid-we-invalid'],
    reason:
      'iced decodes 0F 0D with mod = 3 as a reserved NOP (AMD\'s prefetch space); the table leaves 0F 0D out as #UD on the modelled Intel generations (data.ts header, "Not recorded here"). Both sides agree there is no modelled instruction; the #UD now has the ModRM length.',
    example: { hex: '0f 0d c0', bitness: 32, model: 'modern' },
    matches: (v) => !v.ours.valid && v.iced.info.table === '0F' && v.iced.info.opcodeByte === 0x0d && v.iced.code.startsWith('Reservednop_'),
  },
];

// ---- per-form metadata ----

const SHIFT_CF_REASON =
  'CF "is undefined for SHL and SHR instructions where the count is greater than or equal to the size (in bits) of the destination operand" (SDM SAL/SAR/SHL/SHR, Flags Affected); after the 5-bit count mask that can happen only for 8- and 16-bit operands, which the table records; iced gives CF as written.';

function shiftCfEntries(): KnownFormDifference[] {
  const out: KnownFormDifference[] = [];
  for (const name of ['Shl', 'Shr', 'Sal']) {
    for (const bits of [8, 16]) {
      for (const count of ['imm8', 'CL']) {
        const form = `${name}_rm${bits}_${count}`;
        out.push({ form, aspect: 'flags-undefined', ours: 'oac', iced: 'oa', reason: SHIFT_CF_REASON });
        out.push({ form, aspect: 'flags-written', ours: 'szp', iced: 'szpc', reason: SHIFT_CF_REASON });
      }
    }
  }
  return out;
}

const INT_IF_REASON =
  'Delivering an interrupt through the IVT or an interrupt gate clears IF and TF (SDM INT n/INTO/INT3/INT1 Operation, real-address mode: "IF <- 0; TF <- 0"); iced lists no flag written for the INT forms. TF is not compared (iced has no TF bit).';
const SAL_REASON =
  'The table records SAL (group 2 /6) from the 186, where it became an undocumented alias of SHL; on the 8086 /6 is SETMO, not modelled (SingleStepTests 80286 metadata). iced attaches INTEL8086 to every SAL code.';
const PREFETCH_REASON =
  'PREFETCHh are SSE hints (Pentium III, a P6); the table models them from `p6` as no-ops while SSE stays outside the model (data.ts).';

export const KNOWN_FORM_DIFFERENCES: readonly KnownFormDifference[] = [
  ...shiftCfEntries(),
  ...['Int1', 'Int3', 'Int_imm8', 'Into'].map((form) => ({ form, aspect: 'flags-written' as const, ours: 'i', iced: '-', reason: INT_IF_REASON })),
  ...['Sal_rm8_1', 'Sal_rm8_CL', 'Sal_rm16_1', 'Sal_rm16_CL'].map((form) => ({ form, aspect: 'since' as const, ours: 'i186', iced: 'i8086', reason: SAL_REASON })),
  ...['Prefetchnta_m8', 'Prefetcht0_m8', 'Prefetcht1_m8', 'Prefetcht2_m8'].map((form) => ({
    form,
    aspect: 'since' as const,
    ours: 'p6',
    iced: 'outside-model: sse',
    reason: PREFETCH_REASON,
  })),
  {
    form: 'Nopd',
    aspect: 'since',
    ours: 'i386',
    iced: 'i8086',
    reason: 'Nopd is 90 with a 32-bit operand size, which exists only from the 386 on (like every `_32` record); iced attaches INTEL8086 to both NOP codes.',
  },
  {
    form: 'Ud2',
    aspect: 'since',
    ours: 'p6',
    iced: 'i286',
    reason: 'The table dates UD2 from the Pentium Pro, quoting the SDM (the Ud2 record\'s note); iced says 286. Older models decode 0F 0B as INVALID, which raises the same #UD.',
  },
];
