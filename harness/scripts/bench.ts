/**
 * `npm run bench`: the reference interpreter's speed in MIPS (million guest instructions
 * retired per second) on the shared benchmark workload (../shared/bench/README.md).
 *
 * The same image is run at two sizes and the difference in retired instructions is divided by
 * the difference in time, so start-up (decoding, JIT warm-up) drops out. Each pair is measured
 * several times and the median reported. Checksums (EAX at HLT) and instruction counts
 * (7 + 1219*N before the HLT) are verified; a wrong one fails the run. Wall-clock time is used
 * only here, never in any semantics or test.
 */

import '../v8-tuning.ts';
import { run } from '../../reference-emulator/index.ts';
import { loadGuest } from '../exec/guest-image.ts';
import { BENCH_CHECKSUMS, benchImage, checksumProblem, instructionsBeforeHlt, median } from '../bench-workload.ts';

const SMALL = 100_000;
const LARGE = Number(process.env.XVC_BENCH_LARGE ?? 1_000_000);
const REPEATS = Number(process.env.XVC_BENCH_REPEATS ?? 5);

const PEERS: ReadonlyArray<readonly [string, number]> = [
  ['QEMU 7.2 TCG, qemu-system-i386', 1040],
  ['v86 0.5 (npm), wasm JIT', 840],
  ['Unicorn 2.0.1', 130],
  ['Bochs 2.7', 92],
  ['v86 with its JIT disabled', 81],
];

interface Timing {
  instructions: number;
  seconds: number;
}

function runOnce(iterations: number): Timing {
  const image = benchImage(iterations);
  const interp = loadGuest({ image, source: `flat_${iterations}.bin`, loadAddress: 0x1000, entry: 0x1000, mode: 'prot32', cpu: 'modern', memorySize: 1 << 20 });
  const start = process.hrtime.bigint();
  const stop = run(interp, { maxInstructions: 2 ** 52 });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = interp.machine.cpu;
  const expectedInsns = instructionsBeforeHlt(iterations) + 1; // + the HLT itself
  if (stop.kind !== 'halt') throw new Error(`flat_${iterations}: stopped by ${stop.kind}, not HLT`);
  const wrong = checksumProblem(iterations, cpu.r32[0]!);
  if (wrong !== undefined) throw new Error(wrong);
  if (cpu.icount !== expectedInsns) throw new Error(`flat_${iterations}: ${cpu.icount} instructions retired, expected ${expectedInsns}`);
  return { instructions: cpu.icount, seconds };
}

const samples: number[] = [];
runOnce(SMALL); // warm-up: lets V8 optimise the handlers before anything is timed
for (let i = 0; i < REPEATS; i++) {
  const small = runOnce(SMALL);
  const large = runOnce(LARGE);
  const mips = (large.instructions - small.instructions) / (large.seconds - small.seconds) / 1e6;
  samples.push(mips);
  console.log(`run ${i + 1}: N=${SMALL} ${small.seconds.toFixed(3)} s, N=${LARGE} ${large.seconds.toFixed(3)} s -> ${mips.toFixed(1)} MIPS`);
}
const ours = median(samples);
console.log(`checksums and instruction counts verified (N=${SMALL}: ${BENCH_CHECKSUMS[SMALL]?.toString(16)}, N=${LARGE}: ${BENCH_CHECKSUMS[LARGE]?.toString(16)})`);
console.log('');
console.log('engine                                   MIPS (median, two sizes subtracted)');
const rows: Array<readonly [string, number]> = [['xvc reference interpreter (this run)', ours], ...PEERS];
rows.sort((a, b) => b[1] - a[1]);
for (const [name, mips] of rows) console.log(`${name.padEnd(40)} ${mips.toFixed(0).padStart(6)}`);
console.log(`\nbench: interpreter ${ours.toFixed(1)} MIPS (median of ${REPEATS})`);
