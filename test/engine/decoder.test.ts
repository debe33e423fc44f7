/**
 * The decoder: token-by-token decode (ring buffers, shared kernel) against one-shot prefill (matrix form,
 * positions and a band mask), chunked prefill against unchunked, as in Mistral's reference tests.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CachePolicy } from '../../src/memory/index.js';
import { createDecoder, decodeStepFlops, resolveConfig, type AttentionKernel } from '../../src/engine/index.js';
import { KERNELS, conventionArb, headsArb, maxAbsDiff, maxScaledDiff, LOGITS_TOLERANCE } from './helpers.js';

const VOCAB = 32;

/** Logits of every position, stepping one token at a time. */
function decodeAll(config: Parameters<typeof createDecoder>[0], policy: CachePolicy, tokens: number[], kernel?: AttentionKernel): Float32Array {
  const decoder = createDecoder(config, policy, { kernel });
  const out = new Float32Array(tokens.length * VOCAB);
  tokens.forEach((t, i) => out.set(decoder.step(t), i * VOCAB));
  return out;
}

const tokensArb = (min: number, max: number) => fc.array(fc.integer({ min: 0, max: VOCAB - 1 }), { minLength: min, maxLength: max });

const prefillPolicyArb: fc.Arbitrary<CachePolicy> = fc.oneof(
  fc.constant<CachePolicy>({ kind: 'full' }),
  fc.record({ window: fc.integer({ min: 1, max: 8 }), convention: conventionArb }).map((p): CachePolicy => ({ kind: 'window', ...p })),
  fc
    .record({ window: fc.integer({ min: 1, max: 6 }), sinks: fc.integer({ min: 1, max: 3 }), convention: conventionArb })
    .map((p): CachePolicy => ({ kind: 'sinks', ...p })),
);

describe.each(KERNELS)('decode with the %s kernel equals prefill', (kernel) => {
  it("Mistral's case: 1 layer, 4 heads, 2 KV heads, windows 3 and 4, within 1e-5", () => {
    for (const window of [3, 4]) {
      const config = { layers: 1, heads: 4, kvHeads: 2, headDim: 8, vocab: VOCAB, seed: window };
      const tokens = Array.from({ length: 17 }, (_, i) => (i * 7 + 3) % VOCAB);
      const decoded = decodeAll(config, { kind: 'window', window }, tokens, kernel);
      const prefilled = createDecoder(config, { kind: 'window', window }, { kernel }).prefill(tokens);
      expect(maxScaledDiff(decoded, prefilled)).toBeLessThan(LOGITS_TOLERANCE);
      // A window that bites: the full model gives different logits.
      expect(maxAbsDiff(decoded, decodeAll(config, { kind: 'full' }, tokens, kernel))).toBeGreaterThan(1e-3);
    }
  });

  it('for any shape, full / window / sinks policy and prompt', () => {
    fc.assert(
      fc.property(
        headsArb,
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 6 }),
        prefillPolicyArb,
        tokensArb(1, 24),
        fc.integer(),
        ({ heads, kvHeads }, layers, headDim, policy, tokens, seed) => {
          const config = { layers, heads, kvHeads, headDim, vocab: VOCAB, seed };
          const decoded = decodeAll(config, policy, tokens, kernel);
          const prefilled = createDecoder(config, policy, { kernel }).prefill(tokens);
          expect(maxScaledDiff(decoded, prefilled)).toBeLessThan(LOGITS_TOLERANCE);
        },
      ),
      { numRuns: 120 },
    );
  });

  it('chunked prefill equals unchunked, and decoding on after a prefill equals decoding throughout', () => {
    fc.assert(
      fc.property(
        headsArb,
        fc.integer({ min: 1, max: 2 }),
        prefillPolicyArb,
        tokensArb(2, 30),
        fc.integer({ min: 1, max: 7 }),
        fc.integer(),
        ({ heads, kvHeads }, layers, policy, tokens, chunk, seed) => {
          const config = { layers, heads, kvHeads, headDim: 4, vocab: VOCAB, seed };
          const whole = createDecoder(config, policy, { kernel }).prefill(tokens);
          const chunked = createDecoder(config, policy, { kernel }).prefill(tokens, chunk);
          expect(maxScaledDiff(chunked, whole)).toBeLessThan(LOGITS_TOLERANCE);

          const split = Math.floor(tokens.length / 2);
          const decoder = createDecoder(config, policy, { kernel });
          const head = decoder.prefill(tokens.slice(0, split), chunk);
          const tail = tokens.slice(split).map((t) => Array.from(decoder.step(t)));
          const mixed = Float32Array.from([...head, ...tail.flat()]);
          expect(maxScaledDiff(mixed, whole)).toBeLessThan(LOGITS_TOLERANCE);
          expect(decoder.tokens).toBe(tokens.length);
        },
      ),
      { numRuns: 120 },
    );
  });

  it('the averaging memories prefill by stepping, so their prefill is their decode', () => {
    const config = { layers: 2, heads: 2, headDim: 4, vocab: VOCAB };
    const tokens = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    for (const policy of [
      { kind: 'moving-average', window: 3 },
      { kind: 'cumulative' },
      { kind: 'compressive', window: 3, segment: 2, compression: 2, compressedSlots: 2 },
    ] as CachePolicy[]) {
      expect(maxAbsDiff(createDecoder(config, policy, { kernel }).prefill(tokens, 3), decodeAll(config, policy, tokens, kernel))).toBe(0);
    }
  });
});

describe('the decoder', () => {
  it('is seeded: the same seed gives the same logits, another seed others', () => {
    const tokens = [3, 1, 4, 1, 5, 9, 2, 6];
    const policy: CachePolicy = { kind: 'window', window: 4 };
    const a = decodeAll({ layers: 2, heads: 2, headDim: 4, vocab: VOCAB, seed: 42 }, policy, tokens);
    const b = decodeAll({ layers: 2, heads: 2, headDim: 4, vocab: VOCAB, seed: 42 }, policy, tokens);
    const c = decodeAll({ layers: 2, heads: 2, headDim: 4, vocab: VOCAB, seed: 43 }, policy, tokens);
    expect(maxAbsDiff(a, b)).toBe(0);
    expect(maxAbsDiff(a, c)).toBeGreaterThan(0.1);
  });

  it('reuses its buffers: step returns the same array every time, and the cache counts tokens', () => {
    const decoder = createDecoder({ layers: 1, heads: 2, headDim: 4, vocab: VOCAB }, { kind: 'window', window: 2 });
    const first = decoder.step(1);
    expect(decoder.step(2)).toBe(first);
    expect(decoder.tokens).toBe(2);
    expect(first.length).toBe(VOCAB);
  });

  it('rejects tokens outside the vocabulary and bad shapes', () => {
    const decoder = createDecoder({ layers: 1, heads: 2, headDim: 4, vocab: VOCAB }, { kind: 'full' });
    expect(() => decoder.step(VOCAB)).toThrow(/outside the vocabulary 0..31/);
    expect(() => decoder.step(1.5)).toThrow(RangeError);
    expect(() => decoder.prefill([1, -1])).toThrow(/token -1/);
    expect(() => createDecoder({ layers: 1, heads: 3, kvHeads: 2, headDim: 4 }, { kind: 'full' })).toThrow(/must divide/);
  });

  it('counts FLOPs as 2 per multiply-add: projections, QK, PV, output, logits', () => {
    const config = resolveConfig({ layers: 2, heads: 4, kvHeads: 2, headDim: 8, vocab: 10 });
    const d = 32;
    const perLayer = 2 * d * (4 + 2 * 2) * 8 + 2 * 4 * 8 * 100 + 2 * 4 * 8 * 100 + 2 * d * d;
    expect(decodeStepFlops(config, 100)).toBe(2 * perLayer + 2 * 10 * d);
  });
});
