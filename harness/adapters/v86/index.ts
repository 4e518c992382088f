/**
 * The v86 adapter's public face: v86 0.5 (npm) as an in-process subject
 * (`--adapter ./harness/adapters/v86/index.ts`, which finds `createSubject`), and the
 * availability check the tests and the CLI use to skip with a reason when v86 cannot start.
 * subject.ts says what the subject models; v86-machine.ts boots v86; wasm-patch.ts rewrites its
 * core for exact instruction counts.
 */

import type { Subject } from '../../adapter.ts';
import { createV86Subject } from './subject.ts';

export { createV86Subject, roundedRam, V86_CPU_MODEL, V86_QUIRKS, V86_SUBJECT_NAME, type V86Subject, type V86SubjectOptions } from './subject.ts';
export { v86Availability } from './v86-machine.ts';

/** The module-adapter entry point (harness/runner/subjects.ts looks for `createSubject`). */
export function createSubject(): Subject {
  return createV86Subject();
}
