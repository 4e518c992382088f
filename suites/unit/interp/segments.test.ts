/**
 * Protected-mode segment loads by MOV Sreg (reference-emulator/interp/segments.ts), through the
 * adapter contract: the descriptor table limit, a null LDTR, then the type and privilege rules of
 * MOV Sreg before presence (SDM Vol. 2B, MOV, protected-mode operation: #GP(selector) for a
 * system, execute-only or too-privileged descriptor, #NP/#SS(selector) only for a loadable one
 * that is not present). Oracle: the SDM pseudo-code, case by case.
 */

import { expect } from 'chai';
import { createReferenceSubject } from '../../../harness/adapters/reference/index.ts';
import { flat32Setup, FLAT_GDT_BASE, segmentDescriptor } from '../../../harness/state/initial-state.ts';

/** Descriptors at 0x18 on: what each test selector names. */
const EXTRA: ReadonlyArray<readonly [selector: number, attr: number]> = [
  [0x18, 0], // an all-zero descriptor: not a code or data segment
  [0x20, 0x0089], // an available 32-bit TSS: a system descriptor
  [0x28, 0xc098], // execute-only code
  [0x30, 0xc09a], // readable code
  [0x38, 0xc013], // writable data, not present
  [0x40, 0xc091], // read-only data
  [0x48, 0xc09e], // conforming readable code, DPL 0
];

async function loadSelector(register: 'ds' | 'ss', selector: number) {
  const subject = createReferenceSubject();
  await subject.reset({ cpu: 'modern', memorySize: 1 << 20 });
  const setup = flat32Setup({ eip: 0x1000, regs: { esp: 0x8000 } });
  const gdt = new Uint8Array(0x50);
  gdt.set(setup.memory[0]!.bytes);
  for (const [sel, attr] of EXTRA) if (attr !== 0) gdt.set(segmentDescriptor(0, 0xffffffff, attr), sel);
  await subject.writeMemory(FLAT_GDT_BASE, gdt);
  const movSreg = register === 'ds' ? 0xd8 : 0xd0;
  await subject.writeMemory(0x1000, Uint8Array.from([0x66, 0xb8, selector & 0xff, selector >> 8, 0x8e, movSreg, 0xf4]));
  await subject.setState({ ...setup.state, gdtr: { base: FLAT_GDT_BASE, limit: gdt.length - 1 } });
  const stop = await subject.run({ maxInstructions: 10, stopOnException: true });
  return { stop, state: await subject.getState() };
}

describe('interp/segments: MOV Sreg in protected mode', () => {
  const gp = (selector: number) => ({ kind: 'exception', vector: 13, errorCode: selector });

  it('an all-zero descriptor is #GP(sel) for DS, before any presence check', async () => {
    expect((await loadSelector('ds', 0x18)).stop).to.deep.equal(gp(0x18));
  });
  it('a TSS (system) descriptor is #GP(sel) for DS', async () => {
    expect((await loadSelector('ds', 0x20)).stop).to.deep.equal(gp(0x20));
  });
  it('execute-only code is #GP(sel) for DS; readable code loads', async () => {
    expect((await loadSelector('ds', 0x28)).stop).to.deep.equal(gp(0x28));
    const readable = await loadSelector('ds', 0x30);
    expect(readable.stop).to.deep.equal({ kind: 'halt' });
    expect(readable.state.segs.ds.sel).to.equal(0x30);
  });
  it('a loadable data segment that is not present is #NP(sel) for DS and #SS(sel) for SS', async () => {
    expect((await loadSelector('ds', 0x38)).stop).to.deep.equal({ kind: 'exception', vector: 11, errorCode: 0x38 });
    expect((await loadSelector('ss', 0x38)).stop).to.deep.equal({ kind: 'exception', vector: 12, errorCode: 0x38 });
  });
  it('SS must be writable data with RPL = DPL = CPL: read-only data, code and RPL 3 are #GP(sel)', async () => {
    expect((await loadSelector('ss', 0x40)).stop).to.deep.equal(gp(0x40));
    expect((await loadSelector('ss', 0x30)).stop).to.deep.equal(gp(0x30));
    expect((await loadSelector('ss', 0x13)).stop).to.deep.equal(gp(0x10));
  });
  it('DS with RPL 3 above a DPL 0 data segment is #GP(sel); conforming code ignores the privilege rule', async () => {
    expect((await loadSelector('ds', 0x13)).stop).to.deep.equal(gp(0x10));
    const conforming = await loadSelector('ds', 0x4b);
    expect(conforming.stop).to.deep.equal({ kind: 'halt' });
    expect(conforming.state.segs.ds.sel).to.equal(0x4b);
  });
  it('an LDT selector while LDTR is null is #GP(sel), and a selector past the GDT limit too', async () => {
    expect((await loadSelector('ds', 0x1234)).stop).to.deep.equal(gp(0x1234));
    expect((await loadSelector('ds', 0x50)).stop).to.deep.equal(gp(0x50));
  });
});
