/**
 * Protected-mode segment loads by MOV Sreg (reference-emulator/interp/segments.ts), through the
 * adapter contract: the descriptor table limit, a null LDTR, then the type and privilege rules of
 * MOV Sreg before presence (SDM Vol. 2B, MOV, protected-mode operation: #GP(selector) for a
 * system, execute-only or too-privileged descriptor, #NP/#SS(selector) only for a loadable one
 * that is not present). Oracle: the SDM pseudo-code, case by case.
 */

import { expect } from 'chai';
import type { SegmentState } from '../../../harness/adapter.ts';
import { createReferenceSubject } from '../../../harness/adapters/reference/index.ts';
import { flat32Setup, FLAT_GDT_BASE, realModeSetup, segmentDescriptor } from '../../../harness/state/initial-state.ts';

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

/** A reference subject in flat 32-bit mode whose GDT also holds EXTRA, with `program` at 0x1000. */
async function flatSubject(program: readonly number[], ds?: SegmentState) {
  const subject = createReferenceSubject();
  await subject.reset({ cpu: 'modern', memorySize: 1 << 20 });
  const setup = flat32Setup({ eip: 0x1000, regs: { esp: 0x8000, eax: 0x5a } });
  const gdt = new Uint8Array(0x50);
  gdt.set(setup.memory[0]!.bytes);
  for (const [sel, attr] of EXTRA) if (attr !== 0) gdt.set(segmentDescriptor(0, 0xffffffff, attr), sel);
  await subject.writeMemory(FLAT_GDT_BASE, gdt);
  await subject.writeMemory(0x1000, Uint8Array.from(program));
  const state = { ...setup.state, gdtr: { base: FLAT_GDT_BASE, limit: gdt.length - 1 } };
  await subject.setState(ds ? { ...state, segs: { ...state.segs, ds } } : state);
  return subject;
}

async function loadSelector(register: 'ds' | 'ss', selector: number) {
  const movSreg = register === 'ds' ? 0xd8 : 0xd0;
  const subject = await flatSubject([0x66, 0xb8, selector & 0xff, selector >> 8, 0x8e, movSreg, 0xf4]);
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

  describe('writes by segment type', () => {
    async function runFlat(program: number[], ds = 0x10) {
      const subject = await flatSubject(program, { sel: ds, base: 0, limit: 0xffffffff, attr: ds === 0x40 ? 0xc091 : 0xc093 });
      const stop = await subject.run({ maxInstructions: 10, stopOnException: true });
      return { stop, byte: (await subject.readMemory(0x4040, 1))[0] };
    }
    // 2E 88 05 40 40 00 00: mov cs:[0x4040], al; F4: hlt.
    const CS_WRITE = [0x2e, 0x88, 0x05, 0x40, 0x40, 0x00, 0x00, 0xf4];
    // 88 05 40 40 00 00: mov [0x4040], al; F4: hlt.
    const DS_WRITE = [0x88, 0x05, 0x40, 0x40, 0x00, 0x00, 0xf4];

    it('a write through CS in protected mode is #GP(0), nothing written (SDM Vol. 3A, 5.4.1)', async () => {
      expect(await runFlat(CS_WRITE)).to.deep.equal({ stop: { kind: 'exception', vector: 13, errorCode: 0 }, byte: 0 });
    });
    it('a write to read-only data is #GP(0); to writable data it lands', async () => {
      expect(await runFlat(DS_WRITE, 0x40)).to.deep.equal({ stop: { kind: 'exception', vector: 13, errorCode: 0 }, byte: 0 });
      expect(await runFlat(DS_WRITE)).to.deep.equal({ stop: { kind: 'halt' }, byte: 0x5a });
    });
    it('in real mode a write through CS lands (no type checks there)', async () => {
      const subject = createReferenceSubject();
      await subject.reset({ cpu: 'modern', memorySize: 1 << 20 });
      await subject.writeMemory(0x1000, Uint8Array.from([0x2e, 0x88, 0x06, 0x40, 0x40, 0xf4])); // mov cs:[0x4040], al; hlt
      await subject.setState(realModeSetup({ ip: 0x1000, regs: { eax: 0x77 } }).state);
      expect(await subject.run({ maxInstructions: 10, stopOnException: true })).to.deep.equal({ kind: 'halt' });
      expect((await subject.readMemory(0x4040, 1))[0]).to.equal(0x77);
    });
  });
});
