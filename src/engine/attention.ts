/**
 * The one decode kernel every cache shares: scaled dot-product attention of one query head over the
 * prefix [0, slots) of a KV head's buffers. Each cache arranges its buffers so the pairs a query may see
 * are exactly that prefix, which is why this file knows nothing about windows, sinks or means.
 *
 * Slot order is not time order (a ring buffer wraps around). That is fine: softmax over a set of scores
 * and the weighted sum of values do not depend on the order of the set, so the ring is never unrotated.
 */
import { dot4 } from './linalg.js';
import type { KvCache } from './kv-cache.js';

/** Scratch space for the kernel, allocated once and grown only when a cache grows (the full cache). */
export class AttentionScratch {
  /** Scores, then softmax weights, one per slot. */
  scores: Float64Array;
  /** The weighted sum of values for one head: [headDim]. */
  readonly acc: Float64Array;

  constructor(slots: number, headDim: number) {
    this.scores = new Float64Array(Math.max(1, slots));
    this.acc = new Float64Array(headDim);
  }

  /** Makes room for `slots` scores; doubles so a growing cache reallocates O(log m) times. */
  ensure(slots: number): void {
    if (slots <= this.scores.length) return;
    let size = this.scores.length;
    while (size < slots) size *= 2;
    this.scores = new Float64Array(size);
  }
}

/**
 * out[outOff..outOff+headDim) = Σ_j softmax_j(scale · q·k_j) · v_j for slots j < `slots`.
 * keys and values are [slots][headDim]; q starts at qOff. `scratch.scores` must hold `slots` entries.
 */
export function attendSlots(
  out: Float32Array,
  outOff: number,
  q: Float32Array,
  qOff: number,
  keys: Float32Array,
  values: Float32Array,
  slots: number,
  headDim: number,
  scale: number,
  scratch: AttentionScratch,
): void {
  const scores = scratch.scores;
  const acc = scratch.acc;
  let max = -Infinity;
  for (let j = 0; j < slots; j++) {
    const s = scale * dot4(q, qOff, keys, j * headDim, headDim);
    scores[j] = s;
    if (s > max) max = s;
  }
  // Subtracting the max keeps exp from overflowing; the weights are normalised once, at the end.
  let sum = 0;
  acc.fill(0);
  for (let j = 0; j < slots; j++) {
    const p = Math.exp(scores[j]! - max);
    sum += p;
    const base = j * headDim;
    for (let d = 0; d < headDim; d++) acc[d] += p * values[base + d]!;
  }
  const inv = 1 / sum;
  for (let d = 0; d < headDim; d++) out[outOff + d] = acc[d]! * inv;
}

/**
 * Decode attention of one token in one layer: each of the `heads` query heads in q ([heads][headDim])
 * attends over its KV head's attended slots; out is [heads][headDim]. With g KV heads, query head h reads
 * KV head ⌊h / (heads / g)⌋: a group of heads / g queries shares one cached pair (GQA; g = 1 is MQA).
 */
export function attendCache(
  out: Float32Array,
  q: Float32Array,
  cache: KvCache,
  layer: number,
  heads: number,
  scratch: AttentionScratch,
): void {
  const { kvHeads, headDim } = cache.shape;
  const group = heads / kvHeads;
  const slots = cache.attendedSlots(layer);
  const scale = 1 / Math.sqrt(headDim);
  scratch.ensure(slots);
  for (let h = 0; h < heads; h++) {
    const kvHead = Math.floor(h / group);
    attendSlots(out, h * headDim, q, h * headDim, cache.keys(layer, kvHead), cache.values(layer, kvHead), slots, headDim, scale, scratch);
  }
}
