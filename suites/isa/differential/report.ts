/**
 * What a divergence looks like to a reader: the program as disassembly (one line per instruction,
 * with its address and bytes; set-up moves marked), and the fields where the two final states
 * differ, with the EFLAGS bits that were masked.
 *
 * Models no hardware.
 */

import { lineText, type Program } from './assemble.ts';
import type { FieldDifference } from './compare.ts';
import { flagNames } from './flags.ts';

const hex = (value: number, digits: number): string => (value >>> 0).toString(16).padStart(digits, '0');

/** The program, one line per instruction: address, bytes, disassembly; set-up moves marked. */
export function programListing(program: Program): string[] {
  const digits = program.mode === 'real' ? 4 : 8;
  return program.lines.map((line) => {
    const bytes = Array.from(line.bytes, (b) => hex(b, 2)).join(' ');
    const note = line.role === 'setup' ? '  ; set-up' : '';
    return `${hex(line.eip, digits)}  ${bytes.padEnd(24)} ${lineText(line, program.mode)}${note}`;
  });
}

/** The forms of the generated instructions and the fields that differ: what a divergence is, whatever the seed. */
export function divergenceSignature(program: Program, differences: readonly FieldDifference[]): string {
  const forms = program.lines.filter((l) => l.role === 'instruction').map((l) => l.form.id);
  return `${forms.join(' ')}: ${[...new Set(differences.map((d) => d.field))].join(' ')}`;
}

/** How many generated instructions (not set-up moves, not the HLT) the program has. */
export const instructionCount = (program: Program): number => program.lines.filter((l) => l.role === 'instruction').length;

const MAX_BYTE_LINES = 12;

/** The differing fields as aligned lines; EFLAGS shows flag names and what was masked. */
export function differenceLines(differences: readonly FieldDifference[], undefinedFlags: number, names: { oracle: string; subject: string }): string[] {
  const flagged = (text: string): string => `${text} [${flagNames(parseInt(text, 16))}]`;
  const rows = differences.map((d) => (d.field === 'eflags' ? { ...d, oracle: flagged(d.oracle), subject: flagged(d.subject) } : d));
  const bytes = rows.filter((r) => r.field.startsWith('['));
  const shown = [...rows.filter((r) => !r.field.startsWith('[')), ...bytes.slice(0, MAX_BYTE_LINES)];
  const width = Math.max(...shown.map((r) => r.oracle.length), names.oracle.length + 9);
  const lines = [`${'field'.padEnd(9)} ${`oracle (${names.oracle})`.padEnd(width)}  subject (${names.subject})`];
  for (const r of shown) lines.push(`${r.field.padEnd(9)} ${r.oracle.padEnd(width)}  ${r.subject}`);
  if (bytes.length > MAX_BYTE_LINES) lines.push(`... and ${bytes.length - MAX_BYTE_LINES} more differing bytes`);
  if (undefinedFlags !== 0) lines.push(`(EFLAGS bits undefined at the end, not compared: ${flagNames(undefinedFlags)})`);
  return lines;
}
