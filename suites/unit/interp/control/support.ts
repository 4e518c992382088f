// Small builders shared by the control-group tests: little-endian bytes and GDT descriptors.

/** Little-endian bytes of a 16-bit value. */
export function le16(value: number): number[] {
  return [value & 0xff, (value >>> 8) & 0xff];
}

/** Little-endian bytes of a 32-bit value. */
export function le32(value: number): number[] {
  return [value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff];
}

/**
 * An 8-byte segment descriptor (SDM Vol. 3A, 3.4.5, Figure 3-8): `access` is the byte with P, DPL,
 * S and the type (0x9A: present ring-0 execute/read code; 0x92: present ring-0 read/write data);
 * `flags` the nibble with G and D/B (0x4: 32-bit, byte-granular).
 */
export function descriptor(base: number, limit: number, access: number, flags: number): number[] {
  return [
    limit & 0xff,
    (limit >>> 8) & 0xff,
    base & 0xff,
    (base >>> 8) & 0xff,
    (base >>> 16) & 0xff,
    access & 0xff,
    ((flags & 0xf) << 4) | ((limit >>> 16) & 0xf),
    (base >>> 24) & 0xff,
  ];
}

/** A 386 call gate (SDM Vol. 3A, 5.8.3, Figure 5-8): type 0xC, present, DPL 0. */
export function callGate(selector: number, offset: number): number[] {
  return [offset & 0xff, (offset >>> 8) & 0xff, selector & 0xff, (selector >>> 8) & 0xff, 0, 0x8c, (offset >>> 16) & 0xff, (offset >>> 24) & 0xff];
}

/** Hex for test titles. */
export function hex(value: number, digits = 4): string {
  return `0x${(value >>> 0).toString(16).padStart(digits, '0')}`;
}

/**
 * The GDT the protected-mode tests use, at physical 0 (where the runner's GDTR points, limit
 * 0xFFFF). Selectors:
 * - 0x08 flat 32-bit code, 0x10 flat data (what the runner's flat caches stand for);
 * - 0x18 32-bit code, base 0x40000, limit 0xFFF; 0x20 16-bit code, base 0x50000, limit 0xFFFF;
 * - 0x28 data (not code); 0x30 code, not present; 0x38 a call gate to 0x18:0x10;
 * - 0x40 code with DPL 3; 0x48 conforming code, DPL 0, base 0x40000; 0x50 conforming code, DPL 3.
 */
export const SEL_CODE32 = 0x18;
export const SEL_CODE16 = 0x20;
export const SEL_DATA = 0x28;
export const SEL_NOT_PRESENT = 0x30;
export const SEL_CALL_GATE = 0x38;
export const SEL_DPL3 = 0x40;
export const SEL_CONFORMING0 = 0x48;
export const SEL_CONFORMING3 = 0x50;
export const CODE32_BASE = 0x40000;
export const CODE16_BASE = 0x50000;

export const TEST_GDT: readonly [number, readonly number[]] = [
  0,
  [
    ...descriptor(0, 0, 0, 0),
    ...descriptor(0, 0xfffff, 0x9a, 0xc),
    ...descriptor(0, 0xfffff, 0x92, 0xc),
    ...descriptor(CODE32_BASE, 0xfff, 0x9a, 0x4),
    ...descriptor(CODE16_BASE, 0xffff, 0x9a, 0x0),
    ...descriptor(0, 0xfffff, 0x92, 0xc),
    ...descriptor(CODE32_BASE, 0xfff, 0x1a, 0x4),
    ...callGate(SEL_CODE32, 0x10),
    ...descriptor(CODE32_BASE, 0xfff, 0xfa, 0x4),
    ...descriptor(CODE32_BASE, 0xfff, 0x9e, 0x4),
    ...descriptor(CODE32_BASE, 0xfff, 0xfe, 0x4),
  ],
];
