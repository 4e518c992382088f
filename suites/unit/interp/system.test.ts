// The system group (reference-emulator/isa/forms/system.ts, interp/handlers/system.ts): the
// table check of every record against iced-x86, the virtualization metadata, and the semantics.
//
// Checks: each record's encodings decode in xvc and iced-x86 to the same Code and length, with
// mnemonic, flags and `since` (suites/support/table-check.ts); VMCALL/VMMCALL, whose fixed ModRM
// byte the shared check does not build, are checked here the same way. Metadata, record by record
// against a table typed in here: `privileged` exactly on the CPL-0-only records (and VMMCALL,
// #UD at every CPL), `sensitive` with Robin & Irvine's sensitive-but-unprivileged ones (SGDT SIDT
// SLDT SMSW STR LAR LSL VERR VERW) plus SYSENTER unprivileged and ARPL not sensitive, the VT-x
// basic exit reason number and the SVM #VMEXIT code of each record. Semantics, in real mode
// (CPL 0) and in flat 32-bit protected mode at CPL 0 and CPL 3: SGDT/SIDT/LGDT/LIDT (16-bit
// 24-bit base, the 286's FFh fill), SMSW/LMSW (PE sticks), CLTS, MOV CR0/CR3/CR4/DR (masks, CR4
// bits only where the model's CPUID reports the feature, #UD for CR4 before the Pentium and for
// CR1/CR5 at decode, #GP(0) for PG without PE, mod != 3 meaning a register), RDMSR/WRMSR (TSC,
// SYSENTER MSRs where CPUID reports SEP, EFER and unknown MSRs #GP(0)), SYSENTER/SYSEXIT,
// INVLPG/WBINVD/INVD as no-ops, VMCALL/VMMCALL #UD (VMCALL with 66/F2/F3 too), the
// protected-only forms #UD in real mode, privileged forms #GP(0) at CPL 3 while the sensitive
// unprivileged ones run there (the trap-and-emulate holes), ARPL, and LAR/LSL/VERR/VERW/LLDT/LTR
// against a GDT.
// Oracle: iced-x86 1.21 for the table; the Intel SDM Vol. 2 instruction pages (operation and
// exceptions by mode), Vol. 3A 2.5 / Vol. 3B 18.2 for register masks, Vol. 3C Appendix C for the
// VT-x exit reasons and the AMD APM Vol. 2 Appendix C for the #VMEXIT codes, written out by hand here.
// Left out: paging, TLB and cache effects (not modelled), debug-breakpoint firing, VMX/SVM
// operation, LDT-relative descriptors in LAR & co. beyond the GDT, the 16-bit protected mode.

import { expect } from 'chai';
import {
  createInterpreter,
  createMachine,
  cpuModel,
  decodeBytes,
  enterFlatProtectedMode,
  FORMS,
  pokeBytes,
  readPhys8,
  run,
  systemForms,
  type CpuModelName,
  type FormRecord,
  type Machine,
  type StopReason,
} from '../../../reference-emulator/index.ts';
import { checkFormRecords, icedDecode } from '../../support/table-check.ts';
import { given } from '../../support/given.ts';

const records: readonly FormRecord[] = systemForms;
const FIXED_MODRM = new Set(['Vmcall', 'Vmmcall']);

describe('isa/forms/system: the records', () => {
  it('has 44 records, ids unique', () => {
    expect(records.length).to.equal(44);
    expect(new Set(records.map((r) => r.id)).size).to.equal(records.length);
  });

  // iced gives the 8086-486 forms a generation feature, and the later ones a CPUID feature
  // (MSR, SEP) that the shared check cannot map to a generation: those skip that comparison
  // (the decoder soak compares them through its own requirement mapping).
  const shared = records.filter((r) => !FIXED_MODRM.has(r.id));
  const byGeneration = (r: FormRecord): boolean => ['i286', 'i386', 'i486'].includes(r.since);
  checkFormRecords(shared.filter(byGeneration), { mnemonic: true, flags: true, generation: true });
  checkFormRecords(shared.filter((r) => !byGeneration(r)), { mnemonic: true, flags: true });

  for (const [id, bytes] of [['Vmcall', [0x0f, 0x01, 0xc1]], ['Vmmcall', [0x0f, 0x01, 0xd9]]] as const) {
    it(`${id}: ${bytes.map((b) => b.toString(16)).join(' ')} decodes to ${id} (3 bytes) in xvc (modern) and iced, INVALID on p6`, () => {
      for (const bits of [16, 32] as const) {
        const insn = decodeBytes(bytes, { code32: bits === 32, model: cpuModel('modern') });
        expect(FORMS[insn.form]?.id).to.equal(id);
        expect(insn.length).to.equal(3);
        const iced = icedDecode(bytes, bits);
        expect(iced.code).to.equal(id);
        expect(iced.length).to.equal(3);
        expect(FORMS[decodeBytes(bytes, { code32: bits === 32, model: cpuModel('p6') }).form]?.id).to.equal('INVALID');
      }
    });
  }

  it('privileged is exactly cpl 0, but for VMMCALL: open to every CPL (AMD APM) and #UD at every CPL unless a VMM intercepts it', () => {
    for (const r of records) {
      if (r.id === 'Vmmcall') {
        expect([r.privileged, r.cpl], r.id).to.deep.equal([true, 3]);
        continue;
      }
      expect(r.privileged ?? false, r.id).to.equal(r.cpl === 0);
    }
    expect(records.filter((r) => r.privileged === true).length, 'privileged records').to.equal(23);
  });

  it("Robin & Irvine's sensitive-but-unprivileged forms (SGDT SIDT SLDT SMSW STR LAR LSL VERR VERW) are sensitive and not privileged; SYSENTER joins them; ARPL alone is not sensitive", () => {
    const holes = records.filter((r) => /^(Sgdt|Sidt|Sldt|Smsw|Str|Lar|Lsl|Verr|Verw)_/.test(r.id));
    expect(holes.length).to.equal(18);
    for (const r of holes) {
      expect(r.sensitive, r.id).to.not.equal(undefined);
      expect(r.privileged ?? false, r.id).to.equal(false);
      expect(r.cpl, r.id).to.equal(3);
    }
    const unprivilegedSensitive = records.filter((r) => r.sensitive !== undefined && r.privileged !== true).map((r) => r.id);
    expect(unprivilegedSensitive).to.deep.equal([...holes.map((r) => r.id), 'Sysenter']);
    expect(records.filter((r) => r.sensitive === undefined).map((r) => r.id)).to.deep.equal(['Arpl_rm16_r16', 'Arpl_r32m16_r32']);
  });

  // VT-x basic exit reasons (SDM Vol. 3C, Appendix C) and SVM #VMEXIT codes (AMD APM Vol. 2,
  // Appendix C), by record; undefined where the instruction has no exit or intercept of its own.
  const VMX_EXIT: Readonly<Record<string, number>> = {
    Invd: 13, Invlpg_m: 14, Vmcall: 18, Clts: 28, Lmsw_rm16: 28, Lmsw_r32m16: 28, Mov_r32_cr: 28, Mov_cr_r32: 28, Mov_r32_dr: 29, Mov_dr_r32: 29,
    Rdmsr: 31, Wrmsr: 32, Sgdt_m1632_16: 46, Sgdt_m1632: 46, Sidt_m1632_16: 46, Sidt_m1632: 46, Lgdt_m1632_16: 46, Lgdt_m1632: 46, Lidt_m1632_16: 46, Lidt_m1632: 46,
    Sldt_rm16: 47, Sldt_r32m16: 47, Str_rm16: 47, Str_r32m16: 47, Lldt_rm16: 47, Lldt_r32m16: 47, Ltr_rm16: 47, Ltr_r32m16: 47, Wbinvd: 54,
  };
  const SVM_EXIT: Readonly<Record<string, number>> = {
    Smsw_rm16: 0x00, Smsw_r32m16: 0x00, Mov_r32_cr: 0x00, Clts: 0x10, Lmsw_rm16: 0x10, Lmsw_r32m16: 0x10, Mov_cr_r32: 0x10, Mov_r32_dr: 0x20, Mov_dr_r32: 0x30,
    Sidt_m1632_16: 0x66, Sidt_m1632: 0x66, Sgdt_m1632_16: 0x67, Sgdt_m1632: 0x67, Sldt_rm16: 0x68, Sldt_r32m16: 0x68, Str_rm16: 0x69, Str_r32m16: 0x69,
    Lidt_m1632_16: 0x6a, Lidt_m1632: 0x6a, Lgdt_m1632_16: 0x6b, Lgdt_m1632: 0x6b, Lldt_rm16: 0x6c, Lldt_r32m16: 0x6c, Ltr_rm16: 0x6d, Ltr_r32m16: 0x6d,
    Invd: 0x76, Invlpg_m: 0x79, Rdmsr: 0x7c, Wrmsr: 0x7c, Vmmcall: 0x81, Wbinvd: 0x89,
  };
  it('each record names the VT-x exit reason (number in parentheses) and the SVM #VMEXIT code of its instruction, and no other', () => {
    for (const r of records) {
      const vmx = r.vmxExit === undefined ? undefined : Number(/\((\d+)\)/.exec(r.vmxExit)?.[1]);
      expect(vmx, `${r.id} vmxExit '${r.vmxExit}'`).to.equal(VMX_EXIT[r.id]);
      const svm = r.svmIntercept === undefined ? undefined : Number.parseInt(/0x([0-9A-F]+)/i.exec(r.svmIntercept)?.[1] ?? 'NaN', 16);
      expect(svm, `${r.id} svmIntercept '${r.svmIntercept}'`).to.equal(SVM_EXIT[r.id]);
    }
  });

  it('protected-only forms (ARPL, group 6, LAR, LSL) exclude real and v86 mode', () => {
    for (const r of records.filter((x) => /^(Arpl|Sldt|Str|Lldt|Ltr|Verr|Verw|Lar|Lsl)_/.test(x.id))) {
      expect(r.modes, r.id).to.deep.equal(['prot16', 'prot32']);
    }
  });
});

// ---- flat 32-bit protected mode with a chosen CPL and GDT ----

const CODE = 0x1000;
const GDT = 0x8000;

interface FlatRun {
  m: Machine;
  stop: StopReason;
}

/**
 * Runs `bytes` then HLT in flat 32-bit protected mode. At CPL 3 the HLT itself raises #GP(0), so
 * callers look at EIP: CODE = the instruction faulted, CODE + length = it retired.
 */
function flat(bytes: readonly number[], setup: (m: Machine) => void = () => {}, cpu: CpuModelName = 'modern'): FlatRun {
  const m = createMachine({ cpu });
  const interp = createInterpreter(m);
  enterFlatProtectedMode(m.cpu);
  m.cpu.r32[4] = 0x90000;
  m.cpu.eip = CODE;
  pokeBytes(m.mem, CODE, [...bytes, 0xf4]);
  setup(m);
  return { m, stop: run(interp, { maxInstructions: 100 }) };
}

const atCpl3 = (m: Machine): void => {
  m.cpu.cpl = 3;
  m.cpu.segSel[1] = 0x0b;
};

function expectFault({ m, stop }: FlatRun, vector: number, errorCode?: number): void {
  expect(stop.kind, 'stop').to.equal('exception');
  if (stop.kind !== 'exception') return;
  expect(stop.vector, 'vector').to.equal(vector);
  if (errorCode !== undefined) expect(stop.errorCode, 'error code').to.equal(errorCode);
  expect(m.cpu.eip >>> 0, 'EIP at the faulting instruction').to.equal(CODE);
}

function expectRetired({ m, stop }: FlatRun, length: number): void {
  if (m.cpu.cpl === 3) {
    // The HLT after it faults: the instruction itself retired.
    expect(stop.kind).to.equal('exception');
    expect(m.cpu.eip >>> 0, 'EIP after the instruction').to.equal(CODE + length);
  } else {
    expect(stop.kind, 'stop').to.equal('halt');
  }
}

/** A GDT descriptor's 8 bytes. */
function descriptor(base: number, limit: number, access: number, flags = 0x4): number[] {
  return [limit & 0xff, (limit >> 8) & 0xff, base & 0xff, (base >> 8) & 0xff, (base >> 16) & 0xff, access, ((flags << 4) | ((limit >> 16) & 0xf)) & 0xff, (base >>> 24) & 0xff];
}

/** GDT: 08 flat code DPL0, 10 data DPL0 RW, 18 data DPL3 RO, 20 code execute-only DPL0, 28 TSS32 available, 30 LDT, 38 call gate DPL3, 40 data not present DPL0. */
function withGdt(m: Machine): void {
  const entries = [
    [0, 0, 0, 0, 0, 0, 0, 0],
    descriptor(0, 0xfffff, 0x9a, 0xc),
    descriptor(0, 0xfffff, 0x92, 0xc),
    descriptor(0x12345, 0x0abc, 0xf0, 0x4),
    descriptor(0, 0xffff, 0x98, 0x4),
    descriptor(0x20000, 0x67, 0x89, 0x0),
    descriptor(0x30000, 0x1f, 0x82, 0x0),
    [0, 0, 0x08, 0, 0, 0xec, 0, 0],
    descriptor(0, 0xffff, 0x12, 0x4),
  ];
  pokeBytes(m.mem, GDT, entries.flat());
  m.cpu.gdtr = { base: GDT, limit: entries.length * 8 - 1 };
}

describe('interp/system: descriptor-table registers (SGDT SIDT LGDT LIDT)', () => {
  it('real mode: 0F 01 16 (LGDT [0x2000], 16-bit) loads limit 0x1234 and a 24-bit base 0x563412 (byte 0x78 ignored); SGDT 0F 01 06 stores it back with 00 fill', () => {
    const o = given({ mem: [[0x2000, [0x34, 0x12, 0x12, 0x34, 0x56, 0x78]]] })
      .code([0x0f, 0x01, 0x16, 0x00, 0x20, 0x0f, 0x01, 0x06, 0x00, 0x30])
      .run()
      .expectHalted()
      .expectMem(0x3000, [0x34, 0x12, 0x12, 0x34, 0x56, 0x00]);
    expect(o.machine.cpu.gdtr).to.deep.equal({ base: 0x563412, limit: 0x1234 });
  });

  it('real mode, i286: SGDT 0F 01 06 fills the fourth base byte with 0xFF', () => {
    given({ cpu: 'i286', mem: [[0x2000, [0xff, 0x00, 0x00, 0x10, 0x02, 0x00]]] })
      .code([0x0f, 0x01, 0x16, 0x00, 0x20, 0x0f, 0x01, 0x06, 0x00, 0x30])
      .run()
      .expectHalted()
      .expectMem(0x3000, [0xff, 0x00, 0x00, 0x10, 0x02, 0xff]);
  });

  it('real mode: 66 0F 01 1E (LIDT, 32-bit) loads a full 32-bit base 0x87654321; 66 0F 01 0E (SIDT) stores it', () => {
    const o = given({ mem: [[0x2000, [0xff, 0x07, 0x21, 0x43, 0x65, 0x87]]] })
      .code([0x66, 0x0f, 0x01, 0x1e, 0x00, 0x20, 0x66, 0x0f, 0x01, 0x0e, 0x00, 0x30, 0x66, 0x0f, 0x01, 0x1e, 0x00, 0x40])
      .run();
    // The last LIDT loads zeros from 0x4000 again, so the run's IVT is back at 0.
    expect(o.machine.cpu.idtr).to.deep.equal({ base: 0, limit: 0 });
    expect([0, 1, 2, 3, 4, 5].map((k) => readPhys8(o.machine.mem, 0x3000 + k))).to.deep.equal([0xff, 0x07, 0x21, 0x43, 0x65, 0x87]);
  });

  it('real mode: SGDT 0F 01 06 at offset 0xFFFC (6 bytes past the 64 KiB limit) is #GP(0) and writes nothing', () => {
    given({ mem: [[0xfffc, [0xaa, 0xaa, 0xaa, 0xaa]]] }).code([0x0f, 0x01, 0x06, 0xfc, 0xff]).run().expectException(13).expectMem(0xfffc, [0xaa, 0xaa, 0xaa, 0xaa]);
  });

  it('prot32 CPL 0: LGDT 0F 01 15 [0x2000] loads base 0x00123456 limit 0x00FF', () => {
    const r = flat([0x0f, 0x01, 0x15, 0x00, 0x20, 0x00, 0x00], (m) => pokeBytes(m.mem, 0x2000, [0xff, 0x00, 0x56, 0x34, 0x12, 0x00]));
    expectRetired(r, 7);
    expect(r.m.cpu.gdtr).to.deep.equal({ base: 0x123456, limit: 0xff });
  });

  it('prot32 CPL 3: LGDT 0F 01 15 and LIDT 0F 01 1D are #GP(0)', () => {
    expectFault(flat([0x0f, 0x01, 0x15, 0x00, 0x20, 0x00, 0x00], atCpl3), 13, 0);
    expectFault(flat([0x0f, 0x01, 0x1d, 0x00, 0x20, 0x00, 0x00], atCpl3), 13, 0);
  });

  it('prot32 CPL 3: SGDT 0F 01 05 runs and reveals GDTR (a trap-and-emulate hole); with CR4.UMIP it is #GP(0)', () => {
    const r = flat([0x0f, 0x01, 0x05, 0x00, 0x30, 0x00, 0x00], (m) => {
      m.cpu.gdtr = { base: 0xc0001000 | 0, limit: 0x7f };
      atCpl3(m);
    });
    expectRetired(r, 7);
    expect([0, 1, 2, 3, 4, 5].map((k) => readPhys8(r.m.mem, 0x3000 + k))).to.deep.equal([0x7f, 0x00, 0x00, 0x10, 0x00, 0xc0]);
    expectFault(flat([0x0f, 0x01, 0x05, 0x00, 0x30, 0x00, 0x00], (m) => { atCpl3(m); m.cpu.cr4 = 0x800; }), 13, 0);
  });
});

describe('interp/system: MSW, CLTS, control registers', () => {
  it('real mode: SMSW AX (0F 01 E0) reads CR0 low word 0x0010 (ET); on i286 0xFFF0', () => {
    given({}).code([0x0f, 0x01, 0xe0]).run().expectHalted().expectRegs({ ax: 0x0010 });
    given({ cpu: 'i286' }).code([0x0f, 0x01, 0xe0]).run().expectHalted().expectRegs({ ax: 0xfff0 });
  });

  it('real mode: LMSW AX (0F 01 F0) with AX=0x000F sets PE MP EM TS', () => {
    const o = given({ regs: { ax: 0x000f } }).code([0x0f, 0x01, 0xf0]).run();
    expect(o.machine.cpu.cr0 & 0xf).to.equal(0xf);
  });

  it('prot32 CPL 0: LMSW AX=0x0000 (0F 01 F0) keeps PE=1 and clears MP EM TS', () => {
    const r = flat([0x0f, 0x01, 0xf0], (m) => { m.cpu.cr0 |= 0xe; m.cpu.r32[0] = 0; });
    expectRetired(r, 3);
    expect(r.m.cpu.cr0 & 0xf).to.equal(1);
  });

  it('real mode: CLTS (0F 06) clears CR0.TS (0x8)', () => {
    const o = given({ cr0: 0x18 }).code([0x0f, 0x06]).run().expectHalted();
    expect(o.machine.cpu.cr0).to.equal(0x10);
  });

  it('prot32 CPL 3: CLTS 0F 06, LMSW 0F 01 F0 are #GP(0); SMSW EAX (0F 01 E0) runs there (a hole) and returns all of CR0, 0x11', () => {
    expectFault(flat([0x0f, 0x06], atCpl3), 13, 0);
    expectFault(flat([0x0f, 0x01, 0xf0], atCpl3), 13, 0);
    const r = flat([0x0f, 0x01, 0xe0], atCpl3);
    expectRetired(r, 3);
    expect(r.m.cpu.r32[0]! >>> 0).to.equal(0x11);
  });

  it('real mode: MOV EAX,CR0 (0F 20 C0) and MOV CR3,EBX (0F 22 DB) then MOV ECX,CR3 (0F 20 D9) = 0x12345000', () => {
    given({ regs: { ebx: 0x12345000 } }).code([0x0f, 0x20, 0xc0, 0x0f, 0x22, 0xdb, 0x0f, 0x20, 0xd9]).run().expectHalted().expectRegs({ eax: 0x10, ecx: 0x12345000 });
  });

  it('real mode: MOV CR0 with PG (0x80000000) and PE=0 (0F 22 C0) is #GP(0); CR1 (0F 20 C8) is #UD', () => {
    given({ regs: { eax: 0x80000010 } }).code([0x0f, 0x22, 0xc0]).run().expectException(13);
    given({}).code([0x0f, 0x20, 0xc8]).run().expectException(6);
  });

  it('real mode, i486: MOV CR0 keeps ET (0x10) at 1 and takes NE|WP|AM (0x50020); i386 ignores those bits', () => {
    const o486 = given({ cpu: 'i486', regs: { eax: 0x00050020 } }).code([0x0f, 0x22, 0xc0]).run().expectHalted();
    expect(o486.machine.cpu.cr0 >>> 0).to.equal(0x00050030);
    const o386 = given({ cpu: 'i386', regs: { eax: 0x00050020 } }).code([0x0f, 0x22, 0xc0]).run().expectHalted();
    expect(o386.machine.cpu.cr0 >>> 0).to.equal(0x0);
  });

  it('CR4: MOV EAX,CR4 (0F 20 E0) is #UD on i386 and i486; on pentium MOV CR4 with 0x4 (TSD: CPUID reports TSC) works, with 0x10 (PSE) or 0x8 (DE), features its CPUID does not report, is #GP(0)', () => {
    given({ cpu: 'i386' }).code([0x0f, 0x20, 0xe0]).run().expectException(6);
    given({ cpu: 'i486', regs: { eax: 0 } }).code([0x0f, 0x22, 0xe0]).run().expectException(6);
    const o = given({ cpu: 'pentium', regs: { eax: 0x4 } }).code([0x0f, 0x22, 0xe0, 0x0f, 0x20, 0xe1]).run().expectHalted().expectRegs({ ecx: 0x4 });
    expect(o.machine.cpu.cr4).to.equal(0x4);
    given({ cpu: 'pentium', regs: { eax: 0x10 } }).code([0x0f, 0x22, 0xe0]).run().expectException(13);
    given({ cpu: 'modern', regs: { eax: 0x8 } }).code([0x0f, 0x22, 0xe0]).run().expectException(13);
  });

  it('CR4.PCE (0x100) exists from the P6 on (no CPUID flag): MOV CR4 with it works on p6, is #GP(0) on pentium', () => {
    const o = given({ cpu: 'p6', regs: { eax: 0x104 } }).code([0x0f, 0x22, 0xe0]).run().expectHalted();
    expect(o.machine.cpu.cr4).to.equal(0x104);
    given({ cpu: 'pentium', regs: { eax: 0x100 } }).code([0x0f, 0x22, 0xe0]).run().expectException(13);
  });

  it('MOV CR with mod != 3 (mod ignored): 0F 20 03 (mod 0, rm 3) and 0F 20 43 (mod 1, no disp8 read) mean EBX, 3 bytes each', () => {
    const r = flat([0x0f, 0x20, 0x03]);
    expectRetired(r, 3);
    expect(r.m.cpu.r32[3]! >>> 0).to.equal(0x11);
    const r1 = flat([0x0f, 0x20, 0x43]);
    expectRetired(r1, 3);
    expect(r1.m.cpu.r32[3]! >>> 0).to.equal(0x11);
  });

  it('real mode, 16-bit code: MOV CR3,ESI as 0F 22 9E (mod 10 rm 110, no disp16 read) then HLT', () => {
    const o = given({ regs: { esi: 0x7000 } }).code([0x0f, 0x22, 0x9e]).run().expectHalted();
    expect(o.machine.cpu.cr3).to.equal(0x7000);
  });

  it('prot32 CPL 3: MOV EAX,CR0 (0F 20 C0) and MOV CR0,EAX (0F 22 C0) are #GP(0); CR5 (0F 20 E8) is #UD even there', () => {
    expectFault(flat([0x0f, 0x20, 0xc0], atCpl3), 13, 0);
    expectFault(flat([0x0f, 0x22, 0xc0], atCpl3), 13, 0);
    expectFault(flat([0x0f, 0x20, 0xe8], atCpl3), 6);
  });
});

describe('interp/system: debug registers', () => {
  it('real mode: MOV DR0,EAX (0F 23 C0) / MOV ECX,DR0 (0F 21 C1) round-trips 0xDEADBEEF; DR6 reads 0xFFFF0FF0, DR7 0x400', () => {
    given({ regs: { eax: 0xdeadbeef } })
      .code([0x0f, 0x23, 0xc0, 0x0f, 0x21, 0xc1, 0x0f, 0x21, 0xf2, 0x0f, 0x21, 0xfb])
      .run()
      .expectHalted()
      .expectRegs({ ecx: 0xdeadbeef, edx: 0xffff0ff0, ebx: 0x400 });
  });

  it('DR4 (0F 21 E0) aliases DR6 with CR4.DE=0 and is #UD with CR4.DE=1 (0x8)', () => {
    const r = flat([0x0f, 0x21, 0xe0]);
    expectRetired(r, 3);
    expect(r.m.cpu.r32[0]! >>> 0).to.equal(0xffff0ff0);
    expectFault(flat([0x0f, 0x21, 0xe0], (m) => { m.cpu.cr4 = 0x8; }), 6);
  });

  it('DR7.GD (0x2000): MOV EAX,DR0 is #DB, DR6.BD (0x2000) set and GD cleared', () => {
    const r = flat([0x0f, 0x21, 0xc0], (m) => { m.cpu.dr[7] = 0x2400; });
    expectFault(r, 1);
    expect(r.m.cpu.dr[6]! & 0x2000).to.equal(0x2000);
    expect(r.m.cpu.dr[7]! & 0x2000).to.equal(0);
  });

  it('prot32 CPL 3: MOV DR (0F 21 C0) is #GP(0)', () => {
    expectFault(flat([0x0f, 0x21, 0xc0], atCpl3), 13, 0);
  });
});

describe('interp/system: MSRs, SYSENTER, SYSEXIT', () => {
  it('RDMSR ECX=0x10 (TSC, 0F 32) after two NOPs: EDX:EAX = 2 + tscOffset 0x100000000 -> 0x00000001:00000002', () => {
    const r = flat([0x90, 0x90, 0x0f, 0x32], (m) => { m.cpu.r32[1] = 0x10; m.cpu.tscOffset = 0x100000000; });
    expectRetired(r, 4);
    expect(r.m.cpu.r32[0]! >>> 0).to.equal(2);
    expect(r.m.cpu.r32[2]! >>> 0).to.equal(1);
  });

  it('WRMSR TSC (0F 30) with EDX:EAX = 0:0x1000, then RDTSC (0F 31) one instruction later reads 0x1001', () => {
    const r = flat([0x0f, 0x30, 0x0f, 0x31], (m) => { m.cpu.r32[1] = 0x10; m.cpu.r32[0] = 0x1000; m.cpu.r32[2] = 0; });
    expectRetired(r, 4);
    expect(r.m.cpu.r32[0]! >>> 0).to.equal(0x1001);
  });

  it('EFER 0xC0000080 needs CPUID 80000001h NX or LM, which no model reports: RDMSR and WRMSR (NXE 0x800) are #GP(0) on modern and p6', () => {
    for (const cpu of ['modern', 'p6'] as const) {
      expectFault(flat([0x0f, 0x32], (m) => { m.cpu.r32[1] = 0xc0000080 | 0; }, cpu), 13, 0);
      const w = flat([0x0f, 0x30], (m) => { m.cpu.r32[1] = 0xc0000080 | 0; m.cpu.r32[0] = 0x800; m.cpu.r32[2] = 0; }, cpu);
      expectFault(w, 13, 0);
      expect(w.m.cpu.efer).to.equal(0);
    }
  });

  it('unknown MSR 0x1B (APIC_BASE): RDMSR is #GP(0); SYSENTER_CS 0x174 on pentium is #GP(0)', () => {
    expectFault(flat([0x0f, 0x32], (m) => { m.cpu.r32[1] = 0x1b; }), 13, 0);
    expectFault(flat([0x0f, 0x32], (m) => { m.cpu.r32[1] = 0x174; }, 'pentium'), 13, 0);
  });

  it('prot32 CPL 3: RDMSR and WRMSR (0F 32, 0F 30) of TSC are #GP(0)', () => {
    expectFault(flat([0x0f, 0x32], (m) => { atCpl3(m); m.cpu.r32[1] = 0x10; }), 13, 0);
    expectFault(flat([0x0f, 0x30], (m) => { atCpl3(m); m.cpu.r32[1] = 0x10; }), 13, 0);
  });

  it('real mode: RDMSR TSC works at CPL 0 (EAX = 0 before anything retired)', () => {
    given({ regs: { ecx: 0x10, eax: 0xffff } }).code([0x0f, 0x32]).run().expectHalted().expectRegs({ eax: 0, edx: 0 });
  });

  it('SYSENTER (0F 34) with SYSENTER_CS=0x08, ESP=0x7000, EIP=0x5000 from CPL 3 lands at CPL 0, CS=08 SS=10, IF cleared', () => {
    const r = flat([0x0f, 0x34], (m) => {
      atCpl3(m);
      m.cpu.flags |= 0x200;
      m.cpu.msr.set(0x174, 0x08n);
      m.cpu.msr.set(0x175, 0x7000n);
      m.cpu.msr.set(0x176, 0x5000n);
      pokeBytes(m.mem, 0x5000, [0xf4]);
    });
    expect(r.stop.kind).to.equal('halt');
    expect(r.m.cpu.eip).to.equal(0x5001);
    expect(r.m.cpu.cpl).to.equal(0);
    expect([r.m.cpu.segSel[1], r.m.cpu.segSel[2]]).to.deep.equal([0x08, 0x10]);
    expect(r.m.cpu.r32[4]).to.equal(0x7000);
    expect(r.m.cpu.flags & 0x200).to.equal(0);
  });

  it('SYSENTER with SYSENTER_CS=0 is #GP(0); SYSENTER in real mode is #GP(0)', () => {
    expectFault(flat([0x0f, 0x34]), 13, 0);
    given({}).code([0x0f, 0x34]).run().expectException(13);
  });

  it('SYSEXIT (0F 35) with SYSENTER_CS=0x08, ECX=0x8000, EDX=0x6000: CPL 3, CS=0x1B SS=0x23; at CPL 3 it is #GP(0)', () => {
    const r = flat([0x0f, 0x35], (m) => {
      m.cpu.msr.set(0x174, 0x08n);
      m.cpu.r32[1] = 0x8000;
      m.cpu.r32[2] = 0x6000;
    });
    expect(r.m.cpu.cpl).to.equal(3);
    expect([r.m.cpu.segSel[1], r.m.cpu.segSel[2]]).to.deep.equal([0x1b, 0x23]);
    expect(r.m.cpu.r32[4]).to.equal(0x8000);
    // The code at 0x6000 is zero bytes (ADD [EAX],AL) until something faults; it went there.
    expect(r.m.cpu.eip >>> 0).to.be.at.least(0x6000);
    expectFault(flat([0x0f, 0x35], (m) => { atCpl3(m); m.cpu.msr.set(0x174, 0x08n); }), 13, 0);
  });
});

describe('interp/system: cache/TLB maintenance and hypercalls', () => {
  it('INVLPG [EAX] (0F 01 38), WBINVD (0F 09), INVD (0F 08) retire with no effect at CPL 0 and in real mode', () => {
    expectRetired(flat([0x0f, 0x01, 0x38, 0x0f, 0x09, 0x0f, 0x08]), 7);
    given({}).code([0x0f, 0x01, 0x3f, 0x0f, 0x09, 0x0f, 0x08]).run().expectHalted();
  });

  it('prot32 CPL 3: INVLPG, WBINVD, INVD are #GP(0)', () => {
    expectFault(flat([0x0f, 0x01, 0x38], atCpl3), 13, 0);
    expectFault(flat([0x0f, 0x09], atCpl3), 13, 0);
    expectFault(flat([0x0f, 0x08], atCpl3), 13, 0);
  });

  it('INVD (0F 08) on i386 is #UD (since i486)', () => {
    given({ cpu: 'i386' }).code([0x0f, 0x08]).run().expectException(6);
  });

  it('VMCALL (0F 01 C1) is #UD outside VMX operation, at CPL 0 and 3; VMMCALL (0F 01 D9) is #UD without a VMM, at CPL 0 and 3', () => {
    expectFault(flat([0x0f, 0x01, 0xc1]), 6);
    expectFault(flat([0x0f, 0x01, 0xc1], atCpl3), 6);
    given({}).code([0x0f, 0x01, 0xc1]).run().expectException(6);
    expectFault(flat([0x0f, 0x01, 0xd9]), 6);
    expectFault(flat([0x0f, 0x01, 0xd9], atCpl3), 6);
  });

  it('66 0F 01 C1 (VMCALL with an operand-size prefix) is #UD at decode ("Use of Prefixes"), before the CPL check: #UD at CPL 3 too', () => {
    expectFault(flat([0x66, 0x0f, 0x01, 0xc1]), 6);
    expectFault(flat([0xf3, 0x0f, 0x01, 0xc1], atCpl3), 6);
  });
});

describe('interp/system: protected-only forms and selectors', () => {
  const realUd: Array<[string, number[]]> = [
    ['ARPL AX,DX (63 D0)', [0x63, 0xd0]],
    ['SLDT AX (0F 00 C0)', [0x0f, 0x00, 0xc0]],
    ['STR AX (0F 00 C8)', [0x0f, 0x00, 0xc8]],
    ['LLDT AX (0F 00 D0)', [0x0f, 0x00, 0xd0]],
    ['LTR AX (0F 00 D8)', [0x0f, 0x00, 0xd8]],
    ['VERR AX (0F 00 E0)', [0x0f, 0x00, 0xe0]],
    ['VERW AX (0F 00 E8)', [0x0f, 0x00, 0xe8]],
    ['LAR AX,DX (0F 02 C2)', [0x0f, 0x02, 0xc2]],
    ['LSL AX,DX (0F 03 C2)', [0x0f, 0x03, 0xc2]],
  ];
  for (const [name, bytes] of realUd) {
    it(`real mode: ${name} is #UD`, () => {
      given({}).code(bytes).run().expectException(6);
    });
  }

  it('ARPL [0x2000],DX (63 15 00 20 00 00) with RPL 0 < DX RPL 3: memory becomes 0x0013, ZF=1; again: ZF=0', () => {
    const r = flat([0x63, 0x15, 0x00, 0x20, 0x00, 0x00], (m) => { pokeBytes(m.mem, 0x2000, [0x10, 0x00]); m.cpu.r32[2] = 0x23; });
    expectRetired(r, 6);
    expect([readPhys8(r.m.mem, 0x2000), readPhys8(r.m.mem, 0x2001)]).to.deep.equal([0x13, 0x00]);
    expect(r.m.cpu.flags & 0x40).to.equal(0x40);
    const again = flat([0x63, 0xd0], (m) => { m.cpu.r32[0] = 0x1b; m.cpu.r32[2] = 0x23; });
    expect(again.m.cpu.r32[0]).to.equal(0x1b);
    expect(again.m.cpu.flags & 0x40).to.equal(0);
  });

  it('SLDT EAX (0F 00 C0) and STR AX (66 0F 00 C8) at CPL 3 run (holes): EAX = 0x30 zero-extended, AX = 0x28', () => {
    const r = flat([0x0f, 0x00, 0xc0, 0x66, 0x0f, 0x00, 0xcb], (m) => {
      m.cpu.ldtr = { sel: 0x30, base: 0, limit: 0, attr: 0x82 };
      m.cpu.tr = { sel: 0x28, base: 0, limit: 0x67, attr: 0x8b };
      m.cpu.r32[0] = -1;
      m.cpu.r32[3] = -1;
      atCpl3(m);
    });
    expectRetired(r, 7);
    expect(r.m.cpu.r32[0]).to.equal(0x30);
    expect(r.m.cpu.r32[3]! >>> 0).to.equal(0xffff0028);
  });

  it('LLDT DX=0x30 (0F 00 D2) loads base 0x30000 limit 0x1F; LLDT of the TSS 0x28 is #GP(0x28); at CPL 3 #GP(0)', () => {
    const r = flat([0x0f, 0x00, 0xd2], (m) => { withGdt(m); m.cpu.r32[2] = 0x30; });
    expectRetired(r, 3);
    expect(r.m.cpu.ldtr).to.deep.include({ sel: 0x30, base: 0x30000, limit: 0x1f });
    expectFault(flat([0x0f, 0x00, 0xd2], (m) => { withGdt(m); m.cpu.r32[2] = 0x28; }), 13, 0x28);
    expectFault(flat([0x0f, 0x00, 0xd2], (m) => { withGdt(m); m.cpu.r32[2] = 0x30; atCpl3(m); }), 13, 0);
  });

  it('LTR DX=0x28 (0F 00 DA) loads TR base 0x20000 and marks the descriptor busy (access 0x89 -> 0x8B); LTR 0 is #GP(0); LTR 0x40 (data) #GP(0x40)', () => {
    const r = flat([0x0f, 0x00, 0xda], (m) => { withGdt(m); m.cpu.r32[2] = 0x28; });
    expectRetired(r, 3);
    expect(r.m.cpu.tr).to.deep.include({ sel: 0x28, base: 0x20000, limit: 0x67 });
    expect(readPhys8(r.m.mem, GDT + 0x28 + 5)).to.equal(0x8b);
    expectFault(flat([0x0f, 0x00, 0xda], (m) => { withGdt(m); m.cpu.r32[2] = 0; }), 13, 0);
    expectFault(flat([0x0f, 0x00, 0xda], (m) => { withGdt(m); m.cpu.r32[2] = 0x40; }), 13, 0x40);
  });

  it('LAR EAX,DX (0F 02 C2): 0x18 -> 0x0040F000, ZF=1; 0x48 past the GDT limit -> ZF=0, EAX kept', () => {
    const r = flat([0x0f, 0x02, 0xc2], (m) => { withGdt(m); m.cpu.r32[2] = 0x18; });
    expectRetired(r, 3);
    expect(r.m.cpu.r32[0]! >>> 0).to.equal(0x0040f000);
    expect(r.m.cpu.flags & 0x40).to.equal(0x40);
    const miss = flat([0x0f, 0x02, 0xc2], (m) => { withGdt(m); m.cpu.r32[2] = 0x48; m.cpu.r32[0] = 0x5555; });
    expect(miss.m.cpu.r32[0]).to.equal(0x5555);
    expect(miss.m.cpu.flags & 0x40).to.equal(0);
  });

  it('LAR at CPL 3 (a hole): the DPL-0 data segment 0x10 is invisible (ZF=0), the DPL-3 call gate 0x38 is visible (ZF=1, 0xEC00)', () => {
    const hidden = flat([0x0f, 0x02, 0xc2], (m) => { withGdt(m); m.cpu.r32[2] = 0x13; atCpl3(m); });
    expectRetired(hidden, 3);
    expect(hidden.m.cpu.flags & 0x40).to.equal(0);
    const gate = flat([0x66, 0x0f, 0x02, 0xc2], (m) => { withGdt(m); m.cpu.r32[2] = 0x3b; atCpl3(m); });
    expectRetired(gate, 4);
    expect(gate.m.cpu.r16[0]).to.equal(0xec00);
    expect(gate.m.cpu.flags & 0x40).to.equal(0x40);
  });

  it('LSL EAX,DX (0F 03 C2): 0x08 (G=1, limit 0xFFFFF) -> 0xFFFFFFFF; 0x28 (TSS) -> 0x67; 0x38 (call gate) -> ZF=0', () => {
    const a = flat([0x0f, 0x03, 0xc2], (m) => { withGdt(m); m.cpu.r32[2] = 0x08; });
    expect(a.m.cpu.r32[0]! >>> 0).to.equal(0xffffffff);
    const b = flat([0x0f, 0x03, 0xc2], (m) => { withGdt(m); m.cpu.r32[2] = 0x28; });
    expect(b.m.cpu.r32[0]).to.equal(0x67);
    const c = flat([0x0f, 0x03, 0xc2], (m) => { withGdt(m); m.cpu.r32[2] = 0x38; });
    expect(c.m.cpu.flags & 0x40).to.equal(0);
  });

  it('VERR/VERW DX (0F 00 E2 / 0F 00 EA): 0x10 RW data readable and writable; 0x18 (RO data, DPL 3) readable not writable; 0x20 (execute-only code) neither', () => {
    const zf = (bytes: number[], sel: number): number => flat(bytes, (m) => { withGdt(m); m.cpu.r32[2] = sel; }).m.cpu.flags & 0x40 ? 1 : 0;
    const verr = [0x0f, 0x00, 0xe2];
    const verw = [0x0f, 0x00, 0xea];
    expect([zf(verr, 0x10), zf(verw, 0x10), zf(verr, 0x18), zf(verw, 0x18), zf(verr, 0x20), zf(verw, 0x20), zf(verr, 0)]).to.deep.equal([1, 1, 1, 0, 0, 0, 0]);
  });
});
