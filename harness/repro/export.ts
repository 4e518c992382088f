/**
 * Writes a reproducible case as three files anyone can use without xvc's suites:
 * program.bin (the code bytes), program.asm (nasm source assembling to exactly those bytes, with
 * xvc's disassembly beside each instruction) and initial-state.json (the `xvc-case/1` case:
 * CPU model, ArchState, memory and the expected, masked result). Reading them back checks that
 * program.bin still matches the case.
 *
 * Models no hardware.
 */

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CpuFault, cpuModel, decodeBytes, disassemble } from '../../reference-emulator/index.ts';
import { writeAtomic } from '../report/tap-writer.ts';
import { caseAsm, CaseFormatError, parseCase, type ReproCase } from './case.ts';

export const CASE_FILE = 'initial-state.json';
export const PROGRAM_BIN = 'program.bin';
export const PROGRAM_ASM = 'program.asm';

/** Splits the program into instructions with their disassembly; undecodable tails become `db`. */
export function programListing(c: ReproCase): Array<{ bytes: number[]; text: string }> {
  const model = cpuModel(c.cpu);
  const lines: Array<{ bytes: number[]; text: string }> = [];
  let offset = 0;
  const bytes = c.program.bytes;
  while (offset < bytes.length) {
    try {
      const insn = decodeBytes(bytes.slice(offset), { model, code32: c.program.bits === 32 }, c.state.eip + offset);
      lines.push({ bytes: bytes.slice(offset, offset + insn.length), text: disassemble(insn, { code32: c.program.bits === 32 }) });
      offset += insn.length;
    } catch (error) {
      if (!(error instanceof CpuFault)) throw error;
      lines.push({ bytes: bytes.slice(offset), text: `(no complete instruction: decoding raises ${String(error)})` });
      break;
    }
  }
  return lines;
}

export async function exportCase(dir: string, c: ReproCase): Promise<string[]> {
  const paths = [join(dir, PROGRAM_BIN), join(dir, PROGRAM_ASM), join(dir, CASE_FILE)];
  await writeAtomic(paths[0]!, Uint8Array.from(c.program.bytes));
  await writeAtomic(paths[1]!, caseAsm(c, programListing(c)));
  await writeAtomic(paths[2]!, `${JSON.stringify(c, null, 2)}\n`);
  return paths;
}

/** Reads an exported case; program.bin beside it must hold the case's program bytes. */
export async function importCase(casePath: string): Promise<ReproCase> {
  let text: string;
  try {
    text = await readFile(casePath, 'utf8');
  } catch (error) {
    throw new CaseFormatError(`cannot read case ${casePath}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CaseFormatError(`${casePath}: not JSON (${(error as Error).message}); truncated?`);
  }
  const c = parseCase(json, casePath);
  const binPath = join(casePath, '..', PROGRAM_BIN);
  let bin: Buffer | undefined;
  try {
    bin = await readFile(binPath);
  } catch {
    bin = undefined; // the JSON alone is complete; program.bin is a convenience copy
  }
  if (bin && !bin.equals(Buffer.from(c.program.bytes))) throw new CaseFormatError(`${binPath} does not match the program bytes in ${casePath} (edited one without the other?)`);
  return c;
}
