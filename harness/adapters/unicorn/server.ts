/**
 * The unicorn subject as an out-of-process xvc-subject/1 server on stdio, so that a crash inside
 * libunicorn (a segfault in QEMU's TCG, say) ends only this process and the harness reports it
 * as a subject crash:
 *
 *   xvc run --adapter "exec:node --import tsx harness/adapters/unicorn/server.ts"
 *
 * Models no hardware itself; subject.ts says what the unicorn subject models.
 */

import { serveSubject } from '../exec/serve.ts';
import { createUnicornSubject } from './subject.ts';

try {
  await serveSubject(createUnicornSubject());
} catch (error) {
  process.stderr.write(`unicorn-server: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
}
