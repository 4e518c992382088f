/**
 * The shared speed workload (../shared/bench/README.md), as every benchmark reads it: where the
 * flat_N.bin images are (XVC_BENCH_DIR overrides), the checksum each leaves in EAX at its HLT, and
 * how many instructions retire before that HLT (7 + 1219 * N). `npm run bench` and the qemu,
 * unicorn and v86 bench scripts check their runs against these, so a peer figure is only ever
 * reported for a run that computed the right answer.
 *
 * Models no hardware.
 */

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = process.env['XVC_BENCH_DIR'] ?? fileURLToPath(new URL('../../shared/bench/', import.meta.url));

/** EAX at the HLT of flat_N.bin, by N (the README's table). */
export const BENCH_CHECKSUMS: Readonly<Record<number, number>> = { 1: 0x6df40bf6, 100000: 0xa3ec9110, 400000: 0xdb2e5489, 1000000: 0xca0b4049 };

/** Instructions retired before the HLT of flat_N.bin (the HLT itself not counted). */
export const instructionsBeforeHlt = (iterations: number): number => 7 + 1219 * iterations;

/** The bytes of flat_N.bin; a missing image or an N with no known checksum is an error naming it. */
export function benchImage(iterations: number): Uint8Array {
  if (BENCH_CHECKSUMS[iterations] === undefined) throw new Error(`no flat_${iterations}.bin checksum known (sizes: ${Object.keys(BENCH_CHECKSUMS).join(', ')})`);
  const path = join(BENCH_DIR, `flat_${iterations}.bin`);
  if (!existsSync(path)) throw new Error(`benchmark image ${path} not found (set XVC_BENCH_DIR)`);
  return new Uint8Array(readFileSync(path));
}

/** Why EAX is not flat_N.bin's checksum, or undefined when it is. */
export function checksumProblem(iterations: number, eax: number): string | undefined {
  const expected = BENCH_CHECKSUMS[iterations];
  return (eax >>> 0) === expected ? undefined : `flat_${iterations}.bin: checksum 0x${(eax >>> 0).toString(16)}, expected 0x${expected?.toString(16)}`;
}

/**
 * The middle of a set of timings (the upper middle for an even count), which one run slowed by
 * other load on the machine does not move, as a mean would.
 */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
