/**
 * `npm test`'s entry to the suite model: binds every `suites/**\/*.suite.ts` instance to mocha,
 * run against the embedded reference subject (suites/support/bind-suites.ts).
 *
 * Models no hardware itself; each suite's header says what it checks.
 */

import { fileURLToPath } from 'node:url';
import { createReferenceSubject } from '../harness/adapters/reference/index.ts';
import { bindSuites } from './support/bind-suites.ts';

await bindSuites({
  suitesRoot: fileURLToPath(new URL('.', import.meta.url)),
  subjects: async () => createReferenceSubject(),
  isReference: true,
  coveragePath: fileURLToPath(new URL('../reports/coverage/isa-coverage.json', import.meta.url)),
});
