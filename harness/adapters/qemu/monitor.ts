/**
 * Parsers for QEMU human-monitor output the gdbstub cannot give: `info registers` (segment
 * descriptor caches, GDTR, IDTR, LDTR, TR, the halted flag), `gva2gpa` and `info mem`.
 * Models no hardware; the text formats are QEMU 7.2's (target/i386/cpu-dump.c x86_cpu_dump_state,
 * target/i386/monitor.c), checked against its output.
 *
 * A segment line reads `CS =0008 00000000 ffffffff 00cf9b00 ...`: selector, base, expanded limit
 * and QEMU's `flags`, which is the descriptor's whole high dword as last loaded, so it also carries
 * base bits 16-31 and limit bits 16-19. The attribute bits an ArchState keeps (SDM Vol. 3A,
 * 3.4.5, Figure 3-8: type, S, DPL, P in bits 8-15; AVL, L, D/B, G in bits 20-23) are
 * `(flags >> 8) & 0xf0ff`.
 */

import type { ArchState, SegmentState, TableRegister } from '../../adapter.ts';

export class MonitorParseError extends Error {
  override name = 'MonitorParseError';
}

/** The high-dword bits of QEMU's `flags` that are attributes, as an ArchState `attr` keeps them. */
export const ATTR_MASK = 0xf0ff;

export function attrFromQemuFlags(flags: number): number {
  return (flags >>> 8) & ATTR_MASK;
}

export interface MonitorRegisters {
  eax: number; ebx: number; ecx: number; edx: number; esi: number; edi: number; ebp: number; esp: number;
  eip: number;
  eflags: number;
  cpl: number;
  halted: boolean;
  segs: { es: SegmentState; cs: SegmentState; ss: SegmentState; ds: SegmentState; fs: SegmentState; gs: SegmentState };
  ldtr: SegmentState;
  tr: SegmentState;
  gdtr: TableRegister;
  idtr: TableRegister;
  cr0: number; cr2: number; cr3: number; cr4: number;
  efer: number;
}

const hex = (text: string): number => Number.parseInt(text, 16) >>> 0;

function field(text: string, name: string): number {
  // Names are followed by '=' and hex digits; a lookbehind keeps "EAX" from matching "XEAX".
  const match = new RegExp(`(?:^|[^A-Z0-9])${name}=([0-9a-fA-F]+)`).exec(text);
  if (!match) throw new MonitorParseError(`'info registers' output has no ${name}=`);
  return hex(match[1]!);
}

function segmentLine(text: string, name: string): SegmentState {
  const match = new RegExp(`^${name}\\s*=([0-9a-f]{4}) ([0-9a-f]{8,16}) ([0-9a-f]{8}) ([0-9a-f]{8})`, 'm').exec(text);
  if (!match) throw new MonitorParseError(`'info registers' output has no ${name} segment line`);
  return { sel: hex(match[1]!), base: hex(match[2]!.slice(-8)), limit: hex(match[3]!), attr: attrFromQemuFlags(hex(match[4]!)) };
}

function tableLine(text: string, name: string): TableRegister {
  const match = new RegExp(`^${name}=\\s+([0-9a-f]{8,16}) ([0-9a-f]{8})`, 'm').exec(text);
  if (!match) throw new MonitorParseError(`'info registers' output has no ${name}= line`);
  return { base: hex(match[1]!.slice(-8)), limit: hex(match[2]!) };
}

/** Parses `info registers` for one 32-bit CPU. */
export function parseInfoRegisters(text: string): MonitorRegisters {
  const efer = /EFER=([0-9a-fA-F]+)/.exec(text);
  if (!efer) throw new MonitorParseError(`'info registers' output has no EFER=`);
  const halted = /HLT=([01])/.exec(text);
  if (!halted) throw new MonitorParseError(`'info registers' output has no HLT=`);
  return {
    eax: field(text, 'EAX'), ebx: field(text, 'EBX'), ecx: field(text, 'ECX'), edx: field(text, 'EDX'),
    esi: field(text, 'ESI'), edi: field(text, 'EDI'), ebp: field(text, 'EBP'), esp: field(text, 'ESP'),
    eip: field(text, 'EIP'),
    eflags: field(text, 'EFL'),
    cpl: field(text, 'CPL'),
    halted: halted[1] === '1',
    segs: {
      es: segmentLine(text, 'ES'), cs: segmentLine(text, 'CS'), ss: segmentLine(text, 'SS'),
      ds: segmentLine(text, 'DS'), fs: segmentLine(text, 'FS'), gs: segmentLine(text, 'GS'),
    },
    ldtr: segmentLine(text, 'LDT'),
    tr: segmentLine(text, 'TR'),
    gdtr: tableLine(text, 'GDT'),
    idtr: tableLine(text, 'IDT'),
    cr0: field(text, 'CR0'), cr2: field(text, 'CR2'), cr3: field(text, 'CR3'), cr4: field(text, 'CR4'),
    // EFER prints as 16 digits; the architectural register is 64-bit, ArchState keeps the low half.
    efer: hex(efer[1]!.slice(-8)),
  };
}

/** `gva2gpa ADDR`: the physical address, or null when QEMU says the address is unmapped. */
export function parseGva2gpa(text: string): number | null {
  if (/unmapped/i.test(text)) return null;
  const match = /gpa:\s*0x([0-9a-fA-F]+)/.exec(text);
  if (!match) throw new MonitorParseError(`unexpected 'gva2gpa' output: ${text.trim().slice(0, 80)}`);
  return Number.parseInt(match[1]!, 16);
}

export interface MemRange {
  start: number;
  /** Exclusive; 2^32 for a range that reaches the top. */
  end: number;
  user: boolean;
  writable: boolean;
}

/**
 * `info mem` for 32-bit and PAE paging: one line per run of pages with the same effective rights,
 * `start-end size [u-][r-][w-]` (the rights combined over every level of the walk). Paging off
 * prints "PG disabled" and gives no ranges.
 */
export function parseInfoMem(text: string): MemRange[] {
  const ranges: MemRange[] = [];
  for (const line of text.split('\n')) {
    const match = /^([0-9a-f]+)-([0-9a-f]+) [0-9a-f]+ ([u-])([r-])([w-])/.exec(line.trim());
    if (!match) continue;
    const end = Number.parseInt(match[2]!, 16);
    ranges.push({ start: Number.parseInt(match[1]!, 16), end: end === 0 ? 2 ** 32 : end, user: match[3] === 'u', writable: match[5] === 'w' });
  }
  return ranges;
}

/** The contract's ArchState from what the monitor shows. */
export function archStateFromMonitor(m: MonitorRegisters): ArchState {
  return {
    regs: { eax: m.eax, ecx: m.ecx, edx: m.edx, ebx: m.ebx, esp: m.esp, ebp: m.ebp, esi: m.esi, edi: m.edi },
    eip: m.eip,
    eflags: m.eflags,
    segs: { es: { ...m.segs.es }, cs: { ...m.segs.cs }, ss: { ...m.segs.ss }, ds: { ...m.segs.ds }, fs: { ...m.segs.fs }, gs: { ...m.segs.gs } },
    cr0: m.cr0, cr2: m.cr2, cr3: m.cr3, cr4: m.cr4, efer: m.efer,
    gdtr: { ...m.gdtr },
    idtr: { ...m.idtr },
    ldtr: { ...m.ldtr },
    tr: { ...m.tr },
  };
}
