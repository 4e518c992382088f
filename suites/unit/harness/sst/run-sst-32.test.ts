/**
 * The SST runner's 32-bit register path (the 386 sets' RG32/RM32 chunks) and file-wide masks.
 * Oracle: hand-built tests whose expected finals are computed from the SDM (MOV EAX,EBX with a
 * 66 prefix in real mode on an i386). Leaves out: protected-mode RG32 tests (no descriptor
 * caches in the format), which the runner refuses with a one-line error.
 */

import { expect } from 'chai';
import { createReferenceSubject } from '../../../../harness/adapters/reference/index.ts';
import { runSstTest } from '../../../../harness/sst/run-sst.ts';
import type { MooState, MooTest, Reg32Name } from '../../../../harness/sst/moo.ts';

const CS = 0x1000;
const IP = 0x0100;
const CODE = [0x66, 0x89, 0xd8, 0xf4]; // mov eax, ebx ; hlt

function state(regs32: Partial<Record<Reg32Name, number>>, ram: Array<[number, number]> = [], regMask32: Partial<Record<Reg32Name, number>> = {}): MooState {
  return { regs16: {}, regs32, regMask16: {}, regMask32, ram, queue: [] };
}

function movTest(finalEax: number, finalMask: Partial<Record<Reg32Name, number>> = {}): MooTest {
  const initial = state(
    { cr0: 0, cr3: 0, eax: 0x11111111, ebx: 0xdeadbeef, ecx: 0, edx: 0, esi: 0, edi: 0, ebp: 0, esp: 0x8000, cs: CS, ds: 0, es: 0, fs: 0, gs: 0, ss: 0x2000, eip: IP, eflags: 0x2, dr6: 0, dr7: 0 },
    CODE.map((byte, k) => [CS * 16 + IP + k, byte] as [number, number]),
  );
  return { index: 0, name: 'mov eax,ebx', bytes: CODE, initial, final: state({ eax: finalEax, eip: IP + CODE.length }, [], finalMask), cycleCount: 0, hash: '0'.repeat(40) };
}

async function subject() {
  const s = createReferenceSubject();
  await s.reset({ cpu: 'i386', memorySize: 1 << 20 });
  return s;
}

describe('harness/sst/run-sst: 32-bit register sets (RG32/RM32)', () => {
  it('66 89 D8 (mov eax,ebx) on an i386: EAX 0xdeadbeef passes', async () => {
    expect(await runSstTest(await subject(), movTest(0xdeadbeef), 0xffff)).to.equal(undefined);
  });

  it('a wrong expected EAX (0xdeadbeee) fails and names eax', async () => {
    const failure = await runSstTest(await subject(), movTest(0xdeadbeee), 0xffff);
    expect(failure?.regs.map((d) => d.reg)).to.deep.equal(['eax']);
    expect(failure?.regs[0]?.actual).to.equal(0xdeadbeef);
  });

  it('an RM32 mask of 0xfffffffe on EAX hides a difference in bit 0 only', async () => {
    expect(await runSstTest(await subject(), movTest(0xdeadbeee, { eax: 0xfffffffe }), 0xffff)).to.equal(undefined);
    const failure = await runSstTest(await subject(), movTest(0xdeadbeec, { eax: 0xfffffffe }), 0xffff);
    expect(failure?.regs.map((d) => d.reg)).to.deep.equal(['eax']);
  });

  it('a file-wide RM32 mask applies like a per-test one', async () => {
    expect(await runSstTest(await subject(), movTest(0xdeadbeee), 0xffff, { m16: {}, m32: { eax: 0xfffffffe } })).to.equal(undefined);
  });

  it('a protected-mode RG32 test (CR0.PE=1) is refused with a one-line error', async () => {
    const test = movTest(0xdeadbeef);
    test.initial.regs32.cr0 = 1;
    let message = '';
    try {
      await runSstTest(await subject(), test, 0xffff);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).to.match(/protected-mode RG32 tests carry no descriptor caches/);
    expect(message).to.not.include('\n');
  });
});
