/**
 * Resolves `--adapter SPEC` to a subject factory:
 * - `reference`: the embedded reference interpreter;
 * - a path to a JS/TS module (`./my-adapter.ts`) that exports `createSubject()` (or a default
 *   function) returning a Subject;
 * - `exec:CMD`: an out-of-process subject, `sh -c CMD` speaking xvc-subject/1 on stdio
 *   (harness/adapters/exec/);
 * - `socket:HOST:PORT` or `socket:/path/to.sock`: a running xvc-subject/1 server;
 * - `qemu`, `unicorn`, `v86`: the third-party emulators in the box, each run out of process as
 *   its own subject server (harness/adapters/built-in.ts). One that is not installed fails its
 *   factory with the reason, which `xvc run` reports as a skip unless --require-adapters.
 *
 * Out-of-process timeouts come from XVC_SUBJECT_TIMEOUT_MS (each call), XVC_SUBJECT_RUN_TIMEOUT_MS
 * (`run`) and XVC_SUBJECT_START_TIMEOUT_MS (the hello), so worker processes see them too.
 *
 * Models no hardware. A module that is missing or exports no factory is a one-line error.
 */

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createReferenceSubject } from '../adapters/reference/index.ts';
import { createExecSubject, createSocketSubject, type RemoteSubject, type RemoteSubjectOptions } from '../adapters/exec/client.ts';
import type { Hello } from '../adapters/exec/protocol.ts';
import { parseSocketAddress } from '../adapters/exec/socket-transport.ts';
import type { Subject, SubjectFactory } from '../adapter.ts';
import { InputError, UsageError } from '../cli/errors.ts';
import { BUILT_IN_THIRD_PARTY, serverCommand } from '../adapters/built-in.ts';

export interface ResolvedSubject {
  /** The name reports are filed under (adapter name, or the module's file name). */
  name: string;
  spec: string;
  subjects: SubjectFactory;
  isReference: boolean;
}

export const BUILT_IN_ADAPTERS = ['reference', ...BUILT_IN_THIRD_PARTY.map((a) => a.name)] as const;

const TIMEOUT_VARIABLES = {
  callTimeoutMs: 'XVC_SUBJECT_TIMEOUT_MS',
  runTimeoutMs: 'XVC_SUBJECT_RUN_TIMEOUT_MS',
  startTimeoutMs: 'XVC_SUBJECT_START_TIMEOUT_MS',
} as const;

/** Out-of-process timeouts set in the environment; a value that is not a positive integer is a usage error. */
export function remoteTimeouts(env: NodeJS.ProcessEnv = process.env): RemoteSubjectOptions {
  const options: RemoteSubjectOptions = {};
  for (const [option, variable] of Object.entries(TIMEOUT_VARIABLES) as Array<[keyof typeof TIMEOUT_VARIABLES, string]>) {
    const text = env[variable];
    if (text === undefined || text === '') continue;
    const ms = Number(text);
    if (!Number.isInteger(ms) || ms < 1) throw new UsageError(`${variable} must be a positive number of milliseconds, got '${text}'`);
    options[option] = ms;
  }
  return options;
}

/**
 * A report name for a command: `exec-` and the base name of its first word that looks like a
 * file (`node --import tsx ./emu/server.ts` gives exec-server), else of its first word.
 */
export function execSubjectName(command: string): string {
  const words = command.trim().split(/\s+/).filter((word) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(word) && !word.startsWith('-'));
  const chosen = words.find((word) => word.includes('/') || /\.[A-Za-z0-9]+$/.test(word)) ?? words[0] ?? 'subject';
  const base = chosen.replace(/^.*\//, '').replace(/\.[A-Za-z0-9]+$/, '');
  return `exec-${base.replace(/[^A-Za-z0-9._-]+/g, '_') || 'subject'}`;
}

/**
 * A factory of remote subjects. The first subject starts at once, to learn the hello; later
 * ones start at their first call, so a subject only probed for its capabilities costs no process.
 */
function remoteFactory(create: (options: RemoteSubjectOptions) => Promise<RemoteSubject>): SubjectFactory {
  const timeouts = remoteTimeouts();
  let hello: Hello | undefined;
  return async () => {
    const subject = await create(hello ? { ...timeouts, knownHello: hello } : timeouts);
    hello ??= subject.hello;
    return subject;
  };
}

export async function resolveSubject(spec: string): Promise<ResolvedSubject> {
  if (spec === 'reference') return { name: 'reference', spec, subjects: async () => createReferenceSubject(), isReference: true };
  const builtIn = BUILT_IN_THIRD_PARTY.find((a) => a.name === spec);
  if (builtIn) {
    const remote = remoteFactory((options) => createExecSubject(serverCommand(builtIn), options));
    let checked = false;
    const subjects: SubjectFactory = async () => {
      if (!checked) {
        const missing = builtIn.missing();
        if (missing !== undefined) throw new Error(missing);
        checked = true;
      }
      return remote();
    };
    return { name: builtIn.name, spec, subjects, isReference: false };
  }
  if (spec.startsWith('.') || spec.startsWith('/')) {
    const path = resolve(spec);
    if (!existsSync(path)) throw new InputError(`adapter module ${spec} not found`);
    const mod = (await import(pathToFileURL(path).href)) as { createSubject?: unknown; default?: unknown };
    const factory = typeof mod.createSubject === 'function' ? mod.createSubject : typeof mod.default === 'function' ? mod.default : undefined;
    if (!factory) throw new InputError(`adapter module ${spec} exports neither createSubject() nor a default function`);
    const subjects: SubjectFactory = async () => (await (factory as () => Subject | Promise<Subject>)());
    // A module named index is its folder's (harness/adapters/unicorn/index.ts reports as unicorn).
    const file = path.replace(/^.*\//, '').replace(/\.[cm]?[jt]s$/, '');
    const name = file === 'index' ? (path.split('/').slice(-2, -1)[0] ?? file) : file;
    return { name, spec, subjects, isReference: false };
  }
  if (spec.startsWith('exec:')) {
    const command = spec.slice('exec:'.length).trim();
    if (command === '') throw new UsageError("--adapter exec: needs a command, e.g. 'exec:./my-emulator --xvc'");
    return { name: execSubjectName(command), spec, subjects: remoteFactory((options) => createExecSubject(command, options)), isReference: false };
  }
  if (spec.startsWith('socket:')) {
    const address = spec.slice('socket:'.length);
    let parsed;
    try {
      parsed = parseSocketAddress(address);
    } catch (error) {
      throw new UsageError(`--adapter ${spec}: ${(error as Error).message}`);
    }
    const where = 'path' in parsed ? parsed.path.replace(/^.*\//, '').replace(/\.sock$/, '') : `${parsed.host}-${parsed.port}`;
    return { name: `socket-${where.replace(/[^A-Za-z0-9._-]+/g, '_')}`, spec, subjects: remoteFactory((options) => createSocketSubject(address, options)), isReference: false };
  }
  throw new UsageError(`adapter '${spec}' is not available (built in: ${BUILT_IN_ADAPTERS.join(', ')}; or a module path such as ./my-adapter.ts, exec:CMD, socket:HOST:PORT)`);
}
