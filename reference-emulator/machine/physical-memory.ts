/**
 * Guest-physical memory: RAM from address 0 up to its size, and open bus above it, where
 * reads return all ones and writes are dropped (what an ISA/PC bus does with no device
 * decoding the address). The address is masked to the CPU model's address lines first
 * (24 on the 286, 32 later; SDM Vol. 3A, 20.1.2 on A20 and address wrap).
 *
 * `peek`/`poke` are side-effect free, for debuggers, loaders and trace dumps; `read`/`write`
 * are what the CPU uses, and a write into a page that holds decoded code tells the code
 * cache (self-modifying code, SDM Vol. 3A, 11.6).
 */

export const PAGE_SHIFT = 12;

export interface PhysicalMemory {
  readonly bytes: Uint8Array;
  /** The same RAM as little-endian dwords, for aligned accesses (x86 is little-endian, as are the hosts Node runs on). */
  readonly dwords: Int32Array;
  readonly size: number;
  /** Mask applied to every physical address: the CPU's address lines. */
  addressMask: number;
  /** One entry per 4 KiB page: non-zero when decoded code was taken from it. */
  readonly codePages: Uint8Array;
  /** Called on the first write into a page marked in `codePages`. */
  onCodeWrite: (page: number) => void;
}

export function createPhysicalMemory(size: number, addressMask = 0xffffffff | 0): PhysicalMemory {
  if (!Number.isInteger(size) || size <= 0 || size % 4096 !== 0) {
    throw new RangeError(`memory size ${size} must be a positive multiple of 4096 bytes`);
  }
  const bytes = new Uint8Array(size);
  return {
    bytes,
    dwords: new Int32Array(bytes.buffer),
    size,
    addressMask,
    codePages: new Uint8Array(size >>> PAGE_SHIFT),
    onCodeWrite: () => {},
  };
}

export function readPhys8(mem: PhysicalMemory, address: number): number {
  const a = (address & mem.addressMask) >>> 0;
  return a < mem.size ? (mem.bytes[a] as number) : 0xff;
}

export function writePhys8(mem: PhysicalMemory, address: number, value: number): void {
  const a = (address & mem.addressMask) >>> 0;
  if (a >= mem.size) return;
  if (mem.codePages[a >>> PAGE_SHIFT] !== 0) mem.onCodeWrite(a >>> PAGE_SHIFT);
  mem.bytes[a] = value;
}

export function readPhys16(mem: PhysicalMemory, address: number): number {
  const a = (address & mem.addressMask) >>> 0;
  if (a + 1 < mem.size && (a & 0xfff) !== 0xfff) {
    const b = mem.bytes;
    return (b[a] as number) | ((b[a + 1] as number) << 8);
  }
  return readPhys8(mem, address) | (readPhys8(mem, address + 1) << 8);
}

export function readPhys32(mem: PhysicalMemory, address: number): number {
  const a = (address & mem.addressMask) >>> 0;
  if ((a & 3) === 0 && a < mem.size) return mem.dwords[a >>> 2]!;
  if (a + 3 < mem.size && (a & 0xfff) <= 0xffc) {
    const b = mem.bytes;
    return (b[a] as number) | ((b[a + 1] as number) << 8) | ((b[a + 2] as number) << 16) | ((b[a + 3] as number) << 24);
  }
  return readPhys16(mem, address) | (readPhys16(mem, address + 2) << 16);
}

export function writePhys16(mem: PhysicalMemory, address: number, value: number): void {
  const a = (address & mem.addressMask) >>> 0;
  if (a + 1 < mem.size && (a & 0xfff) !== 0xfff && mem.codePages[a >>> PAGE_SHIFT] === 0) {
    const b = mem.bytes;
    b[a] = value;
    b[a + 1] = value >>> 8;
    return;
  }
  writePhys8(mem, address, value);
  writePhys8(mem, address + 1, value >>> 8);
}

export function writePhys32(mem: PhysicalMemory, address: number, value: number): void {
  const a = (address & mem.addressMask) >>> 0;
  if ((a & 3) === 0 && a < mem.size && mem.codePages[a >>> PAGE_SHIFT] === 0) {
    mem.dwords[a >>> 2] = value;
    return;
  }
  if (a + 3 < mem.size && (a & 0xfff) <= 0xffc && mem.codePages[a >>> PAGE_SHIFT] === 0) {
    const b = mem.bytes;
    b[a] = value;
    b[a + 1] = value >>> 8;
    b[a + 2] = value >>> 16;
    b[a + 3] = value >>> 24;
    return;
  }
  writePhys16(mem, address, value);
  writePhys16(mem, address + 2, value >>> 16);
}

/** Side-effect-free byte read for tools: no code-cache notification, open bus reads 0xFF. */
export function peek(mem: PhysicalMemory, address: number): number {
  const a = address >>> 0;
  return a < mem.size ? (mem.bytes[a] as number) : 0xff;
}

/** Side-effect-free write for loaders; returns false (and writes nothing) outside RAM. */
export function pokeBytes(mem: PhysicalMemory, address: number, data: ArrayLike<number>): boolean {
  const a = address >>> 0;
  if (a + data.length > mem.size) return false;
  mem.bytes.set(data, a);
  return true;
}
