/**
 * User-facing failures of the CLI: one line that names the problem, then a non-zero exit.
 * Anything thrown as a UsageError or InputError is reported that way; other errors are bugs
 * and keep their stack.
 */

/** Bad command-line usage: exit status 2. */
export class UsageError extends Error {}

/** Bad input data (a malformed image, trace or corpus file): exit status 1. */
export class InputError extends Error {}

/** The first line of an error's message (or of whatever was thrown). */
export function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
}

/** Collapses a message to one line so it can be searched for. */
export function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, ' ').trim();
}
