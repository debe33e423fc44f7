/**
 * Where a token's attention went: the softmax weights one query head puts on each pair a cache shows it,
 * with each pair's sequence position. Recomputed in float64 from the cache's own keys and the query the
 * decoder used, so a notebook can measure what a window drops (the weight a full cache gives to positions
 * the window has evicted) and what sinks keep (the weight on the first tokens) from a decoder's real state.
 */
import type { KvCache } from './kv-cache.js';

/** One query head's attention over the pairs a cache shows it, in the cache's slot order (not position order once a ring wraps). */
export interface AttentionWeights {
  /** The sequence position (0-based) of each attended pair. */
  positions: number[];
  /** softmax_j(q·k_j / √headDim) over those pairs; sums to 1. */
  weights: number[];
}

/**
 * The weights of `query` ([headDim], as attention used it: rotated when the model rotates) over the pairs
 * the cache shows in `layer` for KV head `kvHead`.
 */
export function weightsOver(cache: KvCache, layer: number, kvHead: number, query: Float32Array, queryOffset: number): AttentionWeights {
  const { headDim } = cache.shape;
  const keys = cache.keys(layer, kvHead);
  const runs = cache.attendedRuns(layer);
  const scale = 1 / Math.sqrt(headDim);
  const positions: number[] = [];
  const scores: number[] = [];
  for (let r = 0; r < runs.count; r++) {
    for (let slot = runs.starts[r]!; slot < runs.ends[r]!; slot++) {
      let dot = 0;
      for (let e = 0; e < headDim; e++) dot += query[queryOffset + e]! * keys[slot * headDim + e]!;
      scores.push(dot * scale);
      positions.push(cache.positionAt(layer, slot));
    }
  }
  // Subtracting the largest score keeps every e^x ≤ 1 (a loop, not Math.max(...scores): no spread of a long array).
  let max = -Infinity;
  for (const s of scores) if (s > max) max = s;
  let total = 0;
  const weights = scores.map((s) => {
    const w = Math.exp(s - max);
    total += w;
    return w;
  });
  return { positions, weights: weights.map((w) => w / total) };
}
