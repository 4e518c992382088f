// Unit tests for reference-emulator/disasm/disassemble.ts, the table-driven Intel-syntax disassembler.
//
// Checked:
// - hand cases with exact text: memory operands of both address sizes, segment overrides shown
//   only off the default, immediates as the operand sees them, branch targets, far pointers,
//   string instructions bare and with operands, LOCK/REP, data16/addr16, `(bad)` for INVALID,
//   unmodelled opcodes and a segment register that does not exist; system forms (MOV CRn with
//   mod != 3, CR5 and 66 VMCALL as `(bad)`, 16-bit selector operands, `data16 lgdt`);
// - against iced-x86 1.21's Intel formatter, for EVERY form of the table (so every mnemonic):
//   a fixed set of operand samples per form (register and memory operands, both address sizes
//   in both code sizes, segment overrides, edge immediates, LOCK/REP), encoded by xvc's encoder,
//   decoded by xvc's decoder and printed by both.
// Oracle: iced-x86's Formatter(FormatterSyntax.Intel) with these options, which are settings,
// not normalisations: hexPrefix '0x', hexSuffix '', lower-case hex, a space after each comma,
// MemorySizeOptions.Always (every memory operand says its size, as `add dword ptr [...], eax`),
// no branch size (`jne 0x1234`, not `jne short ...`), no leading zeros on branch targets.
// Normalisations, each applied only where its condition holds, each counted, and each required
// to fire at least once (so a stale one is noticed when the difference goes away):
//  N1 string-defaults: iced always writes the implicit string operands (`rep movsb byte ptr
//     [edi], byte ptr [esi]`, `outsb dx, byte ptr [esi]`); xvc writes them only when they say more
//     than the defaults (a segment other than DS, a non-default address size) and otherwise prints
//     `rep movsb`, `outsb`. When xvc printed no operands for a form with X/Y operands, iced's
//     operand list is dropped. (Neither ever prints the accumulator of LODS/STOS/SCAS.)
//  N2 far-pointer: iced writes `jmp far OFFSET, SELECTOR`; xvc the SDM's `ptr16:32` order
//     `jmp far SELECTOR:OFFSET`. iced's two numbers are swapped and joined by a colon.
//  N3 mnemonic spelling: iced's `ret far` is the table's `retf`, iced's `fwait` the table's `wait`,
//     iced's `shl` for the undocumented /6 encoding (iced Code `Sal_*`) the table's `sal`, and
//     iced's `xlat byte ptr [ebx]` the table's operand-less `xlatb`.
//  N4 imul-short: iced writes IMUL r, r/m, imm with r = r/m as `imul eax, 0x10`; xvc writes all
//     three operands, as the form has them. iced's first operand is repeated.
//  N5 nop-66: iced prints the 66-prefixed one-byte NOP as `xchg ax, ax` (`xchg eax, eax` in
//     16-bit code); xvc prints the table's form, `data16 nop`.
//  N6 sreg-data: MOV Sreg, r/m16 reads 16 bits under either operand size, and iced does not show
//     a 66 prefix on it; xvc shows `data16`/`data32` because the table has one record per operand
//     size. xvc's prefix word is dropped for the forms with operands `Sw, Ew`.
//  N7 addr-disp-only: iced shows a 67 prefix (`addr16`) on a moffs operand but not on a
//     displacement-only ModRM operand, whose text is the same under both address sizes; xvc
//     shows it on both. xvc's word is dropped for a ModRM memory operand with no register.
//  N8 table-gap-sreg-store: `Mov_r32m16_Sreg` stores 16 bits to memory (SDM MOV: "r/m16"), which
//     iced prints as `word ptr`; the table record's operand is `Ev`, so xvc prints `dword ptr`.
//     Reported for the table (it should read `Mw/Rv`); iced's `word ptr` is rewritten for this
//     form, and the rule will stop firing, and fail, once the record is fixed.
//  N9 notrack: iced reads a 3E prefix on an indirect JMP/CALL as CET's NOTRACK (post-P6) and
//     prints `notrack` before it; on the modelled CPUs it is only the DS override, which both
//     print (`ds:[ebp+0x100]`). iced's `notrack ` word is dropped.
//  N10 r16-operand-data: ARPL, LLDT, LTR, VERR, VERW and LMSW (`Ew`, ARPL `Ew, Gw`) and the
//     memory forms of SLDT, STR and SMSW (`Rv/Mw`: a 16-bit store) read or write 16 bits under
//     either operand size, and iced shows no 66 prefix on them; xvc shows `data16`/`data32`
//     because the table has one record per operand size (as for MOV Sreg, N6). xvc's prefix
//     word is dropped for system-group forms with those operands.
//  N11 descriptor-table-data: SGDT, SIDT, LGDT and LIDT take a 6-byte operand (`Ms`, `fword
//     ptr`) under either operand size, which iced prints without a prefix word; the operand size
//     decides whether 24 or 32 bits of base are loaded or stored (SDM LGDT/LIDT, SGDT), so xvc
//     prints `data16`/`data32` where a 66 prefix selects the other record. xvc's prefix word is
//     dropped for forms whose operand is `Ms`.
//  N12 invlpg-size: iced prints INVLPG's operand without a size (`invlpg [eax]`); the table
//     follows SDM Appendix A (Table A-6, group 7 /7: `Mb`), so xvc prints `byte ptr`. xvc's
//     `byte ptr ` is dropped for INVLPG.
// MOV CRn/DRn (`mod-ignored`) are sampled with every register the record has (CR0 CR2 CR3 CR4,
// DR0-DR7), and also decoded from a mod != 3 spelling, which must print as the register form.
// Left out: iced's other syntaxes; formatting of undecodable bytes beyond `(bad)`; branch hints
// (2E/3E on Jcc, which xvc does not print and the encoder never emits).

import { expect } from 'chai';
import { Code, Decoder, DecoderOptions, Formatter, FormatterSyntax, MemorySizeOptions } from 'iced-x86';
import {
  cpuModel,
  decodeBytes,
  disassemble,
  encode,
  EncodeError,
  FORMS,
  formOperands,
  INVALID_FORM_INDEX,
  REG_ZERO,
  regAllowed,
  systemForms,
  type EncodeOperands,
  type FormRecord,
  type Insn,
  type MemOperand,
} from '../../../reference-emulator/index.ts';
import { skipBecause } from '../../support/outcome.ts';

const MODERN = cpuModel('modern');
const EIP = 0x1000;

const hex = (bytes: ArrayLike<number>): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
const fromHex = (text: string): number[] => text.split(' ').map((b) => parseInt(b, 16));
const dis = (text: string, code32: boolean, eip = EIP): string => disassemble(decodeBytes(fromHex(text), { code32, model: MODERN }, eip), { code32 });

describe('disasm: hand cases', () => {
  const cases: ReadonlyArray<readonly [boolean, string, string]> = [
    [true, '01 44 b3 f8', 'add dword ptr [ebx+esi*4-8], eax'],
    [false, '26 8a 05', 'mov al, byte ptr es:[di]'],
    [true, '0f 85 2e 02 00 00', 'jne 0x1234'],
    [false, '75 fe', 'jne 0x1000'],
    [true, 'f3 a4', 'rep movsb'],
    [true, 'f2 a4', 'repne movsb'],
    [true, 'f3 a6', 'repe cmpsb'],
    [true, '64 f3 a4', 'rep movsb byte ptr es:[edi], byte ptr fs:[esi]'],
    [true, '67 ad', 'lodsd dword ptr [si]'],
    [true, '3e ac', 'lodsb'],
    [true, 'f0 0f c1 03', 'lock xadd dword ptr [ebx], eax'],
    [true, '83 c0 ff', 'add eax, 0xffffffff'],
    [false, '83 c0 80', 'add ax, 0xff80'],
    [true, '80 00 09', 'add byte ptr [eax], 9'],
    [true, '8b 04 05 10 00 00 00', 'mov eax, dword ptr [eax*1+0x10]'],
    [true, '8b 44 24 80', 'mov eax, dword ptr [esp-0x80]'],
    [true, '36 8b 04 24', 'mov eax, dword ptr [esp]'],
    [false, '3e 8b 46 02', 'mov ax, word ptr ds:[bp+2]'],
    [false, '8b 06 ff ff', 'mov ax, word ptr [0xffff]'],
    [false, '8b 87 00 80', 'mov ax, word ptr [bx-0x8000]'],
    [true, 'a1 78 56 34 12', 'mov eax, dword ptr [0x12345678]'],
    [true, '67 a1 10 00', 'addr16 mov eax, dword ptr [0x10]'],
    [true, 'ea 00 10 00 00 08 00', 'jmp far 8:0x1000'],
    [true, 'ff 28', 'jmp far fword ptr [eax]'],
    [false, 'ff 1f', 'call far dword ptr [bx]'],
    [true, 'c4 00', 'les eax, fword ptr [eax]'],
    [true, '8d 04 24', 'lea eax, [esp]'],
    [true, '66 6a ff', 'data16 push 0xffff'],
    [true, '67 e2 fe', 'addr16 loop 0x1001'],
    [true, '67 e3 fe', 'jcxz 0x1001'],
    [true, 'c8 10 00 01', 'enter 0x10, 1'],
    [true, 'd1 e0', 'shl eax, 1'],
    [true, 'd3 f8', 'sar eax, cl'],
    [true, '0f a4 c1 04', 'shld ecx, eax, 4'],
    [true, '6b c1 fe', 'imul eax, ecx, 0xfffffffe'],
    [true, '8c d8', 'mov eax, ds'],
    [true, '8e 18', 'mov ds, word ptr [eax]'],
    [true, '0f b7 00', 'movzx eax, word ptr [eax]'],
    [true, 'cb', 'retf'],
    [true, 'c3', 'ret'],
    [true, '66 c3', 'data16 ret'],
    [true, '9c', 'pushfd'],
    [true, 'cd 21', 'int 0x21'],
    [true, 'f3 90', 'pause'],
    [true, 'd7', 'xlatb'],
    // The system group: MOV CRn/DRn ignore mod (register form, no SIB or displacement read),
    // CR5 and a 66 on VMCALL are #UD, 16-bit operands whatever the operand size.
    [true, '0f 20 04', 'mov esp, cr0'],
    [false, '0f 22 46', 'mov cr0, esi'],
    [true, '0f 23 bf', 'mov dr7, edi'],
    [true, '0f 20 e8', '(bad)'],
    [true, '0f 01 c1', 'vmcall'],
    [true, '66 0f 01 c1', '(bad)'],
    [false, '66 0f 00 c1', 'sldt ecx'],
    [true, '0f 00 01', 'sldt word ptr [ecx]'],
    [true, '0f 00 d1', 'lldt cx'],
    [true, '0f 02 00', 'lar eax, word ptr [eax]'],
    [true, '66 0f 01 10', 'data16 lgdt fword ptr [eax]'],
    [true, '64 0f 01 38', 'invlpg byte ptr fs:[eax]'],
    // INVALID, unmodelled, and a ModRM.reg naming no segment register.
    [true, 'fe f0', '(bad)'],
    [true, 'd8 00', '(bad)'],
    [true, '0f 0f c0 00', '(bad)'],
    [true, '8e f0', '(bad)'],
    [true, 'f0 01 c0', '(bad)'],
  ];
  for (const [code32, bytes, text] of cases) {
    it(`${bytes} (${code32 ? 32 : 16}-bit): ${text}`, () => {
      expect(dis(bytes, code32)).to.equal(text);
    });
  }
});

// ---- every form against iced-x86 ----

function icedFormatter(): Formatter {
  const f = new Formatter(FormatterSyntax.Intel);
  f.hexPrefix = '0x';
  f.hexSuffix = '';
  f.uppercaseHex = false;
  f.spaceAfterOperandSeparator = true;
  f.memorySizeOptions = MemorySizeOptions.Always;
  f.showBranchSize = false;
  f.branchLeadingZeros = false;
  return f;
}

interface IcedText {
  readonly code: string;
  readonly text: string;
}

function icedFormat(formatter: Formatter, bytes: Uint8Array, code32: boolean, expected: string): IcedText {
  // 0F 18-1F: iced names the P6-era hints by default and reserved NOPs under ForceReservedNop (round-trip.test.ts).
  for (const options of [DecoderOptions.None, DecoderOptions.ForceReservedNop]) {
    const decoder = new Decoder(code32 ? 32 : 16, bytes, options);
    decoder.ip = BigInt(EIP);
    const instr = decoder.decode();
    const result = { code: Code[instr.code] ?? String(instr.code), text: formatter.format(instr) };
    instr.free();
    decoder.free();
    if (result.code === expected || options === DecoderOptions.ForceReservedNop) return result;
  }
  throw new Error('unreachable');
}

interface Sample {
  readonly bytes: Uint8Array;
  readonly insn: Insn;
  readonly form: FormRecord;
  readonly code32: boolean;
}

interface Rule {
  readonly name: string;
  /** Rewrites [iced, xvc] when its condition holds; returns undefined when it does not apply. */
  readonly apply: (iced: string, xvc: string, s: Sample) => readonly [string, string] | undefined;
  fired: number;
}

const hasString = (form: FormRecord): boolean => formOperands(form).some((s) => s.kind === 'string');
const splitMnemonic = (text: string, mnemonic: string): [string, string] | undefined => {
  const at = ` ${text} `.indexOf(` ${mnemonic} `);
  if (at < 0) return undefined;
  return [text.slice(0, at + mnemonic.length), text.slice(at + mnemonic.length + 1)];
};

/** N10: the operand strings of the system forms that read or write 16 bits whatever the operand size. */
const R16_SYSTEM_OPERANDS = new Set(['Ew', 'Ew,Gw', 'Rv/Mw']);
const SYSTEM_IDS: ReadonlySet<string> = new Set((systemForms as readonly FormRecord[]).map((f) => f.id));
const dropData = (iced: string, xvc: string): readonly [string, string] | undefined =>
  /^data(16|32) /.test(xvc) && !/^data/.test(iced) ? [iced, xvc.replace(/^data(16|32) /, '')] : undefined;

const RULES: Rule[] = [
  {
    name: 'N1 string-defaults',
    apply: (iced, xvc, s) => {
      if (!hasString(s.form) || xvc.includes(' ptr ')) return undefined;
      const parts = splitMnemonic(iced, s.form.mnemonic);
      return parts && parts[1] !== '' ? [parts[0], xvc] : undefined;
    },
    fired: 0,
  },
  {
    name: 'N2 far-pointer',
    apply: (iced, xvc) => {
      const m = /^(.* far) (\S+), (\S+)$/.exec(iced);
      return m ? [`${m[1]} ${m[3]}:${m[2]}`, xvc] : undefined;
    },
    fired: 0,
  },
  {
    name: 'N3 mnemonic spelling',
    apply: (iced, xvc, s) => {
      const renames: ReadonlyArray<readonly [RegExp, string, string]> = [
        [/\bret far\b/, 'retf', 'retf'],
        [/\bfwait\b/, 'wait', 'wait'],
        [/\bshl\b/, 'sal', 'sal'],
        [/\bxlat byte ptr \[e?bx\]$/, 'xlatb', 'xlatb'],
      ];
      for (const [pattern, tableMnemonic, replacement] of renames) {
        if (s.form.mnemonic === tableMnemonic && pattern.test(iced)) return [iced.replace(pattern, replacement), xvc];
      }
      return undefined;
    },
    fired: 0,
  },
  {
    name: 'N4 imul-short',
    apply: (iced, xvc, s) => {
      const m = /^(.*imul) (\w+), ([^,]+)$/.exec(iced);
      return s.form.operands.length === 3 && m ? [`${m[1]} ${m[2]}, ${m[2]}, ${m[3]}`, xvc] : undefined;
    },
    fired: 0,
  },
  {
    name: 'N5 nop-66',
    apply: (iced, xvc, s) => {
      const m = /^xchg (e?ax), \1$/.exec(iced);
      return s.form.mnemonic === 'nop' && m ? [`data${m[1] === 'ax' ? 16 : 32} nop`, xvc] : undefined;
    },
    fired: 0,
  },
  {
    name: 'N6 sreg-data',
    apply: (iced, xvc, s) => {
      if (s.form.operands.join(',') !== 'Sw,Ew' || !/^data(16|32) /.test(xvc) || /^data/.test(iced)) return undefined;
      return [iced, xvc.replace(/^data(16|32) /, '')];
    },
    fired: 0,
  },
  {
    name: 'N7 addr-disp-only',
    apply: (iced, xvc, s) => {
      const modrmMemory = formOperands(s.form).some((o) => o.kind === 'rm');
      if (!modrmMemory || !s.insn.isMem || s.insn.base !== REG_ZERO || s.insn.index !== REG_ZERO) return undefined;
      if (!/\baddr(16|32) /.test(xvc) || /\baddr(16|32) /.test(iced)) return undefined;
      return [iced, xvc.replace(/\baddr(16|32) /, '')];
    },
    fired: 0,
  },
  {
    name: 'N8 table-gap-sreg-store',
    apply: (iced, xvc, s) => (s.form.id === 'Mov_r32m16_Sreg' && s.insn.isMem && iced.includes('word ptr') && !iced.includes('dword ptr') ? [iced.replace('word ptr', 'dword ptr'), xvc] : undefined),
    fired: 0,
  },
  {
    name: 'N9 notrack',
    apply: (iced, xvc) => (/^notrack /.test(iced) ? [iced.replace(/^notrack /, ''), xvc] : undefined),
    fired: 0,
  },
  {
    name: 'N10 r16-operand-data',
    apply: (iced, xvc, s) => (SYSTEM_IDS.has(s.form.id) && R16_SYSTEM_OPERANDS.has(s.form.operands.join(',')) ? dropData(iced, xvc) : undefined),
    fired: 0,
  },
  {
    name: 'N11 descriptor-table-data',
    apply: (iced, xvc, s) => (s.form.operands.join(',') === 'Ms' ? dropData(iced, xvc) : undefined),
    fired: 0,
  },
  {
    name: 'N12 invlpg-size',
    apply: (iced, xvc, s) => (s.form.mnemonic === 'invlpg' && xvc.includes(' byte ptr ') && !iced.includes(' ptr ') ? [iced, xvc.replace(' byte ptr ', ' ')] : undefined),
    fired: 0,
  },
];

function normalise(iced: string, xvc: string, s: Sample): [string, string] {
  let pair: readonly [string, string] = [iced, xvc];
  for (const rule of RULES) {
    const next = rule.apply(pair[0], pair[1], s);
    if (next !== undefined && (next[0] !== pair[0] || next[1] !== pair[1])) {
      rule.fired++;
      pair = next;
    }
  }
  return [pair[0], pair[1]];
}

// The operand samples: one dimension varied at a time around a default.
const MEM32: readonly MemOperand[] = [
  { base: 3, index: 6, scale: 4, disp: -8, addressSize: 32 },
  { base: 5, addressSize: 32 },
  { base: 4, disp: 0x80, segment: 4, addressSize: 32 },
  { index: 1, scale: 8, disp: 0x10, addressSize: 32 },
  { disp: 0x12345678, segment: 0, addressSize: 32 },
  { base: 5, disp: 0x100, segment: 3, addressSize: 32 },
];
const MEM16: readonly MemOperand[] = [
  { base: 5, index: 7, disp: 0x10, addressSize: 16 },
  { base: 6, addressSize: 16 },
  { base: 3, disp: -0x80, segment: 0, addressSize: 16 },
  { disp: 0xfff0, addressSize: 16 },
  { base: 5, segment: 3, addressSize: 16 },
];

function samplesFor(form: FormRecord, code32: boolean): EncodeOperands[] {
  const specs = formOperands(form);
  const osz = form.osz ?? (code32 ? 32 : 16);
  const base: Record<string, unknown> = {};
  const variants: Array<Record<string, unknown>> = [];
  let immCount = 0;
  for (const spec of specs) {
    switch (spec.kind) {
      case 'rm': {
        const canReg = spec.regSize !== undefined && form.modrm !== 'mem';
        const canMem = spec.memSize !== undefined && form.modrm !== 'reg';
        if (canReg) base['rm'] = 1;
        else base['mem'] = MEM32[0];
        if (canMem) for (const mem of [...MEM32, ...MEM16]) variants.push({ rm: undefined, mem });
        break;
      }
      case 'reg': {
        // Every register a control/debug-register record has (regMask: no CR1, CR5-CR7).
        const regs = [0, 1, 2, 3, 4, 5, 6, 7].filter((r) => regAllowed(form, r));
        base['reg'] = spec.bank === 'sreg' ? 3 : regAllowed(form, 6) ? 6 : (regs[regs.length - 1] as number);
        if (spec.bank === 'sreg') variants.push({ reg: 4 }, { reg: 0 });
        if (spec.bank === 'cr' || spec.bank === 'dr') for (const reg of regs) variants.push({ reg });
        break;
      }
      case 'opreg':
        base['reg'] = 3;
        variants.push({ reg: 0 }, { reg: 7 });
        break;
      case 'imm': {
        const name = immCount++ === 0 ? 'imm' : 'imm2';
        const edges = spec.size === 'b' ? [0x7f, 0, 0xff, 9, 10] : spec.size === 'bs' ? [-2, 5, -128, 127] : spec.size === 'w' ? [0x1234, 0xffff] : osz === 16 ? [0x1234, 0xffff, 0x8000] : [0x12345678, -1, 0x80000000];
        base[name] = edges[0];
        for (const v of edges.slice(1)) variants.push({ [name]: v });
        break;
      }
      case 'farptr':
        base['imm'] = osz === 32 ? 0x12345678 : 0x1234;
        base['imm2'] = 0x10;
        variants.push({ imm: 5, imm2: 0 });
        break;
      case 'rel':
        base['rel'] = -2;
        variants.push({ rel: 0x10 }, { rel: spec.size === 'b' ? -128 : -0x1000 });
        break;
      case 'moffs':
        base['mem'] = { disp: 0x1234, addressSize: code32 ? 32 : 16 };
        variants.push({ mem: { disp: 0x10, segment: 4, addressSize: 32 } }, { mem: { disp: 0x10, addressSize: 16 } });
        break;
      case 'string': {
        const hasSource = specs.some((s) => s.kind === 'string' && s.role === 'src');
        variants.push({ mem: { addressSize: code32 ? 16 : 32 } });
        if (hasSource) variants.push({ mem: { segment: 4, addressSize: code32 ? 32 : 16 } }, { mem: { segment: 3, addressSize: code32 ? 32 : 16 } });
        break;
      }
      default:
        break;
    }
  }
  // The same register in ModRM.reg and ModRM.rm (`imul ecx, ecx, 5`, `xchg ecx, ecx`).
  if (base['reg'] !== undefined && base['rm'] !== undefined && specs.some((s) => s.kind === 'reg' && s.bank === 'gpr')) variants.push({ reg: 1 });
  if (form.lockable === true) variants.push({ rm: undefined, mem: MEM32[0], prefixes: { lock: true } });
  if (form.rep !== undefined) variants.push({ prefixes: { rep: 'rep' } }, { prefixes: { rep: 'repne' } });
  const clean = (o: Record<string, unknown>): EncodeOperands => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as EncodeOperands;
  return [clean(base), ...variants.map((v) => clean({ ...base, ...v }))];
}

const formatter = icedFormatter();
const comparedMnemonics = new Set<string>();
let comparisons = 0;
let formsRun = 0;

describe('disasm: every form against iced-x86 Intel formatter (normalised, see header)', () => {
  (FORMS as readonly FormRecord[]).forEach((form, index) => {
    if (index === INVALID_FORM_INDEX) return;
    it(`${form.id}: ${form.mnemonic} ${form.operands.join(', ')}`, () => {
      let compared = 0;
      for (const code32 of [false, true]) {
        for (const ops of samplesFor(form, code32)) {
          let bytes: Uint8Array;
          try {
            bytes = encode(form, ops, { code32, eip: EIP });
          } catch (e) {
            // A sample whose bytes belong to another form (XCHG EAX, EAX is NOP) is not this form's.
            if (e instanceof EncodeError && e.message.includes('which the table assigns to')) continue;
            throw e;
          }
          const insn = decodeBytes(bytes, { code32, model: MODERN }, EIP);
          const sample: Sample = { bytes, insn, form, code32 };
          const xvcText = disassemble(insn, { code32 });
          const iced = icedFormat(formatter, bytes, code32, form.id);
          if (iced.code === 'INVALID') {
            // iced refuses MOV CS (8E /1), which the table decodes as the form whose handler raises #UD.
            expect(ops.reg, `${hex(bytes)}: only MOV CS may be INVALID to iced`).to.equal(1);
            continue;
          }
          const [theirs, ours] = normalise(iced.text, xvcText, sample);
          expect(ours, `${hex(bytes)} (${code32 ? 32 : 16}-bit, ${form.id}): xvc "${xvcText}", iced "${iced.text}" (${iced.code})`).to.equal(theirs);
          compared++;
        }
      }
      expect(compared, 'samples compared').to.be.greaterThan(0);
      comparisons += compared;
      comparedMnemonics.add(form.mnemonic);
      formsRun++;
    });
  });

  it('every mnemonic of the table was compared, and every normalisation was needed', function () {
    if (formsRun < FORMS.length - 1) {
      skipBecause(this, `only ${formsRun} of ${FORMS.length - 1} forms ran (a --grep selection), so the totals say nothing`);
    }
    const all = new Set((FORMS as readonly FormRecord[]).filter((_, i) => i !== INVALID_FORM_INDEX).map((f) => f.mnemonic));
    expect([...all].filter((m) => !comparedMnemonics.has(m)), 'mnemonics never compared').to.deep.equal([]);
    console.log(`disasm vs iced: ${comparisons} samples, ${comparedMnemonics.size} mnemonics; normalisations: ${RULES.map((r) => `${r.name} x${r.fired}`).join(', ')}`);
    expect(RULES.filter((r) => r.fired === 0).map((r) => r.name), 'normalisations that never fired (stale?)').to.deep.equal([]);
  });
});
