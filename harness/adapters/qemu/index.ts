/**
 * The qemu adapter as an adapter module for `xvc run --adapter ./harness/adapters/qemu/index.ts`
 * (harness/runner/subjects.ts loads `createSubject`). Models no hardware; QEMU does.
 */

export { createQemuSubject as createSubject, createQemuSubject, QEMU_QUIRKS, type QemuSubject, type QemuSubjectOptions } from './subject.ts';
export type { QemuMigrationOptions, QemuMigrationReport } from './migration.ts';
