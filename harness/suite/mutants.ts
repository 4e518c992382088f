/**
 * Loads the mutant catalog by path (`suites/meta/mutants/*.mutants.ts`) and builds the subject
 * factory of a mutant: the embedded reference with the mutant's handler overrides.
 *
 * Models no hardware; the mutants themselves say which behaviour they break.
 */

import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createReferenceSubject } from '../adapters/reference/index.ts';
import type { SubjectFactory } from '../adapter.ts';
import type { Mutant, MutantModule } from './model.ts';
import { SuiteDefinitionError } from './discover.ts';

export async function loadMutants(suitesRoot: string): Promise<Map<string, Mutant>> {
  const dir = join(suitesRoot, 'meta', 'mutants');
  const catalog = new Map<string, Mutant>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.mutants.ts')).sort()) {
    const mod = (await import(pathToFileURL(join(dir, file)).href)) as Partial<MutantModule>;
    if (!Array.isArray(mod.mutants)) throw new SuiteDefinitionError(`meta/mutants/${file}: a mutant module must export 'mutants'`);
    for (const mutant of mod.mutants) {
      if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(mutant.name)) throw new SuiteDefinitionError(`meta/mutants/${file}: mutant name '${mutant.name}' is not kebab-case`);
      if (catalog.has(mutant.name)) throw new SuiteDefinitionError(`meta/mutants/${file}: mutant '${mutant.name}' is defined twice`);
      catalog.set(mutant.name, mutant);
    }
  }
  return catalog;
}

export function mutantSubjects(mutant: Mutant): SubjectFactory {
  return async () => createReferenceSubject({
    name: `reference+${mutant.name}`,
    ...(mutant.handlerOverrides ? { handlerOverrides: mutant.handlerOverrides } : {}),
    ...(mutant.decoderMutation ? { decoderMutation: mutant.decoderMutation } : {}),
  });
}
