/**
 * Legacy instruction prefixes (SDM Vol. 2A, 2.1.1 "Instruction Prefixes"), one record each so a
 * CPU model can refuse the ones it lacks: the 286 has no FS/GS override and no operand- or
 * address-size prefix, and there those bytes are undefined opcodes (#UD).
 */

import type { PrefixRecord } from './schema.ts';

export const PREFIXES = [
  { id: 'Prefix_ES', byte: 0x26, kind: 'segment', segment: 0, since: 'i8086' },
  { id: 'Prefix_CS', byte: 0x2e, kind: 'segment', segment: 1, since: 'i8086' },
  { id: 'Prefix_SS', byte: 0x36, kind: 'segment', segment: 2, since: 'i8086' },
  { id: 'Prefix_DS', byte: 0x3e, kind: 'segment', segment: 3, since: 'i8086' },
  { id: 'Prefix_FS', byte: 0x64, kind: 'segment', segment: 4, since: 'i386' },
  { id: 'Prefix_GS', byte: 0x65, kind: 'segment', segment: 5, since: 'i386' },
  { id: 'Prefix_OperandSize', byte: 0x66, kind: 'operand-size', since: 'i386' },
  { id: 'Prefix_AddressSize', byte: 0x67, kind: 'address-size', since: 'i386' },
  { id: 'Prefix_LOCK', byte: 0xf0, kind: 'lock', since: 'i8086' },
  { id: 'Prefix_REPNE', byte: 0xf2, kind: 'repne', since: 'i8086' },
  { id: 'Prefix_REP', byte: 0xf3, kind: 'rep', since: 'i8086' },
] as const satisfies readonly PrefixRecord[];

/** Prefix record by byte value, or undefined. */
export const PREFIX_BY_BYTE: ReadonlyMap<number, PrefixRecord> = new Map(PREFIXES.map((p) => [p.byte, p]));
