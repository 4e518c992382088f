/**
 * A shrunk divergence as an `xvc-case/1` reproducible case (harness/repro/case.ts): the program,
 * the starting ArchState, every initialised byte, and the oracle's result as masked checks, so
 * `xvc repro` exports it and any subject replays it without this suite.
 *
 * A case replays the way harness/repro/replay.ts replays every case: reset, load, run up to its
 * instruction limit, with no stop at the first exception. So the expected result is taken from
 * the oracle run exactly that way, not from the suite's own stop-at-exception run: in real mode a
 * #DE is then delivered through the case's IVT to its HLT stub (layout.ts), and the pushed FLAGS
 * word is masked like EFLAGS. The masks are the table's undefined flags at the end of the
 * oracle's stepped run (flags.ts). Checked bytes: in each compared region, the span from the first
 * to the last byte that the oracle changed or where the subject's outcome differed, plus a few
 * bytes around it (a whole 12 KiB of checks per case would bury the ones that matter).
 *
 * Models no hardware.
 */

import { createHash } from 'node:crypto';
import type { Subject } from '../../../harness/adapter.ts';
import { CASE_FORMAT, type MemoryCheck, type RegisterCheck, type ReproCase } from '../../../harness/repro/case.ts';
import { casePassed, replayCase } from '../../../harness/repro/replay.ts';
import { GENERAL_REGISTERS, SEGMENT_REGISTERS } from './compare.ts';
import { CODE_BASE, code32Of, COMPARED_REGIONS, MEMORY_SIZE, STUB_SEGMENT } from './layout.ts';
import { RUN_LIMIT, type Observation, type OracleRun, type PreparedCase } from './run-case.ts';

export interface ReproMeta {
  instance: string;
  seed: number;
  oracleName: string;
}

/** Bytes checked on either side of the changed span of a region. */
const SPAN_SLACK = 8;

function initialByte(c: PreparedCase, address: number): number {
  for (const image of c.memory) {
    if (address >= image.address && address < image.address + image.bytes.length) return image.bytes[address - image.address]!;
  }
  return 0;
}

function caseId(c: PreparedCase): string {
  // The id names the program and where it starts: its bytes, the starting state and the memory.
  const hash = createHash('sha1').update(c.program.bytes).update(JSON.stringify(c.state));
  for (const image of c.memory) hash.update(image.bytes);
  return hash.digest('hex');
}

/** The case with the given expectation, everything else from the prepared program. */
function caseWith(c: PreparedCase, meta: ReproMeta, expected: ReproCase['expected'], source: string): ReproCase {
  return {
    format: CASE_FORMAT,
    instance: meta.instance,
    caseId: caseId(c),
    seed: meta.seed,
    source,
    cpu: c.cpu,
    memorySize: MEMORY_SIZE,
    program: { address: CODE_BASE, bytes: Array.from(c.program.bytes), bits: code32Of(c.mode) ? 32 : 16 },
    memory: c.memory.map((image) => ({ address: image.address, bytes: Array.from(image.bytes) })),
    state: c.state,
    maxInstructions: RUN_LIMIT,
    expected,
  };
}

/**
 * Builds the case from the oracle (run again as replay runs it) and checks it: the oracle must
 * pass it; `reproduces` says whether the subject fails it, as it should.
 */
export async function differentialRepro(c: PreparedCase, stepped: OracleRun, subjectRun: Observation, oracle: Subject, subject: Subject, meta: ReproMeta): Promise<{ repro: ReproCase; reproduces: boolean }> {
  const draft = caseWith(c, meta, { registers: [], memory: [], stop: 'halt' }, '');
  await oracle.reset({ cpu: c.cpu, memorySize: MEMORY_SIZE });
  const replayed = await replayCase(oracle, draft);
  const final = replayed.final;
  const regions: Uint8Array[] = [];
  for (const region of COMPARED_REGIONS) regions.push(await oracle.readMemory(region.base, region.size));

  const flagsMask = ~stepped.undefinedFlags >>> 0;
  // A real-mode exception delivered to its stub pushed FLAGS (SDM Vol. 3A, 20.1.4): mask that word too.
  const delivered = c.mode === 'real' && final.segs.cs.sel === STUB_SEGMENT;
  const pushedFlagsAt = delivered ? final.segs.ss.base + ((final.regs.esp + 4) & 0xffff) : -1;
  const byteMask = (address: number): number => (address === pushedFlagsAt ? flagsMask & 0xff : address === pushedFlagsAt + 1 ? (flagsMask >>> 8) & 0xff : 0xff);

  const registers: RegisterCheck[] = [
    ...GENERAL_REGISTERS.map((field): RegisterCheck => ({ field, label: field, value: final.regs[field] >>> 0, mask: 0xffffffff })),
    { field: 'eip', label: 'eip', value: final.eip >>> 0, mask: 0xffffffff },
    { field: 'eflags', label: 'eflags', value: final.eflags >>> 0, mask: flagsMask },
    ...SEGMENT_REGISTERS.map((field): RegisterCheck => ({ field, label: field, value: final.segs[field].sel, mask: 0xffff })),
  ];
  const memory: MemoryCheck[] = [];
  COMPARED_REGIONS.forEach((region, r) => {
    const interesting: number[] = [];
    for (let k = 0; k < region.size; k++) {
      const changed = regions[r]![k] !== initialByte(c, region.base + k);
      const subjectDiffered = stepped.regions[r]![k] !== subjectRun.regions[r]![k];
      if (changed || subjectDiffered) interesting.push(k);
    }
    if (interesting.length === 0) return;
    // The whole span they cover and a little around it, so a stray write between them shows too
    // (a pushed word equal to the byte it overwrote is no change, but is part of the frame).
    const from = Math.max(0, interesting[0]! - SPAN_SLACK);
    const to = Math.min(region.size - 1, interesting[interesting.length - 1]! + SPAN_SLACK);
    for (let k = from; k <= to; k++) memory.push({ address: region.base + k, value: regions[r]![k]!, mask: byteMask(region.base + k) });
  });
  const ended = replayed.stop.kind === 'exception' ? `exception ${replayed.stop.vector}` : delivered ? `halt in the stub of vector ${final.eip - 1}` : replayed.stop.kind;
  const source = `isa/differential shrunk program, seed ${meta.seed}; expected: oracle '${meta.oracleName}' replaying the case (no stop at exceptions), which ended with ${ended}`;
  const repro = caseWith(c, meta, { registers, memory, stop: replayed.stop.kind }, source);

  await oracle.reset({ cpu: c.cpu, memorySize: MEMORY_SIZE });
  if (!casePassed(await replayCase(oracle, repro))) throw new Error(`the oracle '${oracle.name}' fails its own exported case ${repro.caseId} on a second replay (not deterministic?)`);
  await subject.reset({ cpu: c.cpu, memorySize: MEMORY_SIZE });
  const reproduces = !casePassed(await replayCase(subject, repro));
  return { repro, reproduces };
}
