/**
 * A student id to a quiz seed, the same on every machine and in every front end (notebook, web page,
 * terminal). A whole number ≥ 0 is its own seed, written as a number or as canonical decimal text
 * ("7" and 7 agree); anything else (a leading zero as in "01234567", letters, a sign, a fraction) is
 * hashed: the 32-bit FNV-1a hash of the id's UTF-8 bytes. So every id a student has gives a seed,
 * and none is an error.
 */
import { fnv1a32 } from './random.js';

export function studentSeed(id: string | number): number {
  if (typeof id === 'number') {
    if (Number.isSafeInteger(id) && id >= 0) return id;
    return fnv1a32(String(id));
  }
  const text = id.trim();
  if (/^(0|[1-9][0-9]*)$/.test(text) && Number.isSafeInteger(Number(text))) return Number(text);
  return fnv1a32(text);
}
