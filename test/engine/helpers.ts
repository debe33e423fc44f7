/** Shared helpers for the engine tests: seeded data, float64 oracles written independently of src/engine. */
import fc from 'fast-check';
import { expect } from 'vitest';
import type { CachePolicy, WindowConvention } from '../../src/memory/index.js';
import { Rng, type AttentionKernel } from '../../src/engine/index.js';

/** rows × cols of seeded normals, as plain float32-representable numbers (what the cache stores). */
export function randomRows(rng: Rng, rows: number, cols: number): number[][] {
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => Math.fround(rng.normal())));
}

/** Row i of `rows` laid out as a Float32Array [heads][headDim] from per-head matrices [head][token][dim]. */
export function tokenVector(perHead: number[][][], token: number): Float32Array {
  return Float32Array.from(perHead.flatMap((rowsOfHead) => rowsOfHead[token]!));
}

/**
 * Float64 attention of one query over keys/values with an arbitrary visibility mask: the oracle for
 * everything that is not a plain window (sinks). Independent of src/engine and of attendReference.
 */
export function maskedAttention(
  q: readonly number[],
  k: readonly (readonly number[])[],
  v: readonly (readonly number[])[],
  visible: (j: number) => boolean,
): number[] {
  const scale = 1 / Math.sqrt(q.length);
  const js = k.map((_, j) => j).filter(visible);
  const scores = js.map((j) => scale * q.reduce((s, qe, e) => s + qe * k[j]![e]!, 0));
  const max = Math.max(...scores);
  const w = scores.map((s) => Math.exp(s - max));
  const total = w.reduce((a, b) => a + b, 0);
  return v[0]!.map((_, e) => js.reduce((s, j, idx) => s + (w[idx]! / total) * v[j]![e]!, 0));
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

/** Shapes with g dividing τ: [heads, kvHeads]. */
export const headsArb = fc
  .tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 3 }))
  .map(([kvHeads, group]) => ({ heads: kvHeads * group, kvHeads }));

export const conventionArb: fc.Arbitrary<WindowConvention> = fc.constantFrom('w-keys', 'w-plus-one');

/** Every cache policy, with small sizes so wrap-arounds happen within a test's length. */
export const policyArb: fc.Arbitrary<CachePolicy> = fc.oneof(
  fc.constant<CachePolicy>({ kind: 'full' }),
  fc.record({ window: fc.integer({ min: 1, max: 9 }), convention: conventionArb }).map((p): CachePolicy => ({ kind: 'window', ...p })),
  fc
    .record({ window: fc.integer({ min: 1, max: 9 }), sinks: fc.integer({ min: 1, max: 4 }), convention: conventionArb })
    .map((p): CachePolicy => ({ kind: 'sinks', ...p })),
  fc.integer({ min: 1, max: 9 }).map((window): CachePolicy => ({ kind: 'moving-average', window })),
  fc.constant<CachePolicy>({ kind: 'cumulative' }),
  fc
    .record({
      window: fc.integer({ min: 1, max: 8 }),
      compression: fc.integer({ min: 1, max: 4 }),
      segmentGroups: fc.integer({ min: 1, max: 3 }),
      compressedSlots: fc.integer({ min: 1, max: 4 }),
    })
    .map(
      (p): CachePolicy => ({
        kind: 'compressive',
        window: p.window,
        compression: p.compression,
        segment: p.compression * p.segmentGroups,
        compressedSlots: p.compressedSlots,
      }),
    ),
);

/**
 * Both decode attention kernels: every windowed-decode, prefill and cache property runs against each.
 * Not filtered by runtime support: the engines field requires Node ≥ 20.19, which has WebAssembly SIMD,
 * and a runtime without it should fail these suites loudly rather than skip half of them.
 */
export const KERNELS: readonly AttentionKernel[] = ['js', 'wasm'];

/**
 * Largest |a − b| / (1 + |b|): numpy's allclose measure, for logits, whose size varies. The wasm kernel sums
 * the projections in float32 and prefill in float64, so two correct paths differ by a relative ~1e-6 that
 * grows with the logit; a bug differs by orders of magnitude more.
 */
export function maxScaledDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!) / (1 + Math.abs(b[i]!)));
  return max;
}

/**
 * The tolerance decode, prefill and the two kernels are held to on logits, in maxScaledDiff's measure.
 * Measured over 5,000 random models (1–3 layers, head dims 1–6, full and window, wasm decode against float64
 * prefill): median 5.1e-7, p99 2.2e-6, p99.9 6.7e-6, max 4.4e-5 (float32 sums that nearly cancel, at head
 * dim 1). 2e-4 clears that tail; a wrong mask, slot or position differs by 1e-3 or more (the tests check a
 * window that bites does).
 */
export const LOGITS_TOLERANCE = 2e-4;
