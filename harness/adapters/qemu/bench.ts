/**
 * `npx tsx harness/adapters/qemu/bench.ts`: QEMU TCG's speed in MIPS on the shared benchmark
 * workload (../shared/bench/README.md), measured through the qemu adapter, to calibrate this
 * machine against the peer table there (QEMU 7.2 TCG about 1040 MIPS).
 *
 * flat_N.bin loads at 0x1000 and runs from there in flat 32-bit protected mode at full speed (the
 * adapter never single-steps here) to its HLT, which the adapter notices by polling QEMU's halted
 * flag every 2 ms; EAX is checked against the README's checksum. No breakpoint marks the end:
 * QEMU (6.2 and later, accel/tcg/cpu-exec.c check_for_breakpoints) runs every instruction in a
 * breakpoint's page as a one-instruction block, which here made it about 60 times slower. Two sizes
 * are timed and subtracted, so QEMU's start-up and translation, and the adapter's own round trips
 * drop out; the median of XVC_BENCH_REPEATS (default 3) pairs is reported. Besides wall-clock time
 * it reports the CPU time QEMU's threads used (Linux /proc/PID/task/TID/schedstat, nanoseconds),
 * which other load on a shared machine does not inflate. Time is measured only here, never in
 * any semantics or test.
 */

import { readdirSync, readFileSync } from 'node:fs';
import type { CpuModelName } from '../../../reference-emulator/index.ts';
import { flat32Setup, loadProgram } from '../../state/initial-state.ts';
import { createQemuSubject } from './subject.ts';
import { BENCH_CHECKSUMS, benchImage, checksumProblem, instructionsBeforeHlt, median } from '../../bench-workload.ts';

const SMALL = Number(process.env.XVC_BENCH_SMALL ?? 400_000);
const LARGE = Number(process.env.XVC_BENCH_LARGE ?? 1_000_000);
const REPEATS = Number(process.env.XVC_BENCH_REPEATS ?? 3);
const LOAD_ADDRESS = 0x1000;
/** flat.asm: mov esp, mov edi, mov ecx (5 bytes each), call work (5 bytes), then `done: hlt`. */
const HLT_OFFSET = 20;
const HLT = 0xf4;
const MEMORY = 1 << 20;
/** The xvc CPU model to run (modern is QEMU's -cpu max). */
const CPU = (process.env.XVC_BENCH_CPU ?? 'modern') as CpuModelName;
const PEER_QEMU_MIPS = 1040;
/** How often the halted flag is read: the timing's resolution. */
const HALT_POLL_MS = Number(process.env.XVC_BENCH_POLL_MS ?? 2);


/** CPU time of all of a process's threads in seconds, or NaN where /proc has no schedstat. */
function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    let ns = 0;
    for (const task of readdirSync(`/proc/${pid}/task`)) ns += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[0]);
    return ns / 1e9;
  } catch {
    return Number.NaN;
  }
}

interface Timing {
  wall: number;
  cpu: number;
}

async function main(): Promise<void> {
  const subject = createQemuSubject({ exactStepLimit: 0, haltPollMaxMs: HALT_POLL_MS });
  const images = new Map<number, Uint8Array>();
  for (const iterations of [SMALL, LARGE]) {
    const image = benchImage(iterations);
    if (image[HLT_OFFSET] !== HLT) throw new Error(`flat_${iterations}.bin: no HLT at offset ${HLT_OFFSET}; flat.asm changed?`);
    images.set(iterations, image);
  }

  const timeOnce = async (iterations: number): Promise<Timing> => {
    await loadProgram(subject, { cpu: CPU, memorySize: MEMORY }, flat32Setup({ eip: LOAD_ADDRESS }), LOAD_ADDRESS, images.get(iterations)!);
    const cpuBefore = cpuSeconds(subject.processId);
    const start = process.hrtime.bigint();
    const stop = await subject.run({ maxInstructions: 2 * instructionsBeforeHlt(iterations) });
    const wall = Number(process.hrtime.bigint() - start) / 1e9;
    const cpu = cpuSeconds(subject.processId) - cpuBefore;
    if (stop.kind !== 'halt') throw new Error(`flat_${iterations}: stopped by ${stop.kind}, not HLT`);
    const end = await subject.getState();
    if (end.eip !== LOAD_ADDRESS + HLT_OFFSET + 1) throw new Error(`flat_${iterations}: halted at EIP ${end.eip.toString(16)}, not after the HLT`);
    const wrong = checksumProblem(iterations, end.regs.eax);
    if (wrong !== undefined) throw new Error(wrong);
    return { wall, cpu };
  };

  try {
    const wallSamples: number[] = [];
    const cpuSamples: number[] = [];
    const difference = instructionsBeforeHlt(LARGE) - instructionsBeforeHlt(SMALL);
    for (let i = 0; i < REPEATS; i++) {
      const small = await timeOnce(SMALL);
      const large = await timeOnce(LARGE);
      const wallMips = difference / (large.wall - small.wall) / 1e6;
      const cpuMips = difference / (large.cpu - small.cpu) / 1e6;
      wallSamples.push(wallMips);
      cpuSamples.push(cpuMips);
      console.log(`run ${i + 1}: N=${SMALL} ${small.wall.toFixed(3)} s (cpu ${small.cpu.toFixed(3)}), N=${LARGE} ${large.wall.toFixed(3)} s (cpu ${large.cpu.toFixed(3)}) -> ${wallMips.toFixed(0)} MIPS wall, ${cpuMips.toFixed(0)} MIPS cpu`);
    }
    const wall = median(wallSamples);
    const cpu = median(cpuSamples);
    console.log(`checksums verified (N=${SMALL}: ${BENCH_CHECKSUMS[SMALL]?.toString(16)}, N=${LARGE}: ${BENCH_CHECKSUMS[LARGE]?.toString(16)})`);
    console.log(`bench: QEMU TCG (${CPU}) through the qemu adapter ${wall.toFixed(0)} MIPS wall-clock, ${cpu.toFixed(0)} MIPS per CPU second (medians of ${REPEATS}); peer table ${PEER_QEMU_MIPS}, machine factor ${(wall / PEER_QEMU_MIPS).toFixed(2)} (wall) / ${(cpu / PEER_QEMU_MIPS).toFixed(2)} (cpu)`);
  } finally {
    await subject.close();
  }
}

main().catch((error: unknown) => {
  console.error(`qemu bench: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
