/**
 * From a student's id to the seed of their quiz variants. A student types whatever id they have: a number
 * (`1234567`), a quoted id with letters or leading zeros (`'s01234567'`, `'01234567'`), even a negative or
 * fractional number by mistake. Every one of them gives a seed, and the same seed on every machine:
 *
 * - a whole number ≥ 0 (below 2^53), or a text of decimal digits only with that value, is the seed itself, so
 *   `1234567` and `'1234567'` (and `'01234567'`) give seed 1234567, the number `kvlab quiz --seed` takes;
 * - anything else is hashed: the seed is the 32-bit FNV-1a hash of the id's UTF-8 text (the text of a number
 *   as JavaScript writes it, e.g. '-5' or '1.5'), an integer in 0 … 2^32 − 1. Surrounding spaces are ignored.
 *
 * FNV-1a is the same hash that draws the variants (src/quiz/random.ts): no platform, locale or library version
 * changes it.
 */
import { fnv1a32 } from '../quiz/random.js';

/** What a notebook accepts as a student id. */
export type StudentId = string | number;

/** The quiz seed of a student id: see the module comment for the rule. Never throws for a string or number. */
export function studentSeed(id: StudentId): number {
  if (typeof id === 'number') {
    return Number.isSafeInteger(id) && id >= 0 ? id : fnv1a32(String(id));
  }
  const text = String(id).trim();
  if (/^\d+$/.test(text) && Number.isSafeInteger(Number(text))) return Number(text);
  return fnv1a32(text);
}
