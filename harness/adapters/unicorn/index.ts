/**
 * The unicorn adapter's public face: libunicorn 2 through koffi as an in-process subject
 * (`--adapter ./harness/adapters/unicorn/index.ts`, which finds `createSubject`), and the
 * availability check the tests and the CLI use to skip with a reason when the library is absent.
 * subject.ts says what the subject models; ffi.ts holds the bindings.
 */

import type { Subject } from '../../adapter.ts';
import { createUnicornSubject } from './subject.ts';

export { createUnicornSubject, eipIsLinearAfterHookStop, UNICORN_QUIRKS, UNICORN_SUBJECT_NAME, type UnicornSubject, type UnicornSubjectOptions } from './subject.ts';
export { unicornAvailability, LIBRARY_HINT, UnicornMissingError } from './ffi.ts';

/** The module-adapter entry point (harness/runner/subjects.ts looks for `createSubject`). */
export function createSubject(): Subject {
  return createUnicornSubject();
}
