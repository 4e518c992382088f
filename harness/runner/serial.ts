/**
 * The serialisable form of an instance run, as it crosses the worker-process boundary and is
 * stored in the JSON report: the coverage map becomes entries, everything else is plain data.
 *
 * Models no hardware.
 */

import type { CpuMode } from '../../reference-emulator/index.ts';
import type { InstanceRun } from '../suite/run-instance.ts';
import type { Verdict } from '../suite/model.ts';

export interface RunRecord extends Verdict {
  name: string;
  seed: number;
  runs: number;
  ms: number;
  log: string[];
  coverage: Array<[string, CpuMode[]]>;
}

export function toRecord(run: InstanceRun): RunRecord {
  return { ...run, coverage: [...run.coverage].map(([form, modes]) => [form, [...modes]]) };
}
