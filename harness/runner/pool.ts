/**
 * Runs instances either in this process (`--jobs 1`) or spread over N worker processes
 * (harness/runner/worker.ts), handing out one instance at a time so long and short instances
 * balance. A worker that dies while running an instance yields `error: subject-crash`; one that
 * exceeds the instance's time limit (plus a grace period) is killed and yields `error: timeout`.
 * Either way a fresh worker takes its place and the run goes on. Results come back in the
 * selection's order whatever order they finish in.
 *
 * Models no hardware.
 */

import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { DiscoveredInstance } from '../suite/discover.ts';
import type { Tier } from '../suite/model.ts';
import { runInstance } from '../suite/run-instance.ts';
import { toRecord, type RunRecord } from './serial.ts';
import type { ResolvedSubject } from './subjects.ts';

export interface WorkerInit {
  suitesRoot: string;
  files: string[];
  adapter: string;
  /** The oracle's spec, resolved in the worker as the adapter is (absent: the embedded reference). */
  oracle?: string;
  tier: Tier;
  seed: number;
  runs?: number;
}

export type WorkerRequest = { kind: 'init'; init: WorkerInit } | { kind: 'run'; name: string } | { kind: 'exit' };
export type WorkerReply =
  | { kind: 'ready' }
  | { kind: 'record'; record: RunRecord }
  | { kind: 'log'; name: string; line: string }
  | { kind: 'fatal'; message: string };

export interface PoolOptions {
  jobs: number;
  tier: Tier;
  seed: number;
  runs?: number;
  subject: ResolvedSubject;
  /** The oracle differential suites compare the subject with (absent: the embedded reference). */
  oracle?: ResolvedSubject;
  suitesRoot: string;
  /** Absolute paths of the suite files the instances came from. */
  files: string[];
  onRecord?: (record: RunRecord, done: number, total: number) => void;
  onLog?: (name: string, line: string) => void;
}

/** Extra time a worker gets beyond an instance's own limit before it is killed. */
const GRACE_MS = 5_000;

export async function runInstances(selected: readonly DiscoveredInstance[], options: PoolOptions): Promise<RunRecord[]> {
  const records = new Map<string, RunRecord>();
  const report = (record: RunRecord): void => {
    records.set(record.name, record);
    options.onRecord?.(record, records.size, selected.length);
  };
  if (options.jobs <= 1) {
    for (const { instance } of selected) {
      const run = await runInstance(instance, options.subject.subjects, {
        tier: options.tier,
        seed: options.seed,
        isReference: options.subject.isReference,
        ...(options.oracle ? { oracle: { subjects: options.oracle.subjects, name: options.oracle.name } } : {}),
        ...(options.runs !== undefined ? { runs: options.runs } : {}),
        log: (line) => options.onLog?.(instance.name, line),
      });
      report(toRecord(run));
    }
  } else {
    await runInWorkers(selected, options, report);
  }
  return selected.map(({ instance }) => records.get(instance.name)!);
}

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));

function errorRecord(name: string, options: PoolOptions, errorKind: 'subject-crash' | 'timeout' | 'harness', reason: string, ms: number): RunRecord {
  return { name, outcome: 'error', errorKind, reason, seed: options.seed, runs: options.runs ?? 0, ms, log: [], coverage: [] };
}

async function runInWorkers(selected: readonly DiscoveredInstance[], options: PoolOptions, report: (record: RunRecord) => void): Promise<void> {
  const queue = [...selected];
  const timeouts = new Map(selected.map(({ instance }) => [instance.name, instance.timeoutMs]));
  const init: WorkerInit = {
    suitesRoot: options.suitesRoot,
    files: options.files,
    adapter: options.subject.spec,
    ...(options.oracle ? { oracle: options.oracle.spec } : {}),
    tier: options.tier,
    seed: options.seed,
    ...(options.runs !== undefined ? { runs: options.runs } : {}),
  };

  const lane = async (): Promise<void> => {
    while (queue.length > 0) {
      const worker = await startWorker(init);
      // Runs instances on this worker until it dies or the queue is empty.
      for (;;) {
        const next = queue.shift();
        if (!next) {
          worker.send({ kind: 'exit' } satisfies WorkerRequest);
          return;
        }
        const name = next.instance.name;
        const started = performance.now();
        const outcome = await runOnWorker(worker, name, timeouts.get(name), options);
        if (outcome.kind === 'record') {
          report(outcome.record);
          continue;
        }
        const ms = performance.now() - started;
        if (outcome.kind === 'timeout') report(errorRecord(name, options, 'timeout', `no verdict within ${timeouts.get(name)} ms (+${GRACE_MS} ms grace); worker killed`, ms));
        else report(errorRecord(name, options, 'subject-crash', `worker process died while running the instance (${outcome.why})`, ms));
        break; // start a fresh worker for the rest
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.jobs, selected.length) }, lane));
}

function startWorker(init: WorkerInit): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const worker = fork(WORKER, [], { execArgv: ['--import', import.meta.resolve('tsx')], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const onMessage = (message: WorkerReply): void => {
      if (message.kind === 'ready') {
        worker.off('message', onMessage);
        worker.off('exit', onExit);
        resolve(worker);
      } else if (message.kind === 'fatal') reject(new Error(`worker failed to start: ${message.message}`));
    };
    const onExit = (code: number | null, signal: string | null): void => reject(new Error(`worker exited during start-up (${signal ?? `code ${code}`})`));
    worker.on('message', onMessage);
    worker.once('exit', onExit);
    worker.send({ kind: 'init', init } satisfies WorkerRequest);
  });
}

type WorkerOutcome = { kind: 'record'; record: RunRecord } | { kind: 'timeout' } | { kind: 'died'; why: string };

function runOnWorker(worker: ChildProcess, name: string, timeoutMs: number | undefined, options: PoolOptions): Promise<WorkerOutcome> {
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const done = (outcome: WorkerOutcome): void => {
      if (timer) clearTimeout(timer);
      worker.off('message', onMessage);
      worker.off('exit', onExit);
      resolve(outcome);
    };
    const onMessage = (message: WorkerReply): void => {
      if (message.kind === 'record' && message.record.name === name) done({ kind: 'record', record: message.record });
      else if (message.kind === 'log') options.onLog?.(message.name, message.line);
      else if (message.kind === 'fatal') {
        worker.kill('SIGKILL');
        done({ kind: 'died', why: message.message });
      }
    };
    const onExit = (code: number | null, signal: string | null): void => done({ kind: 'died', why: signal ? `signal ${signal}` : `exit code ${code}` });
    worker.on('message', onMessage);
    worker.once('exit', onExit);
    if (timeoutMs !== undefined) {
      timer = setTimeout(() => {
        worker.off('exit', onExit);
        worker.kill('SIGKILL');
        done({ kind: 'timeout' });
      }, timeoutMs + GRACE_MS);
    }
    worker.send({ kind: 'run', name } satisfies WorkerRequest);
  });
}
