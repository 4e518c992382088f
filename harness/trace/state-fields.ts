/**
 * The architectural state of harness/adapter.ts as a flat list of named fields (`eax`,
 * `eflags`, `cs.base`, `gdtr.limit` ...), so a trace can store only the fields a step changed
 * and a comparison can name the one that differs. Also the operating mode a state is in
 * (SDM Vol. 3A, 2.2: CR0.PE, EFLAGS.VM and the code segment's D bit).
 *
 * Models no hardware beyond that mode rule; the field list is the adapter contract's state.
 */

import type { ArchState, SegmentState, TableRegister } from '../adapter.ts';
import { CR0_PE, FLAG_VM, SEGATTR_DB, type CpuMode } from '../../reference-emulator/index.ts';

const GPRS = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi'] as const;
const SEGMENTS = ['es', 'cs', 'ss', 'ds', 'fs', 'gs'] as const;
const SEGMENT_PARTS = ['sel', 'base', 'limit', 'attr'] as const;
const CONTROL = ['cr0', 'cr2', 'cr3', 'cr4', 'efer'] as const;
const TABLES = ['gdtr', 'idtr'] as const;
const TABLE_PARTS = ['base', 'limit'] as const;
const SYSTEM_SEGMENTS = ['ldtr', 'tr'] as const;

/** Every field of ArchState, in the order traces print them. */
export const STATE_FIELDS: readonly string[] = [
  ...GPRS,
  'eip',
  'eflags',
  ...SEGMENTS.flatMap((seg) => SEGMENT_PARTS.map((part) => `${seg}.${part}`)),
  ...CONTROL,
  ...TABLES.flatMap((table) => TABLE_PARTS.map((part) => `${table}.${part}`)),
  ...SYSTEM_SEGMENTS.flatMap((seg) => SEGMENT_PARTS.map((part) => `${seg}.${part}`)),
];

const FIELD_SET: ReadonlySet<string> = new Set(STATE_FIELDS);

export function isStateField(name: string): boolean {
  return FIELD_SET.has(name);
}

/** Field name -> unsigned value. Always holds every field of STATE_FIELDS. */
export type FlatState = Record<string, number>;

export function flattenState(state: ArchState): FlatState {
  const flat: FlatState = {};
  for (const reg of GPRS) flat[reg] = state.regs[reg] >>> 0;
  flat['eip'] = state.eip >>> 0;
  flat['eflags'] = state.eflags >>> 0;
  const putSegment = (name: string, seg: SegmentState): void => {
    for (const part of SEGMENT_PARTS) flat[`${name}.${part}`] = seg[part] >>> 0;
  };
  for (const seg of SEGMENTS) putSegment(seg, state.segs[seg]);
  for (const reg of CONTROL) flat[reg] = state[reg] >>> 0;
  const putTable = (name: string, table: TableRegister): void => {
    for (const part of TABLE_PARTS) flat[`${name}.${part}`] = table[part] >>> 0;
  };
  for (const table of TABLES) putTable(table, state[table]);
  for (const seg of SYSTEM_SEGMENTS) putSegment(seg, state[seg]);
  return flat;
}

export function unflattenState(flat: FlatState): ArchState {
  const get = (name: string): number => {
    const value = flat[name];
    if (value === undefined) throw new Error(`state lacks field '${name}'`);
    return value;
  };
  const segment = (name: string): SegmentState => ({ sel: get(`${name}.sel`), base: get(`${name}.base`), limit: get(`${name}.limit`), attr: get(`${name}.attr`) });
  const table = (name: string): TableRegister => ({ base: get(`${name}.base`), limit: get(`${name}.limit`) });
  return {
    regs: { eax: get('eax'), ecx: get('ecx'), edx: get('edx'), ebx: get('ebx'), esp: get('esp'), ebp: get('ebp'), esi: get('esi'), edi: get('edi') },
    eip: get('eip'),
    eflags: get('eflags'),
    segs: { es: segment('es'), cs: segment('cs'), ss: segment('ss'), ds: segment('ds'), fs: segment('fs'), gs: segment('gs') },
    cr0: get('cr0'),
    cr2: get('cr2'),
    cr3: get('cr3'),
    cr4: get('cr4'),
    efer: get('efer'),
    gdtr: table('gdtr'),
    idtr: table('idtr'),
    ldtr: segment('ldtr'),
    tr: segment('tr'),
  };
}

/** The fields whose values differ between two flat states, in STATE_FIELDS order. */
export function changedFields(before: FlatState, after: FlatState): string[] {
  return STATE_FIELDS.filter((name) => before[name] !== after[name]);
}

/** Selectors and attribute words are 16 bits wide; everything else 32. */
export function fieldDigits(name: string): number {
  return name.endsWith('.sel') || name.endsWith('.attr') ? 4 : 8;
}

export function formatField(name: string, value: number): string {
  return `0x${(value >>> 0).toString(16).padStart(fieldDigits(name), '0')}`;
}

/** The mode the state executes in: real, virtual-8086, or 16/32-bit protected mode by CS.D. */
export function modeOf(state: FlatState): CpuMode {
  if (((state['cr0'] ?? 0) & CR0_PE) === 0) return 'real';
  if ((state['eflags'] ?? 0) & FLAG_VM) return 'v86';
  return (state['cs.attr'] ?? 0) & SEGATTR_DB ? 'prot32' : 'prot16';
}

/** Linear address of CS:EIP (paging is off in every trace so far, so also physical). */
export function linearIp(state: FlatState): number {
  return ((state['cs.base'] ?? 0) + (state['eip'] ?? 0)) >>> 0;
}
