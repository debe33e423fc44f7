/**
 * decoder.attentionWeights: where the last token's attention went, per layer and head, with each pair's
 * position. Checked against attention worked out by hand for a decoder whose projections are the identity
 * (its queries and keys are the normalised embeddings), and against the full cache: a window's weights are
 * the full cache's over the positions it keeps, renormalised.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decoder, createDecoder, Rng, type DecoderWeights } from '../../src/engine/index.js';
import { KERNELS } from './helpers.js';

/** x / √(mean(x²) + 1e-6), in float64: the decoder's RMSNorm. */
function normalised(x: ArrayLike<number>): number[] {
  let squares = 0;
  for (let i = 0; i < x.length; i++) squares += x[i]! * x[i]!;
  const inv = 1 / Math.sqrt(squares / x.length + 1e-6);
  return Array.from(x, (v) => v * inv);
}

describe.each(KERNELS)('attentionWeights (%s kernel)', (kernel) => {
  it('are softmax(q·k/√d) over the cached tokens, worked out by hand for identity projections, in both layers', () => {
    // With every projection the identity, a layer's queries and keys are its normalised inputs and its
    // values too, so two layers can be followed in float64: x₁(t) = x₀(t) + Σ_j w_j · n(x₀(j)).
    const d = 8;
    const vocab = 12;
    const rng = new Rng(4);
    const identity = new Float32Array(d * d);
    for (let i = 0; i < d; i++) identity[i * d + i] = 1;
    const layer = { wq: identity, wk: identity, wv: identity, wo: identity };
    const weights: DecoderWeights = { embedding: rng.normalArray(vocab * d), layers: [layer, layer] };
    const decoder = new Decoder({ layers: 2, heads: 1, headDim: d, vocab }, { kind: 'full' }, weights, { kernel });
    const tokens = [3, 7, 7, 0, 11, 5, 2];
    for (const t of tokens) decoder.step(t);
    const softmax = (q: number[], keys: number[][]) => {
      const scores = keys.map((k) => k.reduce((s, v, i) => s + v * q[i]!, 0) / Math.sqrt(d));
      const max = Math.max(...scores);
      const e = scores.map((x) => Math.exp(x - max));
      const total = e.reduce((s, x) => s + x, 0);
      return e.map((x) => x / total);
    };
    let inputs = tokens.map((t) => Array.from(weights.embedding.subarray(t * d, (t + 1) * d)));
    for (let l = 0; l < 2; l++) {
      const n = inputs.map(normalised);
      const expected = softmax(n[n.length - 1]!, n);
      const { positions, weights: actual } = decoder.attentionWeights(l, 0);
      expect(positions).toEqual([0, 1, 2, 3, 4, 5, 6]);
      actual.forEach((w, j) => expect(w, `layer ${l}, position ${j}`).toBeCloseTo(expected[j]!, 5));
      // The next layer's inputs: each token attends causally over the tokens up to itself.
      inputs = inputs.map((x, t) => {
        const w = softmax(n[t]!, n.slice(0, t + 1));
        return x.map((v, i) => v + w.reduce((s, wj, j) => s + wj * n[j]![i]!, 0));
      });
    }
  });

  it("of a window or sinks cache are the full cache's over the positions it keeps, renormalised (layer 0)", () => {
    fc.assert(
      fc.property(
        fc.constantFrom<[number, number]>([4, 4], [4, 2], [4, 1]),
        fc.constantFrom<'none' | 'absolute'>('none', 'absolute'),
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 1, max: 100 }),
        ([heads, kvHeads], rope, steps, seed) => {
          const config = { layers: 2, heads, kvHeads, headDim: 8, vocab: 40, seed, rope };
          const full = createDecoder(config, { kind: 'full' }, { kernel });
          const windowed = createDecoder(config, { kind: 'window', window: 16 }, { kernel });
          const sinks = createDecoder(config, { kind: 'sinks', sinks: 2, window: 10 }, { kernel });
          for (let t = 0; t < steps; t++) [full, windowed, sinks].forEach((d) => d.step((t * 7 + seed) % 40));
          for (let h = 0; h < heads; h++) {
            const all = full.attentionWeights(0, h);
            expect(all.positions).toEqual(Array.from({ length: steps }, (_, j) => j));
            expect(all.weights.reduce((s, w) => s + w, 0)).toBeCloseTo(1, 12);
            for (const kept of [windowed.attentionWeights(0, h), sinks.attentionWeights(0, h)]) {
              const mass = kept.positions.reduce((s, p) => s + all.weights[p]!, 0);
              kept.positions.forEach((p, j) => expect(kept.weights[j]).toBeCloseTo(all.weights[p]! / mass, 9));
            }
            expect([...windowed.attentionWeights(0, h).positions].sort((a, b) => a - b)).toEqual(Array.from({ length: Math.min(steps, 16) }, (_, j) => Math.max(0, steps - 16) + j));
          }
        },
      ),
      { numRuns: 30 },
    );
  });
});

describe('attentionWeights', () => {
  it('tell heads apart, and refuse what has no per-token weights, in one line', () => {
    const decoder = createDecoder({ layers: 1, heads: 2, headDim: 8, vocab: 16, seed: 2 }, { kind: 'full' });
    for (let t = 0; t < 10; t++) decoder.step(t);
    expect(decoder.attentionWeights(0, 0).weights).not.toEqual(decoder.attentionWeights(0, 1).weights);
    expect(() => decoder.attentionWeights(1, 0)).toThrow('layer must be 0..0 (got 1)');
    expect(() => decoder.attentionWeights(0, 2)).toThrow('head must be 0..1 (got 2)');
    expect(() => decoder.attentionWeights('0' as unknown as number, 0)).toThrow("layer must be 0..0 (got '0')");
    decoder.prefill([1, 2]);
    expect(() => decoder.attentionWeights(0, 0)).toThrow('right after step(): it reads the queries of the last step, and prefill() keeps none');
    const pooled = createDecoder({ layers: 1, heads: 1, headDim: 8, vocab: 16 }, { kind: 'moving-average', window: 4 });
    pooled.step(1);
    expect(() => pooled.attentionWeights(0, 0)).toThrow('a moving-average cache pools tokens');
    const streaming = createDecoder({ layers: 1, heads: 1, headDim: 8, vocab: 16, rope: 'streaming' }, { kind: 'window', window: 4 });
    streaming.step(1);
    expect(() => streaming.attentionWeights(0, 0)).toThrow("not 'streaming'");
  });
});
