/**
 * Everything a SingleStepTests run needs besides the test files themselves: the corpus's
 * metadata.json (per-form undefined-flag masks), its revocation list (optional in the corpus)
 * and our versioned known-differences file. Loaded in one place for `xvc sst`, the conformance
 * job and the suites, so they cannot disagree on what is masked, revoked or waived.
 */

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCorpusMetadata, readRevocationList, REAL_MODE_SUBDIR, type CorpusMetadata } from './corpus.ts';
import { readKnownDifferences } from './known-differences.ts';
import type { KnownDifference } from './run-sst.ts';

export const DEFAULT_KNOWN_DIFFERENCES = fileURLToPath(new URL('../../fixtures/sst/known-differences-80286.json', import.meta.url));

export interface SstContext {
  /** The folder holding the real-mode MOO files and metadata.json. */
  formsDir: string;
  metadata: CorpusMetadata;
  revoked: Set<string>;
  known: Map<string, KnownDifference>;
}

/** `root` is the corpus folder (the one holding revocation_list.txt and v1_real_mode/). */
export async function loadSstContext(root: string, knownPath: string = DEFAULT_KNOWN_DIFFERENCES): Promise<SstContext> {
  const formsDir = join(root, REAL_MODE_SUBDIR);
  const revocation = join(root, 'revocation_list.txt');
  return {
    formsDir,
    metadata: await readCorpusMetadata(join(formsDir, 'metadata.json')),
    revoked: existsSync(revocation) ? await readRevocationList(revocation) : new Set<string>(),
    known: await readKnownDifferences(knownPath),
  };
}
