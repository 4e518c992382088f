/**
 * Finds suite modules by path (`suites/**\/*.suite.ts`), as mocha finds spec files, and loads
 * their instances. The CLI is the composition root: it never imports a suite statically, so the
 * arrows stay suites -> harness -> reference-emulator.
 *
 * Models no hardware. Rejects, with one line naming the file, a module without `instances`, an
 * instance whose name is not `<area>/<name>[~variation]`, and duplicate names.
 */

import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { SuiteInstance, SuiteModule, Tier } from './model.ts';
import { TIERS } from './model.ts';

export const SUITE_FILE = /\.suite\.ts$/;
const NAME = /^[a-z][a-z0-9-]*\/[a-z0-9][a-z0-9._-]*(~[A-Za-z0-9._+-]+)?$/;

export interface DiscoveredInstance {
  instance: SuiteInstance;
  /** The suite file, relative to the suites root, for messages and `xvc repro`. */
  file: string;
}

function walk(dir: string, out: string[]): void {
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) {
      if (entry !== 'node_modules') walk(path, out);
    } else if (SUITE_FILE.test(entry)) out.push(path);
  }
}

export function suiteFiles(suitesRoot: string): string[] {
  const files: string[] = [];
  walk(suitesRoot, files);
  return files;
}

export class SuiteDefinitionError extends Error {
  override name = 'SuiteDefinitionError';
}

export function checkInstance(instance: SuiteInstance, file: string): void {
  if (!NAME.test(instance.name)) throw new SuiteDefinitionError(`${file}: instance name '${instance.name}' is not <area>/<name>[~variation]`);
  for (const tier of TIERS as readonly Tier[]) {
    const cases = instance.budget[tier];
    if (!Number.isInteger(cases) || cases < 0) throw new SuiteDefinitionError(`${file}: ${instance.name}: budget.${tier} must be a whole number, got ${String(cases)}`);
  }
}

/** Loads every suite module under `suitesRoot` and returns its instances in name order. */
export async function discoverInstances(suitesRoot: string, files = suiteFiles(suitesRoot)): Promise<DiscoveredInstance[]> {
  const found: DiscoveredInstance[] = [];
  const seen = new Map<string, string>();
  for (const path of files) {
    const file = relative(suitesRoot, path);
    const mod = (await import(pathToFileURL(path).href)) as Partial<SuiteModule>;
    if (mod.instances === undefined) throw new SuiteDefinitionError(`${file}: a suite module must export 'instances'`);
    const instances = typeof mod.instances === 'function' ? await mod.instances() : mod.instances;
    for (const instance of instances) {
      checkInstance(instance, file);
      const other = seen.get(instance.name);
      if (other !== undefined) throw new SuiteDefinitionError(`${file}: instance '${instance.name}' is also defined in ${other}`);
      seen.set(instance.name, file);
      found.push({ instance, file });
    }
  }
  return found.sort((a, b) => (a.instance.name < b.instance.name ? -1 : a.instance.name > b.instance.name ? 1 : 0));
}
