/**
 * Unit tests of the data group, part 6: CPUID (0F A2), RDTSC (0F 31) and WAIT/FWAIT (9B).
 *
 * Checks: CPUID's leaf 0 vendor string and maximum leaf and leaf 1 signature per model, the
 * Intel rule that a leaf beyond the maximum (basic or extended) answers with the highest basic
 * leaf, #UD on models without CPUID; RDTSC = retired instructions + TSC offset split into
 * EDX:EAX, #GP(0) under CR4.TSD outside CPL 0 (including virtual-8086 mode), #UD before the
 * Pentium; WAIT's #NM when CR0.MP and CR0.TS are both set and no-op otherwise.
 * Oracle: the CPU model table (machine/cpu-model.ts) for the CPUID values, and the SDM Vol. 2A
 * CPUID, Vol. 2B RDTSC and WAIT pages and Vol. 3A Table 2-2 for the rules, computed by hand.
 * Leaves out: RDTSC in the middle of a decoded block (the run loop advances the instruction
 * count per block; see the pending test) and VT-x exits of CPUID/RDTSC.
 */

import { expect } from 'chai';
import { given } from '../../../support/given.ts';
import { RawRun } from '../../../support/raw-run.ts';

const PUSHED_IP = 0xffea;
const ip = (value: number): number[] => [value & 0xff, value >> 8];
const CPUID = [0x0f, 0xa2];
const RDTSC = [0x0f, 0x31];
const GENUINE_INTEL = { ebx: 0x756e6547, edx: 0x49656e69, ecx: 0x6c65746e };
const CR4_TSD = 0x4;

describe('interp/data: CPUID (0F A2)', () => {
  it('CPUID leaf 0x0 on the Pentium: EAX = 0x1 (max leaf), "GenuineIntel" in EBX EDX ECX', () => {
    given({ cpu: 'pentium', regs: { eax: 0 } }).code(CPUID).run().expectRegs({ eax: 1, ...GENUINE_INTEL }).expectHalted();
  });

  it('CPUID leaf 0x1 on the Pentium: signature 0x0543, EDX = TSC | MSR | CX8 = 0x130', () => {
    given({ cpu: 'pentium', regs: { eax: 1 } }).code(CPUID).run().expectRegs({ eax: 0x0543, ebx: 0, ecx: 0, edx: 0x130 }).expectHalted();
  });

  it('CPUID leaf 0x0 on the P6: EAX = 0x2', () => {
    given({ cpu: 'p6', regs: { eax: 0 } }).code(CPUID).run().expectRegs({ eax: 2, ...GENUINE_INTEL }).expectHalted();
  });

  it('CPUID leaf 0x1 on the P6 (32-bit): signature 0x0652, EDX adds SEP and CMOV = 0x8930', () => {
    given({ mode: 'prot32', cpu: 'p6', regs: { eax: 1, ecx: 0xffffffff } }).code(CPUID).run().expectRegs({ eax: 0x0652, ebx: 0, ecx: 0, edx: 0x8930 }).expectHalted();
  });

  it('CPUID leaf 0x5 on the Pentium (max 0x1) answers with leaf 0x1', () => {
    given({ cpu: 'pentium', regs: { eax: 5 } }).code(CPUID).run().expectRegs({ eax: 0x0543, edx: 0x130 }).expectHalted();
  });

  it('CPUID leaf 0x80000000 on modern (no extended leaves) answers with the highest basic leaf, 0x1', () => {
    given({ regs: { eax: 0x80000000 } }).code(CPUID).run().expectRegs({ eax: 0x606a0 }).expectHalted();
  });

  it('CPUID leaf 0xffffffff on modern answers with leaf 0x1 too', () => {
    given({ regs: { eax: 0xffffffff } }).code(CPUID).run().expectRegs({ eax: 0x606a0 }).expectHalted();
  });

  for (const cpu of ['i286', 'i386', 'i486'] as const) {
    it(`CPUID (0F A2) is #UD on the ${cpu}; EAX unchanged, IP 0x1000 pushed`, () => {
      given({ cpu, regs: { ax: 0 } }).code(CPUID).run().expectException(6).expectRegs({ ax: 0 }).expectMem(PUSHED_IP, ip(0x1000));
    });
  }
});

describe('interp/data: RDTSC (0F 31)', () => {
  it('RDTSC as the first instruction, TSC offset 0x100000005: EDX = 0x1, EAX = 0x5', () => {
    const run = new RawRun({ mode: 'prot32', tscOffset: 0x100000005 }, RDTSC);
    expect(run.step(1).kind).to.equal('limit');
    expect([run.reg('edx'), run.reg('eax')]).to.deep.equal([1, 5]);
  });

  it('RDTSC after 2 retired NOPs (a new block): EDX:EAX = 0x0:0x2', () => {
    const run = new RawRun({ mode: 'prot32', regs: { eax: 0xffffffff, edx: 0xffffffff } }, [0x90, 0x90, ...RDTSC]);
    run.step(2);
    run.step(1);
    expect([run.reg('edx'), run.reg('eax')]).to.deep.equal([0, 2]);
  });

  it('RDTSC with TSC offset 0xffffffff after 1 instruction carries into EDX: 0x1:0x00000000', () => {
    const run = new RawRun({ mode: 'prot32', tscOffset: 0xffffffff }, [0x90, ...RDTSC]);
    run.step(1);
    run.step(1);
    expect([run.reg('edx'), run.reg('eax')]).to.deep.equal([1, 0]);
  });

  it('RDTSC in the middle of a block (90 90 0F 31): EAX = 2, the instructions retired before it', () => {
    const run = new RawRun({ mode: 'prot32' }, [0x90, 0x90, ...RDTSC]);
    run.step(3);
    expect(run.reg('eax')).to.equal(2);
  });

  it('RDTSC in real mode (0F 31): EDX:EAX = 0:0 at the first instruction', () => {
    given({ regs: { eax: 0xffffffff, edx: 0xffffffff } }).code(RDTSC).run().expectRegs({ eax: 0, edx: 0 }).expectHalted();
  });

  it('RDTSC with CR4.TSD at CPL 3 raises #GP(0); EAX unchanged', () => {
    const run = new RawRun({ mode: 'prot32', cpl: 3, cr4: CR4_TSD, regs: { eax: 0x1234 } }, RDTSC);
    expect(run.step(1)).to.deep.equal({ kind: 'exception', vector: 13, errorCode: 0 });
    expect(run.reg('eax')).to.equal(0x1234);
  });

  it('RDTSC with CR4.TSD at CPL 0 is allowed', () => {
    const run = new RawRun({ mode: 'prot32', cpl: 0, cr4: CR4_TSD, tscOffset: 7 }, RDTSC);
    expect(run.step(1).kind).to.equal('limit');
    expect(run.reg('eax')).to.equal(7);
  });

  it('RDTSC without CR4.TSD at CPL 3 is allowed', () => {
    const run = new RawRun({ mode: 'prot32', cpl: 3, tscOffset: 9 }, RDTSC);
    expect(run.step(1).kind).to.equal('limit');
    expect(run.reg('eax')).to.equal(9);
  });

  it('RDTSC with CR4.TSD in virtual-8086 mode (CPL 3) raises #GP(0)', () => {
    const run = new RawRun({ mode: 'v86', cr4: CR4_TSD }, RDTSC);
    expect(run.step(1)).to.deep.equal({ kind: 'exception', vector: 13, errorCode: 0 });
  });

  it('RDTSC (0F 31) is #UD on the 486', () => {
    given({ cpu: 'i486' }).code(RDTSC).run().expectException(6).expectMem(PUSHED_IP, ip(0x1000));
  });
});

describe('interp/data: WAIT/FWAIT (9B)', () => {
  const CR0_ET = 0x10;
  const CR0_MP = 0x2;
  const CR0_EM = 0x4;
  const CR0_TS = 0x8;

  it('WAIT (9B) with CR0.MP and CR0.TS set raises #NM (7), IP 0x1000 pushed', () => {
    given({ cr0: CR0_ET | CR0_MP | CR0_TS }).code([0x9b]).run().expectException(7).expectMem(PUSHED_IP, ip(0x1000));
  });

  it('WAIT (9B) with CR0.TS alone is a no-op', () => {
    given({ cr0: CR0_ET | CR0_TS, flags: 0x0ad7 }).code([0x9b]).run().expectRegs({ flags: 0x0ad7 }).expectHalted();
  });

  it('WAIT (9B) with CR0.MP alone is a no-op', () => {
    given({ cr0: CR0_ET | CR0_MP }).code([0x9b]).run().expectHalted();
  });

  it('WAIT (9B) ignores CR0.EM: EM and TS without MP is a no-op', () => {
    given({ cr0: CR0_ET | CR0_EM | CR0_TS }).code([0x9b]).run().expectHalted();
  });

  it('WAIT (9B, 32-bit) with CR0.MP and CR0.TS stops on #NM (7)', () => {
    given({ mode: 'prot32', cr0: 0x1 | CR0_ET | CR0_MP | CR0_TS }).code([0x9b]).run().expectException(7);
  });

  it('WAIT (9B) on the 286 with CR0 (MSW) MP and TS raises #NM', () => {
    given({ cpu: 'i286', cr0: CR0_MP | CR0_TS }).code([0x9b]).run().expectException(7);
  });
});
