/** Parsing flag values into checked numbers, with messages that name the flag. */
import { UsageError } from './errors.js';

/** A whole number > 0 (or ≥ 0 with allowZero) from a flag's text, else a UsageError naming the flag. */
export function parseCount(flag: string, text: string | undefined, allowZero = false): number {
  if (text === undefined) throw new UsageError(`${flag} is required`);
  const trimmed = text.trim();
  const value = /^[0-9]+$/.test(trimmed) ? Number(trimmed) : NaN;
  if (!Number.isSafeInteger(value) || (!allowZero && value === 0)) {
    throw new UsageError(`${flag} must be a whole number ${allowZero ? '≥ 0' : '> 0'}, got '${text}'`);
  }
  return value;
}

/** parseCount for an optional flag. */
export function optionalCount(flag: string, text: string | undefined, allowZero = false): number | undefined {
  return text === undefined ? undefined : parseCount(flag, text, allowZero);
}

/** One of a fixed set of names, else a UsageError listing them. */
export function parseChoice<T extends string>(flag: string, text: string, choices: readonly T[]): T {
  if ((choices as readonly string[]).includes(text)) return text as T;
  throw new UsageError(`${flag} '${text}' is not known; use one of: ${choices.join(', ')}`);
}
