/**
 * A reproducible case (format `xvc-case/1`): everything needed to re-run one failing test on
 * any subject without xvc's suites: the CPU model, the complete initial architectural state
 * (the adapter contract's ArchState, so any emulator author can load it), the guest memory, the
 * program at its address, the run limit, and the expected result as masked checks. The masks
 * come from where the test came from (the corpus's undefined flags, the table's), never from
 * the subject.
 *
 * Models no hardware. A malformed case file is refused with one line naming the file.
 */

import type { CpuModelName } from '../../reference-emulator/index.ts';
import { CPU_MODEL_NAMES } from '../../reference-emulator/index.ts';
import type { ArchState } from '../adapter.ts';

export const CASE_FORMAT = 'xvc-case/1';

/** One masked expectation on a register field: `eax`, `eip`, `eflags`, `cs` (selector), `cr0`... */
export interface RegisterCheck {
  field: CheckField;
  /** Name shown in a diff (`ax` for a 16-bit check of eax). */
  label: string;
  value: number;
  mask: number;
}

export interface MemoryCheck {
  address: number;
  value: number;
  mask: number;
}

export interface CaseExpectation {
  registers: RegisterCheck[];
  memory: MemoryCheck[];
  /** How the run must end: `halt` for the corpus's closing HLT. */
  stop: string;
}

export interface ReproCase {
  format: typeof CASE_FORMAT;
  /** The suite instance and the case within it (corpus hash, property counterexample...). */
  instance: string;
  caseId: string;
  seed?: number;
  /** Where the case comes from, in words (corpus file and test index, property and seed). */
  source: string;
  cpu: CpuModelName;
  memorySize: number;
  /** The code under test: its bytes are also the exported program.bin. */
  program: { address: number; bytes: number[]; bits: 16 | 32 };
  /** Every other initialised byte, as (address, bytes) runs. */
  memory: Array<{ address: number; bytes: number[] }>;
  state: ArchState;
  maxInstructions: number;
  expected: CaseExpectation;
}

export const CHECK_FIELDS = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi', 'eip', 'eflags', 'es', 'cs', 'ss', 'ds', 'fs', 'gs', 'cr0', 'cr2', 'cr3', 'cr4'] as const;
export type CheckField = (typeof CHECK_FIELDS)[number];

export function fieldOf(state: ArchState, field: CheckField): number {
  switch (field) {
    case 'eip':
      return state.eip >>> 0;
    case 'eflags':
      return state.eflags >>> 0;
    case 'es': case 'cs': case 'ss': case 'ds': case 'fs': case 'gs':
      return state.segs[field].sel;
    case 'cr0': case 'cr2': case 'cr3': case 'cr4':
      return state[field] >>> 0;
    default:
      return state.regs[field] >>> 0;
  }
}

export class CaseFormatError extends Error {
  override name = 'CaseFormatError';
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isU32 = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffffffff;
const isByteArray = (v: unknown): v is number[] => Array.isArray(v) && v.every((b) => Number.isInteger(b) && b >= 0 && b <= 0xff);

/** Validates a parsed case; throws CaseFormatError naming the first problem. */
export function parseCase(json: unknown, source: string): ReproCase {
  const bad = (what: string): never => {
    throw new CaseFormatError(`${source}: not an ${CASE_FORMAT} case: ${what}`);
  };
  if (!isObject(json)) return bad('the top level is not an object');
  if (json['format'] !== CASE_FORMAT) return bad(`format is ${JSON.stringify(json['format'])}, expected "${CASE_FORMAT}"`);
  for (const key of ['instance', 'caseId', 'source'] as const) if (typeof json[key] !== 'string') bad(`'${key}' is not a string`);
  if (!CPU_MODEL_NAMES.includes(json['cpu'] as CpuModelName)) bad(`cpu ${JSON.stringify(json['cpu'])} is not one of ${CPU_MODEL_NAMES.join(', ')}`);
  if (!isU32(json['memorySize']) || json['memorySize'] === 0) bad("'memorySize' is not a positive 32-bit number");
  if (!isU32(json['maxInstructions'])) bad("'maxInstructions' is not a 32-bit number");
  const program = json['program'];
  if (!isObject(program) || !isU32(program['address']) || !isByteArray(program['bytes']) || (program['bits'] !== 16 && program['bits'] !== 32)) bad("'program' needs address, bytes (0-255) and bits (16 or 32)");
  const memory = json['memory'];
  if (!Array.isArray(memory) || !memory.every((m) => isObject(m) && isU32(m['address']) && isByteArray(m['bytes']))) bad("'memory' is not a list of {address, bytes}");
  const state = json['state'];
  if (!isObject(state) || !isObject(state['regs']) || !isObject(state['segs']) || !isU32(state['eip']) || !isU32(state['eflags'])) bad("'state' is not an ArchState (regs, segs, eip, eflags...)");
  const expected = json['expected'];
  if (!isObject(expected) || !Array.isArray(expected['registers']) || !Array.isArray(expected['memory']) || typeof expected['stop'] !== 'string') bad("'expected' needs registers, memory and stop");
  const registers = (expected as Json)['registers'] as unknown[];
  for (const r of registers) {
    if (!isObject(r) || !(CHECK_FIELDS as readonly unknown[]).includes(r['field']) || !isU32(r['value']) || !isU32(r['mask'])) bad(`expected register check ${JSON.stringify(r)} is malformed`);
  }
  for (const m of (expected as Json)['memory'] as unknown[]) {
    if (!isObject(m) || !isU32(m['address']) || !isU32(m['value']) || !isU32(m['mask'])) bad(`expected memory check ${JSON.stringify(m)} is malformed`);
  }
  return json as unknown as ReproCase;
}

/** The program as nasm source that assembles to exactly program.bin, with the disassembly beside it. */
export function caseAsm(c: ReproCase, lines: ReadonlyArray<{ bytes: number[]; text: string }>): string {
  const hex = (b: number): string => `0x${b.toString(16).padStart(2, '0')}`;
  const out = [
    `; ${c.instance} case ${c.caseId}`,
    `; ${c.source}`,
    `; cpu ${c.cpu}; initial state and memory in initial-state.json (format ${CASE_FORMAT}).`,
    '; Bytes are given as db so this assembles to exactly program.bin whatever the assembler',
    "; thinks of the encoding; the comment is xvc's disassembly.",
    `bits ${c.program.bits}`,
    '',
  ];
  for (const line of lines) out.push(`    db ${line.bytes.map(hex).join(', ').padEnd(48)} ; ${line.text}`);
  return `${out.join('\n')}\n`;
}
