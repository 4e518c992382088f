/**
 * Unicorn's speed on the shared benchmark (../shared/bench/README.md), through the unicorn
 * subject: flat_N.bin loaded at guest-physical 0x1000 in flat 32-bit protected mode (1 MiB of
 * RAM, paging off), run to HLT, checksum in EAX, 7 + 1219 * N instructions. Two sizes are timed
 * and the difference in instructions is divided by the difference in seconds, so start-up and
 * translation cost cancel; each size is timed three times and the median taken.
 *
 *   npx tsx harness/adapters/unicorn/bench.ts            # uc_emu_start without a count (full speed)
 *   npx tsx harness/adapters/unicorn/bench.ts --counted  # the subject's default: exact instruction limit
 *
 * MIPS is given against wall time and against this process's CPU time: on a shared 2-core
 * machine the second is the steadier figure. Before timing, the N=1 image is run with an exact
 * limit of 7 + 1219 + 1 instructions (the HLT included: halt) and one fewer (limit), which
 * checks the instruction count the figure divides by.
 */

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Subject } from '../../adapter.ts';
import { flat32Setup } from '../../state/initial-state.ts';
import { createUnicornSubject } from './subject.ts';

const BENCH_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../../../shared/bench');
const LOAD_ADDRESS = 0x1000;
const MEMORY_SIZE = 1 << 20;
const RUNS_PER_SIZE = 3;
/** Checksums from the benchmark README. */
const CHECKSUMS: Record<number, number> = { 1: 0x6df40bf6, 100000: 0xa3ec9110, 400000: 0xdb2e5489, 1000000: 0xca0b4049 };
const instructionsFor = (iterations: number): number => 7 + 1219 * iterations;

interface Timing {
  wallSeconds: number;
  cpuSeconds: number;
}

async function loadImage(subject: Subject, iterations: number): Promise<void> {
  const image = readFileSync(join(BENCH_DIR, `flat_${iterations}.bin`));
  const setup = flat32Setup({ eip: LOAD_ADDRESS });
  await subject.reset({ cpu: 'modern', memorySize: MEMORY_SIZE });
  for (const m of setup.memory) await subject.writeMemory(m.address, m.bytes);
  await subject.writeMemory(LOAD_ADDRESS, new Uint8Array(image));
  await subject.setState(setup.state);
}

async function timeOnce(subject: Subject, iterations: number): Promise<Timing> {
  await loadImage(subject, iterations);
  const wallStart = performance.now();
  const cpuStart = process.cpuUsage();
  const stop = await subject.run({ maxInstructions: instructionsFor(iterations) + 1 });
  const cpu = process.cpuUsage(cpuStart);
  const wallSeconds = (performance.now() - wallStart) / 1000;
  const eax = (await subject.getState()).regs.eax;
  if (stop.kind !== 'halt') throw new Error(`flat_${iterations}.bin stopped with ${stop.kind}, not at HLT`);
  if (eax !== CHECKSUMS[iterations]) throw new Error(`flat_${iterations}.bin checksum 0x${eax.toString(16)}, expected 0x${CHECKSUMS[iterations]!.toString(16)}`);
  return { wallSeconds, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function checkInstructionCount(): Promise<void> {
  const subject = createUnicornSubject();
  // 7 + 1219 instructions retire before the HLT, which is one more.
  const exact = instructionsFor(1) + 1;
  for (const [budget, expected] of [[exact, 'halt'], [exact - 1, 'limit']] as const) {
    await loadImage(subject, 1);
    const stop = await subject.run({ maxInstructions: budget });
    if (stop.kind !== expected) throw new Error(`flat_1.bin with a limit of ${budget} stopped with ${stop.kind}, expected ${expected}`);
  }
  await subject.close();
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { counted: { type: 'boolean', default: false }, small: { type: 'string', default: '100000' }, large: { type: 'string', default: '1000000' } } });
  const sizes = [Number(values.small), Number(values.large)];
  for (const n of sizes) if (CHECKSUMS[n] === undefined) throw new Error(`no flat_${n}.bin checksum known (sizes: ${Object.keys(CHECKSUMS).join(', ')})`);
  await checkInstructionCount();
  const subject = createUnicornSubject({ instructionLimit: values.counted ? 'exact' : 'none' });
  const medians: Timing[] = [];
  for (const n of sizes) {
    const runs: Timing[] = [];
    for (let k = 0; k < RUNS_PER_SIZE; k++) runs.push(await timeOnce(subject, n));
    const timing = { wallSeconds: median(runs.map((r) => r.wallSeconds)), cpuSeconds: median(runs.map((r) => r.cpuSeconds)) };
    medians.push(timing);
    console.log(`flat_${n}: ${instructionsFor(n)} instructions, median wall ${timing.wallSeconds.toFixed(3)} s, cpu ${timing.cpuSeconds.toFixed(3)} s`);
  }
  await subject.close();
  const instructions = instructionsFor(sizes[1]!) - instructionsFor(sizes[0]!);
  const wallMips = instructions / (medians[1]!.wallSeconds - medians[0]!.wallSeconds) / 1e6;
  const cpuMips = instructions / (medians[1]!.cpuSeconds - medians[0]!.cpuSeconds) / 1e6;
  const mode = values.counted ? 'counted (exact instruction limit)' : 'uncounted (uc_emu_start without a count)';
  console.log(`unicorn ${mode}: ${wallMips.toFixed(1)} MIPS wall, ${cpuMips.toFixed(1)} MIPS cpu (sizes ${sizes[0]} and ${sizes[1]} subtracted, median of ${RUNS_PER_SIZE})`);
}

main().catch((error: unknown) => {
  process.stderr.write(`unicorn bench: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
