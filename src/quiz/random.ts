/**
 * Seeded randomness for per-student variants. The same (bank id, question id, seed) gives the same draws on
 * every machine: the triple is hashed with 32-bit FNV-1a over its UTF-8 bytes, and the hash seeds pure-rand's
 * xoroshiro128+. Integer draws use pure-rand's uniformInt, which is exact (no floating-point modulo bias).
 */
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformInt } from 'pure-rand/distribution/uniformInt';

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const utf8 = new TextEncoder();

/** 32-bit FNV-1a of the string's UTF-8 bytes, as an unsigned integer. */
export function fnv1a32(text: string): number {
  let hash = FNV_OFFSET;
  for (const byte of utf8.encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, FNV_PRIME);
  }
  return hash >>> 0;
}

/** Draws integers in [from, to]; one stream per question variant. */
export interface Draw {
  int(from: number, to: number): number;
}

/** The key a variant's stream is seeded from. Scenario parts use "scenarioId/partId" as questionId. */
export function variantKey(bankId: string, questionId: string, seed: number): string {
  return `${bankId}\u0000${questionId}\u0000${seed}`;
}

export function drawFor(bankId: string, questionId: string, seed: number): Draw {
  const rng = xoroshiro128plus(fnv1a32(variantKey(bankId, questionId, seed)) | 0);
  return { int: (from, to) => uniformInt(rng, from, to) };
}

/** Fisher–Yates shuffle of a copy, drawing from the question's stream. */
export function shuffled<T>(items: readonly T[], draw: Draw): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = draw.int(0, i);
    const tmp = out[i]!;
    out[i] = out[j]!;
    out[j] = tmp;
  }
  return out;
}
