// Unit tests for reference-emulator/machine/physical-memory.ts: RAM, open bus and address lines.
//
// Checked: reads above RAM return all ones (an ISA/PC bus with nothing decoding the address)
// at every width, also for an access straddling the end of RAM; writes there are dropped and
// leave RAM untouched; the 286's 24 address lines wrap 0x1000005 to 5 and 0xFFFFFF+1 to 0
// (SDM Vol. 3A, 20.1.2 on address wrap), where a 32-bit model sees open bus instead; the size
// check; peek/pokeBytes stay inside RAM and notify nobody; a CPU write into a page holding
// decoded code notifies the code cache with that page number.
// Oracle: the addresses and byte values written here, and the byte array read directly.
// Left out: paging (not a physical-memory concern) and speed of the fast paths.

import { expect } from 'chai';
import {
  createMachine,
  createPhysicalMemory,
  peek,
  pokeBytes,
  readPhys16,
  readPhys32,
  readPhys8,
  writePhys16,
  writePhys32,
  writePhys8,
} from '../../../reference-emulator/index.ts';

const MiB = 1024 * 1024;

describe('machine/physical-memory: open bus above RAM', () => {
  it('1 MiB of RAM: reads at 0x100000 return 0xFF, 0xFFFF and 0xFFFFFFFF', () => {
    const mem = createPhysicalMemory(MiB);
    expect(readPhys8(mem, 0x100000)).to.equal(0xff);
    expect(readPhys16(mem, 0x100000)).to.equal(0xffff);
    expect(readPhys32(mem, 0x100000) >>> 0).to.equal(0xffffffff);
    expect(readPhys32(mem, 0xfffffffc) >>> 0).to.equal(0xffffffff);
  });

  it('a word read at 0xFFFFF takes its low byte from RAM (0x5A) and its high byte from open bus: 0xFF5A', () => {
    const mem = createPhysicalMemory(MiB);
    mem.bytes[0xfffff] = 0x5a;
    expect(readPhys16(mem, 0xfffff)).to.equal(0xff5a);
    mem.bytes[0xffffe] = 0x11;
    expect(readPhys32(mem, 0xffffe) >>> 0).to.equal(0xffff5a11);
  });

  it('writes at 0x100000 and above are dropped: they read back 0xFF and no RAM byte changes', () => {
    const mem = createPhysicalMemory(MiB);
    writePhys8(mem, 0x100000, 0x12);
    writePhys16(mem, 0x100010, 0x3456);
    writePhys32(mem, 0x1ffff0, 0x789abcde);
    writePhys32(mem, 0xfffffffc | 0, 0x01020304);
    expect(readPhys8(mem, 0x100000)).to.equal(0xff);
    expect(readPhys16(mem, 0x100010)).to.equal(0xffff);
    expect(mem.bytes.length).to.equal(MiB);
    expect(mem.bytes.every((b) => b === 0), 'RAM untouched').to.equal(true);
  });

  it('a dword write of 0x44332211 at 0xFFFFE stores 11 22 in the last two RAM bytes and drops 33 44', () => {
    const mem = createPhysicalMemory(MiB);
    writePhys32(mem, 0xffffe, 0x44332211);
    expect([mem.bytes[0xffffe], mem.bytes[0xfffff]]).to.deep.equal([0x11, 0x22]);
    expect(mem.bytes[0], 'nothing wrapped to 0').to.equal(0);
  });

  it('rejects a size that is not a positive multiple of 0x1000 with a one-line RangeError', () => {
    for (const size of [0, -4096, 1000, 4096.5, 0x1001]) {
      let caught: unknown;
      try {
        createPhysicalMemory(size);
      } catch (e) {
        caught = e;
      }
      expect(caught, `size ${size}`).to.be.instanceOf(RangeError);
      expect((caught as Error).message).to.include(String(size)).and.not.include('\n');
    }
  });
});

describe('machine/physical-memory: address lines', () => {
  it('i286 (24 lines): a byte write at 0x1000005 lands at 5, and reads at either address see it', () => {
    const m = createMachine({ cpu: 'i286' });
    writePhys8(m.mem, 0x1000005, 0xab);
    expect(m.mem.bytes[5]).to.equal(0xab);
    expect(readPhys8(m.mem, 5)).to.equal(0xab);
    expect(readPhys8(m.mem, 0x1000005)).to.equal(0xab);
    expect(readPhys8(m.mem, 0xff000005 | 0)).to.equal(0xab);
  });

  it('i286: a word write of 0xBEEF at 0xFFFFFF puts 0xEF at 0xFFFFFF and wraps 0xBE to 0', () => {
    const m = createMachine({ cpu: 'i286' });
    writePhys16(m.mem, 0xffffff, 0xbeef);
    expect([m.mem.bytes[0xffffff], m.mem.bytes[0]]).to.deep.equal([0xef, 0xbe]);
    expect(readPhys16(m.mem, 0xffffff)).to.equal(0xbeef);
  });

  it('modern (32 lines), 16 MiB of RAM: the same write at 0x1000005 is above RAM and dropped', () => {
    const m = createMachine({ cpu: 'modern' });
    writePhys8(m.mem, 0x1000005, 0xab);
    expect(m.mem.bytes[5]).to.equal(0);
    expect(readPhys8(m.mem, 0x1000005)).to.equal(0xff);
  });
});

describe('machine/physical-memory: peek, poke and the code-cache hook', () => {
  it('0x2000 bytes of RAM: pokeBytes of 3 bytes at 0x1FFE returns false and writes nothing; at 0x1FFD it returns true', () => {
    const mem = createPhysicalMemory(0x2000);
    expect(pokeBytes(mem, 0x1ffe, [1, 2, 3])).to.equal(false);
    expect([mem.bytes[0x1ffe], mem.bytes[0x1fff]]).to.deep.equal([0, 0]);
    expect(pokeBytes(mem, 0x1ffd, [1, 2, 3])).to.equal(true);
    expect([peek(mem, 0x1ffd), peek(mem, 0x1ffe), peek(mem, 0x1fff), peek(mem, 0x2000)]).to.deep.equal([1, 2, 3, 0xff]);
  });

  it('a CPU write at 0x1234 (code page 1) calls onCodeWrite(1); pokeBytes and writes to pages 0 and 2 do not', () => {
    const mem = createPhysicalMemory(0x4000);
    const calls: number[] = [];
    mem.onCodeWrite = (page) => {
      calls.push(page);
      mem.codePages[page] = 0;
    };
    mem.codePages[1] = 1;
    pokeBytes(mem, 0x1000, [0x90]);
    writePhys8(mem, 0x2000, 0x11);
    writePhys32(mem, 0x0ffc, 0x44332211);
    expect(calls, 'before touching page 1').to.deep.equal([]);
    writePhys16(mem, 0x1234, 0xbeef);
    expect(calls).to.deep.equal([1]);
    expect(readPhys16(mem, 0x1234), 'the write itself still happens').to.equal(0xbeef);
  });
});
