/** Parsing flag values into checked numbers, with messages that name the flag. */
import { UsageError } from './errors.js';

/** A whole number > 0 (or ≥ 0 with allowZero) from a flag's text, else a UsageError naming the flag. */
export function parseCount(flag: string, text: string | undefined, allowZero = false): number {
  if (text === undefined) throw new UsageError(`${flag} is required`);
  const trimmed = text.trim();
  const shown = quoted(text);
  if (/^[0-9]+$/.test(trimmed)) {
    const value = Number(trimmed);
    if (!Number.isSafeInteger(value)) throw new UsageError(`${flag} is too large: at most 2^53 − 1 (${Number.MAX_SAFE_INTEGER}), got ${shown}`);
    if (!allowZero && value === 0) throw new UsageError(`${flag} must be a whole number > 0, got ${shown}`);
    return value;
  }
  // "2^53", "4e3", "2*1024": a number the user meant, written as arithmetic kvlab does not do.
  if (/^[0-9.eE+\-*/^() ]+$/.test(trimmed) && /[0-9]/.test(trimmed) && /[\^*/eE]|\d\s*[+-]\s*\d/.test(trimmed)) {
    throw new UsageError(`${flag} must be a whole number written in digits (kvlab does not compute ${shown}), e.g. 4096`);
  }
  throw new UsageError(`${flag} must be a whole number ${allowZero ? '≥ 0' : '> 0'}, got ${shown}`);
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

/**
 * A flag's value echoed on one line: quoted, newlines escaped, cut after 80 characters. (The quiz's
 * quoteInput does the same; it is not imported here so `kvlab memory` loads nothing of the quiz engine.)
 */
function quoted(text: string): string {
  const shown = text.length > 80 ? `${text.slice(0, 80)}…` : text;
  return `'${JSON.stringify(shown).slice(1, -1).replace(/\\"/g, '"')}'`;
}
