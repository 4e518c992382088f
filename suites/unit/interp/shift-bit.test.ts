// The shift-bit group as a whole: its table records (reference-emulator/isa/forms/shift-bit.ts)
// and the 80286's own answers where the SDM leaves shift flags undefined. The semantics of each
// instruction family are tested under shift-bit/.
//
// Checked:
// - every record: a canonical encoding built from the record alone decodes in our decoder to that
//   form with the full length, iced-x86 decodes the same bytes to the same `Code` name and length,
//   and the model before `since` decodes it to INVALID; aliases point at the /4 form; LOCK is
//   allowed on exactly BTS/BTR/BTC/XADD/CMPXCHG/CMPXCHG8B; the test areas under shift-bit/
//   partition the group, so their coverage checks together reach every form;
// - the 286 (model i286) behaviour of undefined shift flags, as the SingleStepTests 80286
//   corpus shows it: ROL OF = MSB XOR CF for any count (C1 /0), SHL AF = bit 4 of the result
//   (D1 /4), SAR AF = 1 and OF = 0 (D3 /7); and the extrapolations written on the records (SHR
//   AF = 1; RCL/RCR OF from the last 1-bit step);
// - when the corpus is present: every non-faulting test of C1.0, D1.4 and D3.7 gives the
//   hardware's exact FLAGS, with no undefined-flag mask at all.
// Oracle: iced-x86 for encodings; the corpus (real 80C286) and hand computation from the SDM
// pseudo-code for the 286 cases.
// Left out: the corpus tests that fault (word operands at offset 0xFFFF): the 286 raises #GP for
// SS as well, while access.ts raises #SS (reported to the lead; suites/golden covers them).

import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Code, Decoder, DecoderOptions } from 'iced-x86';
import { CPU_MODEL_NAMES, cpuModel, decodeBytes, flagMask, FORMS, generationRank, type CpuModelName, type FormRecord } from '../../../reference-emulator/index.ts';
import { shiftBitForms } from '../../../reference-emulator/isa/forms/shift-bit.ts';
import { createReferenceSubject } from '../../../harness/adapters/reference/index.ts';
import { defaultSstDir, readRevocationList, REAL_MODE_SUBDIR } from '../../../harness/sst/corpus.ts';
import { readMooFile } from '../../../harness/sst/moo.ts';
import { runSstFile } from '../../../harness/sst/run-sst.ts';
import { AREAS, cases, type Case } from './shift-bit/support.ts';

const RECORDS = shiftBitForms as readonly FormRecord[];

/** A canonical encoding: ModRM reg operand (or [BX]/[EBX] for memory-only forms), immediates 0x11. */
function encode(f: FormRecord): { bytes: number[]; code32: boolean } {
  const code32 = f.osz === 32;
  const bytes: number[] = [];
  if (f.map === '0f') bytes.push(0x0f);
  bytes.push(f.opcode + (f.plusReg ? 2 : 0));
  if (f.modrm !== 'none') {
    const reg = (f.ext ?? 1) << 3;
    bytes.push(f.modrm === 'mem' ? reg | (code32 ? 3 : 7) : 0xc0 | reg | 2);
  }
  for (const operand of f.operands) if (operand === 'Ib') bytes.push(0x11);
  return { bytes, code32 };
}

function icedDecode(bytes: number[], code32: boolean): { code: string; length: number } {
  const decoder = new Decoder(code32 ? 32 : 16, new Uint8Array(bytes), DecoderOptions.None);
  const insn = decoder.decode();
  const result = { code: Code[insn.code] ?? `Code ${insn.code}`, length: insn.length };
  insn.free();
  decoder.free();
  return result;
}

/** The newest model older than a generation, if any model is. */
function modelBefore(f: FormRecord): CpuModelName | undefined {
  const older = CPU_MODEL_NAMES.filter((name) => generationRank(cpuModel(name).generation) < generationRank(f.since));
  return older[older.length - 1];
}

describe('interp/shift-bit: table records', () => {
  for (const f of RECORDS) {
    const { bytes, code32 } = encode(f);
    const hex = bytes.map((b) => b.toString(16).padStart(2, '0')).join(' ');
    it(`${f.id}: ${hex} (${code32 ? '32' : '16'}-bit code) decodes to it here and in iced-x86, length ${bytes.length}`, () => {
      const ours = decodeBytes(bytes, { code32, model: cpuModel('modern') });
      expect((FORMS[ours.form] as FormRecord).id).to.equal(f.id);
      expect(ours.length).to.equal(bytes.length);
      expect(icedDecode(bytes, code32)).to.deep.equal({ code: f.id, length: bytes.length });
      const before = modelBefore(f);
      if (before !== undefined) expect((FORMS[decodeBytes(bytes, { code32, model: cpuModel(before) }).form] as FormRecord).id, `on ${before}`).to.equal('INVALID');
    });
  }

  it('has valid flag letters on every record', () => {
    for (const f of RECORDS) for (const letters of [f.flagsWritten, f.flagsUndefined, f.flagsRead]) expect(() => flagMask(letters), f.id).not.to.throw();
  });

  it('makes every SAL (/6) record an alias of the SHL (/4) record with the same encoding', () => {
    const sal = RECORDS.filter((f) => f.id.startsWith('Sal_'));
    expect(sal).to.have.length(9);
    for (const f of sal) {
      const target = RECORDS.find((t) => t.id === f.aliasOf);
      expect(target?.id, f.id).to.equal(f.id.replace('Sal_', 'Shl_'));
      expect([target?.opcode, target?.ext, target?.osz, target?.operands], f.id).to.deep.equal([f.opcode, 4, f.osz, f.operands]);
    }
  });

  it('allows LOCK on exactly BTS BTR BTC XADD CMPXCHG CMPXCHG8B', () => {
    const lockable = RECORDS.filter((f) => f.lockable).map((f) => f.id).sort();
    expect(lockable).to.deep.equal(RECORDS.map((f) => f.id).filter((id) => /^(Bt[src]_|Xadd_|Cmpxchg)/.test(id)).sort());
  });

  it('is partitioned by the test areas of shift-bit/ (each record in exactly one)', () => {
    for (const f of RECORDS) {
      const areas = Object.entries(AREAS).filter(([, re]) => re.test(f.id)).map(([name]) => name);
      expect(areas, f.id).to.have.length(1);
    }
  });
});

const I286 = { cpu: 'i286' } as const;

const ON_THE_286: Case[] = [
  { ...I286, title: 'ROL r/m16,imm8 (C1 /0, a 186 form) on the 286: 0x8001 by 0x11 (masked, 1 mod 16) -> 0x0003, CF=1 OF=1', regs: { ax: 0x8001 }, code: [0xc1, 0xc0, 0x11], regsAfter: { ax: 0x0003 }, flagsAfter: { cf: 1, of: 1 } },
  { ...I286, title: 'ROL r/m16,imm8 on the 286: 0x6000 by 3 -> 0x0003; OF (undefined) = MSB XOR CF = 1 (corpus C1 /0)', regs: { ax: 0x6000 }, code: [0xc1, 0xc0, 0x03], regsAfter: { ax: 0x0003 }, flagsAfter: { cf: 1, of: 1 } },
  { ...I286, title: 'ROL r/m16,imm8 on the 286: count 0x10 keeps 0xfffe but writes CF=0 OF=1 (corpus C1 /0)', regs: { ax: 0xfffe }, code: [0xc1, 0xc0, 0x10], regsAfter: { ax: 0xfffe }, flagsAfter: { cf: 0, of: 1 } },
  { ...I286, title: 'SHL r/m16,1 (D1 /4) on the 286: 0x0008 -> 0x0010, AF=1 (bit 4 of the result, corpus)', regs: { ax: 0x0008 }, code: [0xd1, 0xe0], regsAfter: { ax: 0x0010 }, flagsAfter: { af: 1, cf: 0, of: 0, zf: 0, sf: 0, pf: 0 } },
  { ...I286, title: 'SHL r/m16,1 on the 286: 0x0010 -> 0x0020, AF=0 even when it was set', regs: { ax: 0x0010 }, flags: 0x12, code: [0xd1, 0xe0], regsAfter: { ax: 0x0020 }, flagsAfter: { af: 0 } },
  { ...I286, title: 'SHL r/m16,CL on the 286: count 0x21 is masked to 1: 0x4000 -> 0x8000, OF=1', regs: { ax: 0x4000, cl: 0x21 }, code: [0xd3, 0xe0], regsAfter: { ax: 0x8000 }, flagsAfter: { of: 1, sf: 1, cf: 0 } },
  { ...I286, title: 'SAR r/m16,CL (D3 /7) on the 286: 0x8000 by 3 -> 0xf000, AF=1 OF=0 CF=0 (corpus)', regs: { ax: 0x8000, cl: 3 }, code: [0xd3, 0xf8], regsAfter: { ax: 0xf000 }, flagsAfter: { af: 1, of: 0, cf: 0, sf: 1, zf: 0, pf: 1 } },
  { ...I286, title: 'SAR r/m16,CL on the 286: 0x8000 by 0x14 -> 0xffff, CF=1 (the sign, corpus)', regs: { ax: 0x8000, cl: 0x14 }, code: [0xd3, 0xf8], regsAfter: { ax: 0xffff }, flagsAfter: { cf: 1, af: 1, of: 0 } },
  { ...I286, title: 'SAR r/m16,CL on the 286: count 0x00 leaves 0x8000 and FLAGS 0x0002 alone (corpus)', regs: { ax: 0x8000, cl: 0 }, code: [0xd3, 0xf8], regsAfter: { ax: 0x8000, flags: 0x0002 } },
  { ...I286, title: 'SHR r/m16,1 on the 286: 0x0002 -> 0x0001, AF=1 (extrapolated from SAR)', regs: { ax: 0x0002 }, code: [0xd1, 0xe8], regsAfter: { ax: 0x0001 }, flagsAfter: { af: 1, cf: 0 } },
  { ...I286, title: 'RCL r/m8,CL on the 286: AL 0x40 CF=0 by 2 -> 0x00, CF=1; OF = MSB XOR CF = 1 (last step)', regs: { al: 0x40, cl: 2 }, code: [0xd2, 0xd0], regsAfter: { al: 0x00 }, flagsAfter: { cf: 1, of: 1 } },
  { ...I286, title: 'RCR r/m8,CL on the 286: AL 0xc0 CF=0 by 2 -> 0x30, CF=0; OF = bit 7 XOR bit 6 = 0 (last step)', regs: { al: 0xc0, cl: 2 }, code: [0xd2, 0xd8], regsAfter: { al: 0x30 }, flagsAfter: { cf: 0, of: 0 } },
  { ...I286, title: 'SAL r/m8,imm8 (C0 /6) on the 286: 0x81 by 1 -> 0x02, CF=1 OF=1', regs: { bl: 0x81 }, code: [0xc0, 0xf3, 0x01], regsAfter: { bl: 0x02 }, flagsAfter: { cf: 1, of: 1 } },
];

describe('interp/shift-bit: undefined shift flags on the 286', () => cases(ON_THE_286));

const corpusDir = join(defaultSstDir(), REAL_MODE_SUBDIR);
const CORPUS_FORMS = ['C1.0', 'D1.4', 'D3.7'] as const;

describe('interp/shift-bit: 80286 corpus forms with no undefined-flag mask', () => {
  for (const form of CORPUS_FORMS) {
    const path = join(corpusDir, `${form}.MOO.gz`);
    it(`${form}: every non-faulting test gives the hardware's exact FLAGS 0x0000-0xffff`, async function () {
      if (!existsSync(path)) {
        console.log(`skip: interp/shift-bit corpus check: no ${path} (set XVC_SST_DIR)`);
        this.skip();
      }
      const revocation = join(defaultSstDir(), 'revocation_list.txt');
      const revoked = existsSync(revocation) ? await readRevocationList(revocation) : new Set<string>();
      const moo = await readMooFile(path);
      const subject = createReferenceSubject();
      await subject.reset({ cpu: 'i286', memorySize: 16 * 1024 * 1024 });
      const file = { ...moo, tests: moo.tests.filter((t) => t.exception === undefined) };
      const result = await runSstFile(subject, file, { cpu: 'i286', formKey: form, flagsMask: 0xffff, revoked, known: new Map(), maxFailureDetails: 3 });
      await subject.close();
      expect(result.total, 'tests run').to.be.greaterThan(4000);
      expect(result.failures.map((f) => `${f.hash} ${f.name}`), `failures of ${form}`).to.deep.equal([]);
      expect(result.failed).to.equal(0);
    });
  }
});
