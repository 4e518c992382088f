/**
 * The embedded reference subject through the adapter contract: a portable flat 32-bit start
 * (GDT in memory), breakpoints that stop before the instruction and let the run resume.
 */

import { expect } from 'chai';
import { createReferenceSubject } from '../../../../harness/adapters/reference/index.ts';
import { flat32Setup, loadProgram, realModeSetup } from '../../../../harness/state/initial-state.ts';

describe('reference subject (adapter contract)', () => {
  async function flatSubject(program: number[]) {
    const subject = createReferenceSubject();
    await loadProgram(subject, { cpu: 'modern', memorySize: 1 << 20 }, flat32Setup({ eip: 0x1000, regs: { esp: 0x8000 } }), 0x1000, program);
    return subject;
  }

  it('stops before a breakpoint, then resumes from it to HLT', async () => {
    const subject = await flatSubject([0x40, 0x40, 0x40, 0xf4]); // inc eax x3; hlt
    const first = await subject.run({ maxInstructions: 100, breakpoints: [0x1002] });
    expect(first).to.deep.equal({ kind: 'breakpoint', eip: 0x1002 });
    expect((await subject.getState()).regs.eax).to.equal(2);
    const second = await subject.run({ maxInstructions: 100, breakpoints: [0x1002] });
    expect(second.kind).to.equal('halt');
    expect((await subject.getState()).regs.eax).to.equal(3);
  });

  it('runs without breakpoints after they are cleared', async () => {
    const subject = await flatSubject([0x40, 0x40, 0xf4]);
    await subject.run({ maxInstructions: 1, breakpoints: [0x1001] });
    expect((await subject.run({ maxInstructions: 100 })).kind).to.equal('halt');
    expect((await subject.getState()).regs.eax).to.equal(2);
  });

  it('reads back the flat and real-mode starting states it was given', async () => {
    const subject = await flatSubject([0xf4]);
    const flat = flat32Setup({ eip: 0x1000, regs: { esp: 0x8000 } }).state;
    expect(await subject.getState()).to.deep.equal(flat);
    const real = realModeSetup({ cs: 0x100, ip: 0x10, dataSegment: 0x200 }).state;
    await subject.setState(real);
    expect(await subject.getState()).to.deep.equal(real);
  });
});
