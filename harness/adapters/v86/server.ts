/**
 * The v86 subject as an out-of-process xvc-subject/1 server on stdio, so that a v86 that hangs
 * or aborts ends only this process:
 *
 *   xvc run --adapter "exec:node --import tsx harness/adapters/v86/server.ts"
 *
 * Models no hardware itself; subject.ts says what the v86 subject models.
 */

import { serveSubject } from '../exec/serve.ts';
import { createV86Subject } from './subject.ts';

try {
  await serveSubject(createV86Subject());
} catch (error) {
  process.stderr.write(`v86-server: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
}
