/**
 * The shape of one instruction-table record: one record per encoding form, in the manner of
 * iced-x86's per-`Code` definitions and the operand notation of Intel SDM Vol. 2D, Appendix A
 * ("Opcode Map", A.2 key to abbreviations). Every consumer (decoder, interpreter, disassembler,
 * translator, hypervisor, generators) reads these records; nothing else describes an instruction.
 *
 * Form ids are iced-x86 `Code` names (`Add_rm32_r32`), so iced can serve as an independent oracle.
 * A record is concrete in operand size: `Add_rm16_r16` and `Add_rm32_r32` are separate records,
 * selected by the operand-size attribute, exactly as iced separates them.
 */

/** CPU generations in order; a CPU model raises #UD for a form whose `since` is later than it. */
export const GENERATIONS = ['i8086', 'i186', 'i286', 'i386', 'i486', 'pentium', 'p6', 'modern'] as const;
export type Generation = (typeof GENERATIONS)[number];

/** Opcode maps: the one-byte map and the 0F two-byte map (SDM Vol. 2D, Tables ). */
export type OpcodeMap = 'primary' | '0f';

/**
 * How the form uses the ModRM byte.
 * - `none`: no ModRM byte.
 * - `rm`: ModRM present, mod selects register or memory (the `E`/`M` operand).
 * - `mem`: ModRM present and mod must not be 3 (LEA, LDS, BOUND ...): mod=3 decodes to #UD.
 * - `reg`: ModRM present and only mod=3 is this form (the register forms of group 7, VMCALL ...).
 * - `mod-ignored`: ModRM present, mod ignored and treated as 11b: ModRM.rm always names a
 *   register and no SIB byte or displacement follows, whatever mod says (MOV to and from CRn and
 *   DRn: "the 2 bits in the mod field are ignored", SDM MOV-Move to/from Control Registers and
 *   Debug Registers). The encoder writes mod = 11b.
 */
export type ModrmUse = 'none' | 'rm' | 'mem' | 'reg' | 'mod-ignored';

/**
 * Where control goes after the form: the translator ends a block at anything but `next`,
 * and the hypervisor uses it to find instructions that leave the straight line.
 */
export type FlowClass =
  | 'next' // falls through only
  | 'jump' // unconditional direct or indirect near jump
  | 'branch' // conditional: falls through or jumps
  | 'call'
  | 'ret'
  | 'far' // far CALL/JMP/RET: reloads CS
  | 'interrupt' // INT n, INT3, INTO, BOUND failure, UD2: through the IDT/IVT
  | 'iret'
  | 'halt'
  | 'serialize' // changes mode, flags or segment state the next instruction depends on (POPF, MOV SS, STI, CPUID ...)
  | 'invalid';

/** EFLAGS bits (SDM Vol. 1, 3.4.3, Figure 3-8). */
export const FLAG_CF = 0x0001;
export const FLAG_FIXED1 = 0x0002;
export const FLAG_PF = 0x0004;
export const FLAG_AF = 0x0010;
export const FLAG_ZF = 0x0040;
export const FLAG_SF = 0x0080;
export const FLAG_TF = 0x0100;
export const FLAG_IF = 0x0200;
export const FLAG_DF = 0x0400;
export const FLAG_OF = 0x0800;
export const FLAG_IOPL = 0x3000;
export const FLAG_NT = 0x4000;
export const FLAG_RF = 0x10000;
export const FLAG_VM = 0x20000;
export const FLAG_AC = 0x40000;
export const FLAG_VIF = 0x80000;
export const FLAG_VIP = 0x100000;
export const FLAG_ID = 0x200000;
/** The six arithmetic status flags, the ones lazy evaluation covers. */
export const FLAGS_STATUS = FLAG_CF | FLAG_PF | FLAG_AF | FLAG_ZF | FLAG_SF | FLAG_OF;

/**
 * A flag set written as the letters XED uses (`o s z a p c`, plus `d i t` for DF IF TF),
 * so a record reads like the manual's "Flags Affected" section: `flags('oszapc')`.
 */
export type FlagLetters = string;

/**
 * Operand-size and address-size selectors. A form with `osz: 16` is chosen only when the
 * effective operand size is 16; `undefined` means the form does not depend on it.
 */
export type SizeAttr = 16 | 32;

/** Prefix kinds, each a record of its own so CPU models can reject what they lack (the 286 has no 66/67/64/65). */
export type PrefixKind = 'segment' | 'operand-size' | 'address-size' | 'lock' | 'rep' | 'repne';

/** The prefix kinds a form can name in `udPrefixes`. */
export type UdPrefixKind = Extract<PrefixKind, 'operand-size' | 'rep' | 'repne'>;

export interface PrefixRecord {
  readonly id: string;
  readonly byte: number;
  readonly kind: PrefixKind;
  /** For segment prefixes, the segment register number (ES=0 CS=1 SS=2 DS=3 FS=4 GS=5). */
  readonly segment?: number;
  readonly since: Generation;
}

/** Who may execute the form: `0` means CPL 0 only (#GP otherwise, before VT-x/AMD-V metadata). */
export type CplRule = 0 | 3;

/** Processor modes a form is valid in (SDM Vol. 3A, 2.2). */
export type CpuMode = 'real' | 'v86' | 'prot16' | 'prot32';
export const ALL_MODES: readonly CpuMode[] = ['real', 'v86', 'prot16', 'prot32'];
export const PROT_MODES: readonly CpuMode[] = ['prot16', 'prot32'];

export interface FormRecord {
  /** The iced-x86 `Code` name, unique. */
  readonly id: string;
  /** Intel mnemonic, lower case, as the disassembler prints it. */
  readonly mnemonic: string;
  readonly map: OpcodeMap;
  /** The opcode byte within `map`. For `+r` forms, the base byte (register in bits 0-2). */
  readonly opcode: number;
  /** The register number is added to the opcode (`50+rw`, `B8+rd`, `0F C8+rd`). */
  readonly plusReg?: boolean;
  readonly modrm: ModrmUse;
  /** ModRM.reg as an opcode extension (`/digit`). */
  readonly ext?: number;
  /** The whole ModRM byte is fixed (`0F 01 C1` VMCALL); implies `modrm: 'reg'`. */
  readonly modrmByte?: number;
  /** Required mandatory prefix (`F3 90` is PAUSE). */
  readonly mandatoryPrefix?: 0xf3 | 0xf2 | 0x66;
  /**
   * The ModRM.reg values that name a register the hardware has, as a bit mask (bit n for reg n);
   * any other value decodes to INVALID, a #UD raised at decode time and so ahead of any privilege
   * check. Absent: all eight. MOV CRn: CR0, CR2, CR3 and CR4 (SDM MOV-Move to/from Control
   * Registers: "#UD If an attempt is made to access CR1, CR5, CR6, or CR7").
   */
  readonly regMask?: number;
  /**
   * Legacy prefixes whose presence makes the bytes an invalid opcode (the SDM's "Use of Prefixes"
   * table says "Causes #UD"): the decoder gives INVALID, the encoder never emits them. VMCALL:
   * the operand-size prefix and REP/REPNE (SDM VMCALL, "Use of Prefixes"). LOCK needs no entry:
   * it is #UD on every form that is not `lockable`.
   */
  readonly udPrefixes?: readonly UdPrefixKind[];
  readonly osz?: SizeAttr;
  readonly asz?: SizeAttr;
  /** Operands in SDM Appendix A notation (`Ev`, `Gv`, `Ib`, `Jz`, `AL`, `eAX`, `1`, `CL` ...). */
  readonly operands: readonly string[];
  readonly since: Generation;
  readonly modes: readonly CpuMode[];
  readonly cpl: CplRule;
  /** Flags the form writes with defined results, as XED letters. */
  readonly flagsWritten: FlagLetters;
  /** Flags the form leaves undefined (SDM "Flags Affected"); comparisons mask these. */
  readonly flagsUndefined: FlagLetters;
  /** Flags the form reads (for the translator's liveness analysis). */
  readonly flagsRead: FlagLetters;
  readonly flow: FlowClass;
  /** LOCK is legal only with a memory destination of these forms; elsewhere it is #UD. */
  readonly lockable?: boolean;
  /** REP prefix semantics: `rep` (MOVS/STOS/LODS/INS/OUTS) or `repcc` (CMPS/SCAS). */
  readonly rep?: 'rep' | 'repcc';
  /** The form is a documented alias of another form (82 of 80, SALC ...); names the canonical form. */
  readonly aliasOf?: string;
  /** Why this record deviates from the SDM, or which authority a choice follows. */
  readonly note?: string;

  // ---- virtualization metadata (optional; decided for every record of the system group,
  // isa/forms/system.ts, where an absent field means "no") ----

  /**
   * The form cannot complete at CPL > 0 in protected or virtual-8086 mode: it faults there, so a
   * deprivileged guest kernel traps to the VMM on it, the property classic trap-and-emulate relies
   * on. The CPL-0-only forms (`cpl: 0`, #GP(0) at CPL > 0) are Popek & Goldberg's "privileged"
   * (VMCALL among them: #GP(0) at CPL > 0 in VMX root operation, #UD at every CPL outside VMX
   * operation); VMMCALL, which the AMD APM leaves open to every CPL, is privileged too because it
   * faults (#UD) at every CPL unless a VMM intercepts it, as its record says. Absent means not
   * privileged.
   */
  readonly privileged?: boolean;
  /**
   * Sensitivity in Robin & Irvine's (2000) sense: `control` = it changes the configuration of
   * system resources or the processor mode (descriptor tables, control registers, MSRs, a switch
   * to another privilege level or to the VMM); `behavior` = its result depends on that
   * configuration or on the privilege level (SGDT, SMSW, LAR ...); `both`. Absent means not
   * sensitive. A sensitive form that is not `privileged` is a hole for trap-and-emulate.
   */
  readonly sensitive?: 'control' | 'behavior' | 'both';
  /**
   * Intel VT-x basic exit reason it causes in VMX non-root operation, as "name (number)" from
   * SDM Vol. 3C, Appendix C, followed by "conditional on <control>" when an execution control
   * decides (SDM Vol. 3C, "Instructions That Cause VM Exits" in the chapter on VMX non-root
   * operation). Absent: the form never exits unconditionally or by a dedicated control.
   */
  readonly vmxExit?: string;
  /**
   * AMD-V (SVM) intercept that catches it, as the VMCB intercept name with the #VMEXIT code
   * (AMD APM Vol. 2, 15.9-15.13 and Appendix C). Absent: no intercept exists.
   */
  readonly svmIntercept?: string;
}

const FLAG_LETTERS: Readonly<Record<string, number>> = {
  o: FLAG_OF,
  s: FLAG_SF,
  z: FLAG_ZF,
  a: FLAG_AF,
  p: FLAG_PF,
  c: FLAG_CF,
  d: FLAG_DF,
  i: FLAG_IF,
  t: FLAG_TF,
};

/** Turns XED-style flag letters into an EFLAGS bit mask; throws on an unknown letter. */
export function flagMask(letters: FlagLetters): number {
  let mask = 0;
  for (const letter of letters) {
    const bit = FLAG_LETTERS[letter];
    if (bit === undefined) throw new Error(`unknown flag letter '${letter}' in '${letters}'`);
    mask |= bit;
  }
  return mask;
}

/** True when ModRM.reg value `reg` names something the form has (see `regMask`). */
export function regAllowed(form: FormRecord, reg: number): boolean {
  return form.regMask === undefined || ((form.regMask >> reg) & 1) === 1;
}

/** Generation order, for `since` comparisons. */
export function generationRank(generation: Generation): number {
  return GENERATIONS.indexOf(generation);
}

/** The fields most records share, given defaults by `form`. */
type Defaulted = 'modes' | 'cpl' | 'flagsWritten' | 'flagsUndefined' | 'flagsRead' | 'flow' | 'map' | 'operands';

export type FormInput<Id extends string> = Omit<FormRecord, Defaulted | 'id'> & Partial<Pick<FormRecord, Defaulted>> & { readonly id: Id };

/**
 * Builds a record with the common defaults (every mode, any CPL, primary map, no flags, falls
 * through), keeping the id's literal type so `InstrId` stays an exact union and the handler map
 * can be checked for completeness.
 */
export function form<const Id extends string>(input: FormInput<Id>): FormRecord & { readonly id: Id } {
  return {
    map: 'primary',
    operands: [],
    modes: ALL_MODES,
    cpl: 3,
    flagsWritten: '',
    flagsUndefined: '',
    flagsRead: '',
    flow: 'next',
    ...input,
  };
}
