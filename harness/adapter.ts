/**
 * The adapter contract: what any emulator must offer to be a subject of xvc suites
 * (DESIGN.md, "The adapter contract"). Every method takes and returns plain, serialisable
 * data and a promise, so the same contract can be carried over JSON lines to an out-of-process
 * subject written in any language.
 *
 * Undefined-flag masks are not the subject's concern: they come from the instruction table and
 * from corpus metadata, and one comparator applies them.
 */

import type { CpuModelName, CpuMode, StopReason } from '../reference-emulator/index.ts';

export interface SegmentState {
  sel: number;
  base: number;
  limit: number;
  /** Descriptor attribute bits as in a descriptor's high dword >> 8 (type, S, DPL, P, AVL, L, D/B, G). */
  attr: number;
}

export interface TableRegister {
  base: number;
  limit: number;
}

/** The full architectural state a suite can set and read. All values unsigned. */
export interface ArchState {
  regs: { eax: number; ecx: number; edx: number; ebx: number; esp: number; ebp: number; esi: number; edi: number };
  eip: number;
  eflags: number;
  segs: { es: SegmentState; cs: SegmentState; ss: SegmentState; ds: SegmentState; fs: SegmentState; gs: SegmentState };
  cr0: number;
  cr2: number;
  cr3: number;
  cr4: number;
  efer: number;
  gdtr: TableRegister;
  idtr: TableRegister;
  ldtr: SegmentState;
  tr: SegmentState;
}

export interface SubjectCapabilities {
  modes: CpuMode[];
  cpuModels: CpuModelName[];
  paging: Array<'none' | '32bit' | 'pse' | 'pae'>;
  singleStep: boolean;
  translate: boolean;
  snapshot: boolean;
}

export interface RunLimits {
  maxInstructions: number;
  /** Stop at the first exception instead of delivering it through the guest's IVT/IDT. */
  stopOnException?: boolean;
  /**
   * Linear addresses to stop at before executing the instruction there (the instruction at the
   * starting EIP never stops the run, so a run can resume from a breakpoint).
   */
  breakpoints?: number[];
}

/** What a subject's MMU makes of one linear address (`translate`). */
export interface Translation {
  /** The guest-physical address, or null when the walk faults (page not present, for example). */
  physical: number | null;
  /** Access rights of the final mapping, when the walk succeeds. */
  writable?: boolean;
  user?: boolean;
}

export interface SubjectConfig {
  cpu: CpuModelName;
  memorySize: number;
}

export interface Subject {
  readonly name: string;
  readonly capabilities: SubjectCapabilities;
  /** Known, declared behaviours that differ from the SDM (shown in reports, never normalised). */
  readonly quirks: readonly string[];
  reset(config: SubjectConfig): Promise<void>;
  writeMemory(address: number, bytes: Uint8Array): Promise<void>;
  readMemory(address: number, length: number): Promise<Uint8Array>;
  setState(state: ArchState): Promise<void>;
  getState(): Promise<ArchState>;
  run(limits: RunLimits): Promise<StopReason>;
  /** Optional (capability `translate`): a linear address through the subject's MMU. */
  translate?(linear: number): Promise<Translation>;
  /**
   * Optional (capability `snapshot`): the whole machine as an opaque blob that `restore` of a
   * subject of the same adapter takes back. The blob's format is the adapter's own.
   */
  snapshot?(): Promise<Uint8Array>;
  restore?(blob: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

export type SubjectFactory = () => Promise<Subject>;
