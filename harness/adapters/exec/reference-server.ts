/**
 * The embedded reference subject as an out-of-process xvc-subject/1 server: the protocol's own
 * conformance check, since `--adapter "exec:node --import tsx harness/adapters/exec/reference-server.ts"`
 * must give the same results as `--adapter reference`.
 *
 *   node --import tsx harness/adapters/exec/reference-server.ts                  # one session on stdio
 *   node --import tsx harness/adapters/exec/reference-server.ts --listen 127.0.0.1:7000
 *   node --import tsx harness/adapters/exec/reference-server.ts --listen /tmp/xvc-reference.sock
 *
 * With --listen it serves a fresh reference subject per connection and prints the address it
 * listens at on stderr; it runs until killed.
 *
 * Models no hardware; the reference emulator does.
 */

import { parseArgs } from 'node:util';
import { createReferenceSubject } from '../reference/index.ts';
import { listenForSubjects } from './listen.ts';
import { serveSubject } from './serve.ts';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { listen: { type: 'string' } } });
  if (values.listen === undefined) {
    await serveSubject(createReferenceSubject());
    return;
  }
  const server = await listenForSubjects(() => createReferenceSubject(), values.listen);
  process.stderr.write(`xvc reference subject listening at ${server.address}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`reference-server: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
});
