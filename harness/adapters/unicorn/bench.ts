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

import { parseArgs } from 'node:util';
import type { Subject } from '../../adapter.ts';
import { flat32Setup, loadProgram } from '../../state/initial-state.ts';
import { createUnicornSubject } from './subject.ts';
import { benchImage, checksumProblem, instructionsBeforeHlt, median } from '../../bench-workload.ts';

const LOAD_ADDRESS = 0x1000;
const MEMORY_SIZE = 1 << 20;
const RUNS_PER_SIZE = 3;

interface Timing {
  wallSeconds: number;
  cpuSeconds: number;
}

async function loadImage(subject: Subject, iterations: number): Promise<void> {
  await loadProgram(subject, { cpu: 'modern', memorySize: MEMORY_SIZE }, flat32Setup({ eip: LOAD_ADDRESS }), LOAD_ADDRESS, benchImage(iterations));
}

async function timeOnce(subject: Subject, iterations: number): Promise<Timing> {
  await loadImage(subject, iterations);
  const wallStart = performance.now();
  const cpuStart = process.cpuUsage();
  const stop = await subject.run({ maxInstructions: instructionsBeforeHlt(iterations) + 1 });
  const cpu = process.cpuUsage(cpuStart);
  const wallSeconds = (performance.now() - wallStart) / 1000;
  const eax = (await subject.getState()).regs.eax;
  if (stop.kind !== 'halt') throw new Error(`flat_${iterations}.bin stopped with ${stop.kind}, not at HLT`);
  const wrong = checksumProblem(iterations, eax);
  if (wrong !== undefined) throw new Error(wrong);
  return { wallSeconds, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

async function checkInstructionCount(): Promise<void> {
  const subject = createUnicornSubject();
  // 7 + 1219 instructions retire before the HLT, which is one more.
  const exact = instructionsBeforeHlt(1) + 1;
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
  for (const n of sizes) benchImage(n); // a size with no image or checksum stops here, before any timing
  await checkInstructionCount();
  const subject = createUnicornSubject({ instructionLimit: values.counted ? 'exact' : 'none' });
  const medians: Timing[] = [];
  for (const n of sizes) {
    const runs: Timing[] = [];
    for (let k = 0; k < RUNS_PER_SIZE; k++) runs.push(await timeOnce(subject, n));
    const timing = { wallSeconds: median(runs.map((r) => r.wallSeconds)), cpuSeconds: median(runs.map((r) => r.cpuSeconds)) };
    medians.push(timing);
    console.log(`flat_${n}: ${instructionsBeforeHlt(n)} instructions, median wall ${timing.wallSeconds.toFixed(3)} s, cpu ${timing.cpuSeconds.toFixed(3)} s`);
  }
  await subject.close();
  const instructions = instructionsBeforeHlt(sizes[1]!) - instructionsBeforeHlt(sizes[0]!);
  const wallMips = instructions / (medians[1]!.wallSeconds - medians[0]!.wallSeconds) / 1e6;
  const cpuMips = instructions / (medians[1]!.cpuSeconds - medians[0]!.cpuSeconds) / 1e6;
  const mode = values.counted ? 'counted (exact instruction limit)' : 'uncounted (uc_emu_start without a count)';
  console.log(`unicorn ${mode}: ${wallMips.toFixed(1)} MIPS wall, ${cpuMips.toFixed(1)} MIPS cpu (sizes ${sizes[0]} and ${sizes[1]} subtracted, median of ${RUNS_PER_SIZE})`);
}

main().catch((error: unknown) => {
  process.stderr.write(`unicorn bench: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
