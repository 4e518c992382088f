/**
 * A worker process of `xvc run --jobs N`: loads the suites, the subject and the oracle once, then
 * runs the instances the parent sends, one at a time, and answers each with its record. A worker
 * holds its own subject, so an instance that crashes or hangs its subject takes down only this
 * process; the parent reports it and starts a fresh worker.
 *
 * Models no hardware. Messages (IPC): in {init}, {run: name}; out {ready}, {record}, {log}.
 */

import '../v8-tuning.ts';
import { discoverInstances, type DiscoveredInstance } from '../suite/discover.ts';
import { runInstance } from '../suite/run-instance.ts';
import { resolveSubject, type ResolvedSubject } from './subjects.ts';
import { toRecord } from './serial.ts';
import type { WorkerInit, WorkerReply, WorkerRequest } from './pool.ts';

let init: WorkerInit | undefined;
let byName: Map<string, DiscoveredInstance> | undefined;
let subject: ResolvedSubject | undefined;
let oracle: ResolvedSubject | undefined;

const send = (reply: WorkerReply): void => void process.send?.(reply);

process.on('message', (message: WorkerRequest) => {
  void handle(message).catch((error: unknown) => {
    send({ kind: 'fatal', message: error instanceof Error ? error.message : String(error) });
    process.exit(1);
  });
});

async function handle(message: WorkerRequest): Promise<void> {
  if (message.kind === 'init') {
    init = message.init;
    byName = new Map((await discoverInstances(init.suitesRoot, init.files)).map((d) => [d.instance.name, d]));
    subject = await resolveSubject(init.adapter);
    oracle = init.oracle !== undefined ? await resolveSubject(init.oracle) : undefined;
    send({ kind: 'ready' });
    return;
  }
  if (message.kind === 'exit') process.exit(0);
  if (!init || !byName || !subject) throw new Error('worker: run before init');
  const found = byName.get(message.name);
  if (!found) throw new Error(`worker: no instance '${message.name}'`);
  const run = await runInstance(found.instance, subject.subjects, {
    tier: init.tier,
    seed: init.seed,
    isReference: subject.isReference,
    ...(oracle ? { oracle: { subjects: oracle.subjects, name: oracle.name } } : {}),
    ...(init.runs !== undefined ? { runs: init.runs } : {}),
    log: (line) => send({ kind: 'log', name: message.name, line }),
  });
  send({ kind: 'record', record: toRecord(run) });
}
