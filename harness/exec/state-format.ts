/**
 * The architectural state as plain JSON-ready data and as text, shared by `xvc exec`, traces
 * and reports. Values are unsigned numbers; text shows them in hex.
 */

import {
  FORMS,
  getFlags,
  REG32_NAMES,
  SEG_NAMES,
  type CpuState,
  type FormRecord,
  type StopReason,
  VECTOR_MNEMONICS,
} from '../../reference-emulator/index.ts';

export interface StateSnapshot {
  regs: Record<string, number>;
  eip: number;
  eflags: number;
  segs: Record<string, { sel: number; base: number; limit: number; attr: number }>;
  cr0: number;
  cr2: number;
  cr3: number;
  cr4: number;
  icount: number;
}

export function snapshotState(cpu: CpuState): StateSnapshot {
  const regs: Record<string, number> = {};
  REG32_NAMES.forEach((name, index) => {
    regs[name] = cpu.r32[index]! >>> 0;
  });
  const segs: StateSnapshot['segs'] = {};
  SEG_NAMES.forEach((name, index) => {
    segs[name] = { sel: cpu.segSel[index]!, base: cpu.segBase[index]! >>> 0, limit: cpu.segLimit[index]!, attr: cpu.segAttr[index]! };
  });
  return { regs, eip: cpu.eip >>> 0, eflags: getFlags(cpu) >>> 0, segs, cr0: cpu.cr0 >>> 0, cr2: cpu.cr2 >>> 0, cr3: cpu.cr3 >>> 0, cr4: cpu.cr4 >>> 0, icount: cpu.icount };
}

const hex = (value: number, digits: number): string => (value >>> 0).toString(16).padStart(digits, '0');

const FLAG_NAMES: ReadonlyArray<readonly [number, string]> = [
  [0x800, 'OF'], [0x400, 'DF'], [0x200, 'IF'], [0x100, 'TF'], [0x80, 'SF'], [0x40, 'ZF'], [0x10, 'AF'], [0x4, 'PF'], [0x1, 'CF'],
];

export function flagNames(eflags: number): string {
  return FLAG_NAMES.filter(([bit]) => eflags & bit).map(([, name]) => name).join(' ') || '-';
}

export function formatState(state: StateSnapshot): string {
  const r = state.regs;
  const lines = [
    `eax=${hex(r.eax!, 8)} ebx=${hex(r.ebx!, 8)} ecx=${hex(r.ecx!, 8)} edx=${hex(r.edx!, 8)}`,
    `esi=${hex(r.esi!, 8)} edi=${hex(r.edi!, 8)} ebp=${hex(r.ebp!, 8)} esp=${hex(r.esp!, 8)}`,
    `eip=${hex(state.eip, 8)} eflags=${hex(state.eflags, 8)} [${flagNames(state.eflags)}]`,
    SEG_NAMES.map((name) => `${name}=${hex(state.segs[name]!.sel, 4)}`).join(' '),
    `cr0=${hex(state.cr0, 8)} cr2=${hex(state.cr2, 8)} cr3=${hex(state.cr3, 8)} cr4=${hex(state.cr4, 8)}`,
  ];
  return lines.join('\n');
}

export function describeStop(stop: StopReason): string {
  switch (stop.kind) {
    case 'limit': return 'instruction limit reached';
    case 'halt': return 'HLT';
    case 'exit-port': return `debug-exit port, status ${stop.status}`;
    case 'breakpoint': return `breakpoint at 0x${hex(stop.eip, 8)}`;
    case 'shutdown': return `shutdown: ${stop.detail}`;
    case 'exception': {
      const name = VECTOR_MNEMONICS[stop.vector] ?? `vector ${stop.vector}`;
      return stop.errorCode === undefined ? `exception ${name}` : `exception ${name} error code 0x${stop.errorCode.toString(16)}`;
    }
  }
}

export function formOf(index: number): FormRecord {
  return FORMS[index] as FormRecord;
}
