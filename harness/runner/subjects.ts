/**
 * Resolves `--adapter SPEC` to a subject factory: `reference` (the embedded reference
 * interpreter) or a path to a JS/TS module (`./my-adapter.ts`) that exports `createSubject()`
 * (or a default function) returning a Subject. The out-of-process `exec:CMD` form and the
 * third-party adapters (qemu, unicorn, v86) arrive with the adapters issue.
 *
 * Models no hardware. A module that is missing or exports no factory is a one-line error.
 */

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createReferenceSubject } from '../adapters/reference/index.ts';
import type { Subject, SubjectFactory } from '../adapter.ts';
import { InputError, UsageError } from '../cli/errors.ts';

export interface ResolvedSubject {
  /** The name reports are filed under (adapter name, or the module's file name). */
  name: string;
  spec: string;
  subjects: SubjectFactory;
  isReference: boolean;
}

export const BUILT_IN_ADAPTERS = ['reference'] as const;

export async function resolveSubject(spec: string): Promise<ResolvedSubject> {
  if (spec === 'reference') return { name: 'reference', spec, subjects: async () => createReferenceSubject(), isReference: true };
  if (spec.startsWith('.') || spec.startsWith('/')) {
    const path = resolve(spec);
    if (!existsSync(path)) throw new InputError(`adapter module ${spec} not found`);
    const mod = (await import(pathToFileURL(path).href)) as { createSubject?: unknown; default?: unknown };
    const factory = typeof mod.createSubject === 'function' ? mod.createSubject : typeof mod.default === 'function' ? mod.default : undefined;
    if (!factory) throw new InputError(`adapter module ${spec} exports neither createSubject() nor a default function`);
    const subjects: SubjectFactory = async () => (await (factory as () => Subject | Promise<Subject>)());
    const name = path.replace(/^.*\//, '').replace(/\.[cm]?[jt]s$/, '');
    return { name, spec, subjects, isReference: false };
  }
  throw new UsageError(`adapter '${spec}' is not available (built in: ${BUILT_IN_ADAPTERS.join(', ')}; or a module path such as ./my-adapter.ts)`);
}
