/**
 * v86's speed on the shared benchmark workload (../shared/bench/README.md), to calibrate this
 * machine against the peer table there (v86 0.5 with its wasm JIT about 840 MIPS, with the JIT
 * disabled about 81):
 *
 *   npx tsx harness/adapters/v86/bench.ts            # all three engines, 3 runs per size
 *   npx tsx harness/adapters/v86/bench.ts --engine jit --runs 5
 *
 * Engines:
 * - `jit`: the package's own v86.wasm with its x86-to-wasm JIT, driven as v86 drives itself
 *   (`main_loop` slices of about 1 ms, yielding to the event loop between them so compiled
 *   blocks, which v86 instantiates asynchronously, get installed);
 * - `nojit`: the same core with `disable_jit`;
 * - `exact`: the adapter's own path (the patched core, one instruction per step, exact budget),
 *   through the subject contract (reset, writeMemory, setState, run, getState).
 * Each engine runs flat_N.bin at 0x1000 in flat 32-bit protected mode to its HLT for N = 100000
 * and 1000000, checks EAX against the published checksum and the retired count against
 * 7 + 1219*N, and reports (instructions(L) - instructions(S)) / (median time(L) - median time(S)),
 * for wall-clock time and for this process's CPU time (which a machine shared with other work
 * disturbs less; it includes the threads that compile v86's JIT output).
 * Last, it measures round trips of a short program (reset + setState + run + getState) per second.
 * Wall-clock time is used only here, never in a semantics or a test.
 */

import { parseArgs } from 'node:util';
import { flat32Setup, loadProgram } from '../../state/initial-state.ts';
import { CoreView, writeArchState } from './core-state.ts';
import { createV86Subject } from './subject.ts';
import { bootV86 } from './v86-machine.ts';
import { benchImage, checksumProblem, instructionsBeforeHlt, median } from '../../bench-workload.ts';

const SIZES = [100_000, 1_000_000] as const;
const LOAD_ADDRESS = 0x1000;
const MEMORY_SIZE = 1024 * 1024;
const EAX = 0;

type Engine = 'jit' | 'nojit' | 'exact';
const ENGINES: readonly Engine[] = ['jit', 'nojit', 'exact'];

interface Timing {
  instructions: number;
  /** Wall-clock seconds. */
  seconds: number;
  /** CPU seconds of this process (all its threads, so v86's JIT compiles count), user + system. */
  cpuSeconds: number;
}

/** Starts a wall-clock and a CPU-time stopwatch; the CPU time stays meaningful on a loaded machine. */
function stopwatch(): () => { seconds: number; cpuSeconds: number } {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  return () => {
    const used = process.cpuUsage(cpu);
    return { seconds: (performance.now() - wall) / 1000, cpuSeconds: (used.user + used.system) / 1e6 };
  };
}

function check(engine: Engine, iterations: number, eax: number, instructions: number): void {
  const wrong = checksumProblem(iterations, eax);
  if (wrong !== undefined) throw new Error(`${engine}: ${wrong}`);
  // v86 counts the HLT itself; the README's count is of the instructions before it.
  if (instructions !== instructionsBeforeHlt(iterations) + 1) throw new Error(`${engine} N=${iterations}: ${instructions} instructions counted, expected ${instructionsBeforeHlt(iterations) + 1} (with the HLT)`);
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** v86 as shipped: its own main loop, JIT on or off. */
async function runStock(jit: boolean, iterations: number): Promise<Timing> {
  const machine = await bootV86({ memorySize: MEMORY_SIZE, core: 'stock', jit });
  try {
    const view = new CoreView(machine.cpu, machine.memorySize);
    const setup = flat32Setup({ eip: LOAD_ADDRESS });
    for (const m of setup.memory) view.ram.set(m.bytes, m.address);
    view.ram.set(benchImage(iterations), LOAD_ADDRESS);
    machine.cpu.jit_clear_cache();
    writeArchState(view, setup.state);
    const before = view.instructionCounter;
    const elapsed = stopwatch();
    while (view.getU8('inHlt') === 0) {
      machine.cpu.main_loop();
      await yieldToEventLoop();
    }
    const times = elapsed();
    const instructions = (view.instructionCounter - before) >>> 0;
    check(jit ? 'jit' : 'nojit', iterations, view.getI32('reg32', EAX), instructions);
    return { instructions, ...times };
  } finally {
    await machine.emulator.destroy();
  }
}

/** The adapter's exact path, through the subject contract. */
async function runExact(iterations: number): Promise<Timing> {
  const subject = createV86Subject();
  try {
    await loadProgram(subject, { cpu: 'p6', memorySize: MEMORY_SIZE }, flat32Setup({ eip: LOAD_ADDRESS }), LOAD_ADDRESS, benchImage(iterations));
    const view = new CoreView(subject.machine!.cpu, subject.machine!.memorySize);
    const before = view.instructionCounter;
    const elapsed = stopwatch();
    const stop = await subject.run({ maxInstructions: 2 * instructionsBeforeHlt(iterations) });
    const times = elapsed();
    if (stop.kind !== 'halt') throw new Error(`exact N=${iterations}: run ended with ${stop.kind}, expected halt`);
    const instructions = (view.instructionCounter - before) >>> 0;
    check('exact', iterations, (await subject.getState()).regs.eax, instructions);
    return { instructions, ...times };
  } finally {
    await subject.close();
  }
}

interface Mips {
  wall: number;
  cpu: number;
}

async function measure(engine: Engine, runs: number): Promise<Mips> {
  const medians: Timing[] = [];
  for (const iterations of SIZES) {
    const timings: Timing[] = [];
    for (let i = 0; i < runs; i++) timings.push(engine === 'exact' ? await runExact(iterations) : await runStock(engine === 'jit', iterations));
    medians.push({ instructions: timings[0]!.instructions, seconds: median(timings.map((t) => t.seconds)), cpuSeconds: median(timings.map((t) => t.cpuSeconds)) });
    process.stderr.write(`  ${engine} N=${iterations}: ${timings.map((t) => `${t.seconds.toFixed(3)} s (cpu ${t.cpuSeconds.toFixed(3)} s)`).join(', ')}\n`);
  }
  const [small, large] = medians as [Timing, Timing];
  const instructions = large.instructions - small.instructions;
  return { wall: instructions / (large.seconds - small.seconds) / 1e6, cpu: instructions / (large.cpuSeconds - small.cpuSeconds) / 1e6 };
}

/** Round trips per second of a short program (7 instructions), through the subject contract. */
async function roundTrips(seconds: number): Promise<number> {
  const subject = createV86Subject();
  try {
    const setup = flat32Setup({ regs: { esp: 0x8000 } });
    // mov eax,1; mov ecx,5; add eax,eax; dec ecx; jnz -5; hlt
    const program = new Uint8Array([0xb8, 1, 0, 0, 0, 0xb9, 5, 0, 0, 0, 0x01, 0xc0, 0x49, 0x75, 0xfb, 0xf4]);
    await subject.reset({ cpu: 'p6', memorySize: MEMORY_SIZE });
    let count = 0;
    const started = performance.now();
    while (performance.now() - started < seconds * 1000) {
      await loadProgram(subject, { cpu: 'p6', memorySize: MEMORY_SIZE }, setup, LOAD_ADDRESS, program);
      await subject.run({ maxInstructions: 100 });
      const state = await subject.getState();
      if (state.regs.eax !== 32) throw new Error(`round trip: EAX 0x${state.regs.eax.toString(16)}, expected 0x20`);
      count++;
    }
    return count / ((performance.now() - started) / 1000);
  } finally {
    await subject.close();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { engine: { type: 'string', multiple: true }, runs: { type: 'string', default: '3' } } });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive integer, got '${values.runs}'`);
  const engines = (values.engine ?? ENGINES) as Engine[];
  for (const engine of engines) if (!ENGINES.includes(engine)) throw new Error(`unknown engine '${engine}' (expected ${ENGINES.join(', ')})`);
  const labels: Record<Engine, string> = {
    jit: 'v86 0.5 (npm), wasm JIT (peer table: about 840)',
    nojit: 'v86 0.5, JIT disabled (peer table: about 81)',
    exact: 'v86 adapter, exact-count interpreter',
  };
  const results: Array<[string, Mips]> = [];
  for (const engine of engines) results.push([labels[engine], await measure(engine, runs)]);
  process.stdout.write(`    wall  cpu-time  (MIPS, median of ${runs}, N=${SIZES.join(' and ')} subtracted)\n`);
  for (const [label, mips] of results) process.stdout.write(`${mips.wall.toFixed(1).padStart(8)}  ${mips.cpu.toFixed(1).padStart(8)}  ${label}\n`);
  process.stdout.write(`${(await roundTrips(3)).toFixed(0).padStart(8)} round trips/s  reset + setState + run (16-byte program) + getState\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`v86 bench: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
