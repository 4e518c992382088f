/**
 * Shared parsing of numeric CLI options: decimal or 0x-hex, range-checked, with a one-line
 * error naming the option.
 */

import { UsageError } from './errors.ts';

export function parseNumber(option: string, text: string | undefined, fallback: number, max = 0xffffffff): number {
  if (text === undefined) return fallback;
  const value = /^0x[0-9a-f]+$/i.test(text) ? parseInt(text.slice(2), 16) : /^[0-9]+$/.test(text) ? parseInt(text, 10) : NaN;
  if (!Number.isFinite(value) || value < 0 || value > max) {
    throw new UsageError(`${option} takes a number from 0 to 0x${max.toString(16)} (decimal or 0x-hex), got '${text}'`);
  }
  return value;
}

export function parseChoice<T extends string>(option: string, text: string | undefined, choices: readonly T[], fallback: T): T {
  if (text === undefined) return fallback;
  if (!(choices as readonly string[]).includes(text)) throw new UsageError(`${option} takes one of ${choices.join(', ')}, got '${text}'`);
  return text as T;
}
