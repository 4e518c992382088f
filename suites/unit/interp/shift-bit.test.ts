// The shift-bit group as a whole: its table records (reference-emulator/isa/forms/shift-bit.ts)
// and the 80286's own answers where the SDM leaves shift flags undefined. The semantics of each
// instruction family are tested under shift-bit/.
//
// Checked:
// - every record: the table check of suites/support/table-check.ts (its canonical encodings in
//   16- and 32-bit code, register and memory operands, decode to it at full length in xvc and
//   iced-x86, with iced's mnemonic; it has a handler; every model before `since` decodes them
//   to INVALID); valid flag letters; aliases point at the /4 form; LOCK is allowed on exactly
//   BTS/BTR/BTC/XADD/CMPXCHG/CMPXCHG8B; the test areas under shift-bit/ partition the group, so
//   their coverage checks together reach every form;
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
import { flagMask, type FormRecord } from '../../../reference-emulator/index.ts';
import { shiftBitForms } from '../../../reference-emulator/index.ts';
import { createReferenceSubject } from '../../../harness/adapters/reference/index.ts';
import { defaultSstDir, readRevocationList, REAL_MODE_SUBDIR } from '../../../harness/sst/corpus.ts';
import { readMooFile } from '../../../harness/sst/moo.ts';
import { runSstFile } from '../../../harness/sst/run-sst.ts';
import { checkFormRecords } from '../../support/table-check.ts';
import { AREAS, cases, type Case } from './shift-bit/support.ts';
import { skipBecause } from '../../support/outcome.ts';

const RECORDS = shiftBitForms as readonly FormRecord[];

describe('interp/shift-bit: table records', () => {
  // Flags and generation are not compared: for the shifts and rotates iced lists OF as
  // undefined only (the records write it and leave it undefined beyond count 1) and works out
  // the flags of the immediate count it sees (RCL r/m16 by 0x11 writes none); and iced dates the
  // SAL aliases (/6) to the 8086 (the records: 186) and gives CMOVcc and CMPXCHG8B their CPUID
  // features, not a generation.
  checkFormRecords(RECORDS, { mnemonic: true });

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
        skipBecause(this, `interp/shift-bit corpus check: no ${path} (set XVC_SST_DIR)`);
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
