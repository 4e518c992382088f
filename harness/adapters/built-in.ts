/**
 * The third-party emulators xvc drives out of the box: `qemu` (qemu-system-i386 through its GDB
 * stub and monitor), `unicorn` (libunicorn through koffi) and `v86` (the npm package). Each runs
 * out of process, as its own xvc-subject/1 server (harness/adapters/<name>/server.ts), so a
 * crash in the emulator or its FFI ends that subject process and never the harness.
 *
 * Before a server starts, a cheap check says whether the emulator is installed at all; when it
 * is not, the factory fails with a one-line reason naming what to install, which `xvc run` turns
 * into a skip (or an error under --require-adapters).
 */

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface BuiltInAdapter {
  readonly name: 'qemu' | 'unicorn' | 'v86';
  /** The subject server: an entry script that serves one subject on stdio. */
  readonly server: string;
  /** Why the emulator cannot run here, or undefined when it is installed. */
  missing(): string | undefined;
}

function qemuMissing(): string | undefined {
  const probe = spawnSync('qemu-system-i386', ['--version'], { encoding: 'utf8', timeout: 10_000 });
  if (probe.error || probe.status !== 0) return 'qemu-system-i386 not found: install the Debian package qemu-system-x86';
  return undefined;
}

function unicornMissing(): string | undefined {
  // The library is looked for the way koffi will load it, in a child, so a broken library cannot take this process down.
  const probe = spawnSync(process.execPath, ['-e', "require('koffi').load('libunicorn.so.2')"], { cwd: ROOT, encoding: 'utf8', timeout: 10_000 });
  if (probe.status !== 0) return 'libunicorn.so.2 not loadable: install the Debian package libunicorn2';
  return undefined;
}

function v86Missing(): string | undefined {
  try {
    const wasm = createRequire(import.meta.url).resolve('v86/build/v86.wasm');
    return existsSync(wasm) ? undefined : `v86 is installed without its ${wasm}`;
  } catch {
    return 'the v86 npm package is not installed: run npm ci';
  }
}

export const BUILT_IN_THIRD_PARTY: readonly BuiltInAdapter[] = [
  { name: 'qemu', server: `${ROOT}harness/adapters/qemu/server.ts`, missing: qemuMissing },
  { name: 'unicorn', server: `${ROOT}harness/adapters/unicorn/server.ts`, missing: unicornMissing },
  { name: 'v86', server: `${ROOT}harness/adapters/v86/server.ts`, missing: v86Missing },
];

/** The command that starts an adapter's server: this Node, with tsx resolved from this checkout. */
export function serverCommand(adapter: BuiltInAdapter): string {
  const quote = (text: string): string => `'${text.replace(/'/g, `'\\''`)}'`;
  return `${quote(process.execPath)} --import ${quote(import.meta.resolve('tsx'))} ${quote(adapter.server)}`;
}
