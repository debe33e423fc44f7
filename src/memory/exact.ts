/**
 * Exact whole-number arithmetic for byte counts. Sums and products run in BigInt and come back as a
 * number only when it is exact (≤ 2^53 − 1); past that a double would round, so the count is refused.
 */
import { MemoryInputError } from './errors.js';

const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** A BigInt count as an exact number, or a MemoryInputError naming `field`. */
export function exactNumber(field: string, value: bigint): number {
  if (value > SAFE) {
    throw new MemoryInputError(field, `the byte count ${value} exceeds 2^53 − 1; use smaller sizes`);
  }
  return Number(value);
}

/** ⌈a / b⌉ for whole a ≥ 0 and b > 0. */
export function ceilDiv(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b;
}

/** A whole number > 0 (≥ 0 with allowZero), else a MemoryInputError naming the field. */
export function requireWhole(field: string, value: number | undefined, allowZero = false): number {
  if (value === undefined || !Number.isSafeInteger(value) || value < 0 || (!allowZero && value === 0)) {
    throw new MemoryInputError(field, `${field} must be a whole number ${allowZero ? '≥ 0' : '> 0'} (got ${value})`);
  }
  return value;
}
