/**
 * Rotary position embedding: q·k after rotation depends only on the distance i − j; decode equals prefill
 * with RoPE in both modes; keys rotated at their absolute position are final, so a ring never re-rotates;
 * and StreamingLLM's variant (positions numbered within the cache) agrees with it until the window slides,
 * and differs after.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CachePolicy } from '../../src/memory/index.js';
import { RopeAngles, createDecoder, dot4, rotateHead, type DecoderConfig } from '../../src/engine/index.js';
import { KERNELS, conventionArb, headsArb, maxAbsDiff, maxScaledDiff, LOGITS_TOLERANCE } from './helpers.js';

const VOCAB = 32;
const tokensArb = (min: number, max: number) => fc.array(fc.integer({ min: 0, max: VOCAB - 1 }), { minLength: min, maxLength: max });

function decodeAll(config: DecoderConfig, policy: CachePolicy, tokens: readonly number[], kernel?: 'js' | 'wasm'): number[][] {
  const decoder = createDecoder(config, policy, { kernel });
  return tokens.map((t) => Array.from(decoder.step(t)));
}

/** x rotated at `position`, as a new Float32Array. */
function rotated(x: Float32Array, position: number, base?: number): Float32Array {
  const angles = new RopeAngles(x.length, base);
  angles.at(position);
  const out = new Float32Array(x.length);
  rotateHead(out, 0, x, 0, x.length, angles.cos, angles.sin, 0);
  return out;
}

describe('rotary position embedding', () => {
  it('q·k after rotation depends only on the distance i − j', () => {
    const vector = (d: number) => fc.array(fc.float({ min: -2, max: 2, noNaN: true }), { minLength: d, maxLength: d }).map((xs) => Float32Array.from(xs));
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 16 }).map((h) => 2 * h).chain((d) => fc.tuple(vector(d), vector(d))),
        fc.integer({ min: 0, max: 5000 }),
        fc.integer({ min: 0, max: 5000 }),
        fc.integer({ min: -2000, max: 5000 }),
        ([q, k], i, j, shift) => {
          fc.pre(i + shift >= 0 && j + shift >= 0);
          const at = (a: number, b: number) => dot4(rotated(q, a), 0, rotated(k, b), 0, q.length);
          const scale = 1 + q.reduce((s, x) => s + x * x, 0) + k.reduce((s, x) => s + x * x, 0);
          expect(Math.abs(at(i, j) - at(i + shift, j + shift))).toBeLessThan(1e-5 * scale);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('is a rotation: norms kept, position 0 is the identity, and distance changes the score', () => {
    const q = Float32Array.from([1, 0, 0.5, -1, 2, 0.25]);
    const k = Float32Array.from([0.3, 1, -0.5, 0.5, 1, 1]);
    const norm = (x: Float32Array) => Math.hypot(...x);
    expect(norm(rotated(q, 1234))).toBeCloseTo(norm(q), 5);
    expect(Array.from(rotated(q, 0))).toEqual(Array.from(q));
    const score = (distance: number) => dot4(rotated(q, 100 + distance), 0, rotated(k, 100), 0, 6);
    expect(Math.abs(score(1) - score(0))).toBeGreaterThan(0.1);
    expect(Math.abs(score(7) - score(1))).toBeGreaterThan(0.1);
  });

  it('is off by default: the first token (angle 0) is unchanged, later ones are not', () => {
    const config = { layers: 2, heads: 2, headDim: 4, vocab: VOCAB, seed: 5 };
    const tokens = [3, 1, 4, 1, 5];
    const none = decodeAll(config, { kind: 'full' }, tokens);
    expect(decodeAll({ ...config, rope: 'none' }, { kind: 'full' }, tokens)).toEqual(none);
    const rope = decodeAll({ ...config, rope: 'absolute' }, { kind: 'full' }, tokens);
    expect(maxAbsDiff(rope[0]!, none[0]!)).toBeLessThan(1e-6);
    expect(maxAbsDiff(rope[4]!, none[4]!)).toBeGreaterThan(1e-3);
  });

  it('rejects an odd head size and a streaming scheme on a pooled memory', () => {
    expect(() => createDecoder({ layers: 1, heads: 1, headDim: 3, rope: 'absolute' }, { kind: 'full' })).toThrow(/headDim must be even/);
    expect(() => createDecoder({ layers: 1, heads: 1, headDim: 4, rope: 'streaming' }, { kind: 'cumulative' })).toThrow(/full, window or sinks/);
    expect(() => createDecoder({ layers: 1, heads: 1, headDim: 4, rope: 'alibi' as 'absolute' }, { kind: 'full' })).toThrow(/rope must be/);
  });
});

const prefillPolicyArb: fc.Arbitrary<CachePolicy> = fc.oneof(
  fc.constant<CachePolicy>({ kind: 'full' }),
  fc.record({ window: fc.integer({ min: 1, max: 8 }), convention: conventionArb }).map((p): CachePolicy => ({ kind: 'window', ...p })),
  fc
    .record({ window: fc.integer({ min: 1, max: 6 }), sinks: fc.integer({ min: 1, max: 3 }), convention: conventionArb })
    .map((p): CachePolicy => ({ kind: 'sinks', ...p })),
);

describe.each(KERNELS)('with RoPE, decode equals prefill (%s kernel)', (kernel) => {
  it.each(['absolute', 'streaming'] as const)("rope '%s': for any shape, full / window / sinks policy, prompt and chunk", (rope) => {
    fc.assert(
      fc.property(
        headsArb,
        fc.integer({ min: 1, max: 2 }),
        fc.integer({ min: 1, max: 4 }).map((h) => 2 * h),
        prefillPolicyArb,
        tokensArb(1, 24),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 0, max: 1 }),
        fc.integer(),
        ({ heads, kvHeads }, layers, headDim, policy, tokens, chunk, paged, seed) => {
          const config = { layers, heads, kvHeads, headDim, vocab: VOCAB, seed, rope };
          const options = { kernel, blockSize: paged ? 3 : undefined };
          const decoder = createDecoder(config, policy, options);
          const decoded = tokens.flatMap((t) => Array.from(decoder.step(t)));
          const prefilled = createDecoder(config, policy, options).prefill(tokens, chunk);
          expect(maxScaledDiff(decoded, prefilled)).toBeLessThan(LOGITS_TOLERANCE);
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('absolute positions: a key is rotated once, before it is cached', () => {
  it.each(KERNELS)('a ring slot holds exactly the rotated key a full cache holds for that position, never re-rotated (%s kernel)', (kernel) => {
    const config = { layers: 2, heads: 4, kvHeads: 2, headDim: 8, vocab: VOCAB, seed: 9, rope: 'absolute' as const };
    const W = 5;
    // One layer, so both decoders see the same keys (with two, the window changes layer 1's input).
    const one = { ...config, layers: 1 };
    const ring = createDecoder(one, { kind: 'window', window: W }, { kernel });
    const full = createDecoder(one, { kind: 'full' }, { kernel });
    const slot = (d: typeof ring, s: number) => Array.from(d.cache.keys(0, 1).subarray(s * 8, (s + 1) * 8));
    for (let t = 0; t < 23; t++) {
      ring.step((t * 5) % VOCAB);
      full.step((t * 5) % VOCAB);
      // Every position in the window: the ring's slot p mod W equals the full cache's slot p, bit for bit.
      for (let p = Math.max(0, t - W + 1); p <= t; p++) expect(slot(ring, p % W)).toEqual(slot(full, p));
    }
  });
});

describe('StreamingLLM positions (keys cached unrotated, numbered within the cache)', () => {
  const config = { layers: 2, heads: 4, kvHeads: 2, headDim: 8, vocab: VOCAB, seed: 21 };
  const tokens = Array.from({ length: 30 }, (_, i) => (i * 13 + 7) % VOCAB);

  it.each(KERNELS)('agrees with absolute positions before any eviction, and differs once the window has slid (%s kernel)', (kernel) => {
    const sinks: CachePolicy = { kind: 'sinks', sinks: 2, window: 6 };
    const absolute = decodeAll({ ...config, rope: 'absolute' }, sinks, tokens, kernel);
    const streaming = decodeAll({ ...config, rope: 'streaming' }, sinks, tokens, kernel);
    // Up to m = S + W = 8 every token is cached at its own position: the two schemes are one.
    for (let i = 0; i < 8; i++) expect(maxScaledDiff(absolute[i]!, streaming[i]!)).toBeLessThan(LOGITS_TOLERANCE);
    // From m = 9 on, the window's pairs sit at cache positions 2..7, not at their absolute ones.
    for (let i = 8; i < tokens.length; i++) expect(maxAbsDiff(absolute[i]!, streaming[i]!)).toBeGreaterThan(1e-4);
  });

  it('under full attention the cache position is the absolute one: the schemes agree throughout', () => {
    const absolute = decodeAll({ ...config, rope: 'absolute' }, { kind: 'full' }, tokens);
    const streaming = decodeAll({ ...config, rope: 'streaming' }, { kind: 'full' }, tokens);
    expect(maxScaledDiff(absolute.flat(), streaming.flat())).toBeLessThan(LOGITS_TOLERANCE);
  });

  it('a plain window: numbering within the cache keeps every distance, so the schemes agree throughout', () => {
    // Cache positions p − w0 and the query at n − 1 = (m − 1) − w0: the same distances as absolute
    // positions. Only sinks, which keep old positions beside recent ones, tell the schemes apart.
    const policy: CachePolicy = { kind: 'window', window: 5 };
    const absolute = decodeAll({ ...config, rope: 'absolute' }, policy, tokens);
    const streaming = decodeAll({ ...config, rope: 'streaming' }, policy, tokens);
    expect(maxScaledDiff(absolute.flat(), streaming.flat())).toBeLessThan(LOGITS_TOLERANCE);
  });

  it('with sinks, the cache is read as a fresh sequence of what it holds; absolute positions are not', () => {
    // 2 sinks + a window of 4 after 30 tokens hold tokens 0, 1 and 26..29. Streaming positions number
    // them 0..5, exactly as a fresh prompt of those six tokens would be; absolute positions keep the
    // sinks 26+ positions away. One layer, so the keys are the same in both runs.
    const one = { ...config, layers: 1 };
    const kept = [...tokens.slice(0, 2), ...tokens.slice(-4)];
    const sinks: CachePolicy = { kind: 'sinks', sinks: 2, window: 4 };
    const fresh = decodeAll({ ...one, rope: 'streaming' }, { kind: 'full' }, kept).at(-1)!;
    expect(maxScaledDiff(decodeAll({ ...one, rope: 'streaming' }, sinks, tokens).at(-1)!, fresh)).toBeLessThan(LOGITS_TOLERANCE);
    expect(maxAbsDiff(decodeAll({ ...one, rope: 'absolute' }, sinks, tokens).at(-1)!, fresh)).toBeGreaterThan(1e-4);
  });
});
