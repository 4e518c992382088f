/**
 * The qemu adapter as an out-of-process xvc-subject/1 server on stdin/stdout, so a QEMU that
 * hangs or dies takes only this process down:
 *   --adapter "exec:node --import tsx harness/adapters/qemu/server.ts"
 * Models no hardware; QEMU does.
 */

import { serveSubject } from '../exec/serve.ts';
import { createQemuSubject } from './subject.ts';

await serveSubject(createQemuSubject());
