/**
 * Prefill: a whole chunk of prompt tokens at once, in matrix form. For each layer and head the chunk's
 * queries Q [T][d_h] are scored against every key they might see, the cache's attended slots followed by
 * the chunk's own keys, as one score matrix S [T][n + T]; a mask sets the invisible entries to −∞
 * (the band i − W < j ≤ i for a window, plus j < S for sinks, plus the causal j ≤ i), each row goes
 * through softmax, and O = P · V. Only then are the chunk's pairs appended to the cache.
 *
 * This is a different code path from decode on purpose (positions and masks instead of a ring prefix),
 * so "decode equals prefill" tests one against the other. With RoPE, 'absolute' rotates each query and
 * key at its position before scoring (and caches the rotated key); 'streaming' caches keys unrotated and
 * numbers, for each query, the keys it sees 0, 1, … in position order (their places in the cache at that
 * step), rotating both sides by those numbers. It serves the caches whose slots hold single
 * tokens (full, window, sinks); the averaging memories change state with every token and step instead.
 */
import { windowSlots, type CachePolicy } from '../memory/index.js';
import type { KvCache } from './kv-cache.js';
import { dot4, matvec, rmsNorm } from './linalg.js';
import type { DecoderWeights, ResolvedDecoderConfig } from './model.js';
import { RopeAngles, RopeTable, rotateHead, rotateHeads } from './rope.js';

/** Can the query at position i see the key at position j under this policy? */
export function keyVisible(policy: CachePolicy, i: number, j: number): boolean {
  if (j > i || j < 0) return false;
  switch (policy.kind) {
    case 'full':
      return true;
    case 'window':
      return i - j < windowSlots(policy.window, policy.convention);
    case 'sinks':
      return j < policy.sinks || i - j < windowSlots(policy.window, policy.convention);
    default:
      throw new Error(`prefill in matrix form does not apply to a ${policy.kind} memory`);
  }
}

/**
 * Runs `tokens` (positions cache.tokens, cache.tokens + 1, …) through the model, appending their pairs
 * to the cache; returns the logits of every position, [T][vocab].
 */
export function prefillChunk(
  config: ResolvedDecoderConfig,
  weights: DecoderWeights,
  cache: KvCache,
  tokens: readonly number[],
): Float32Array {
  const { layers, heads, kvHeads, headDim, vocab } = config;
  const d = heads * headDim;
  const T = tokens.length;
  const start = cache.tokens;
  const group = heads / kvHeads;
  const scale = 1 / Math.sqrt(headDim);

  const angles = config.rope === 'absolute' ? new RopeAngles(headDim, config.ropeBase) : undefined;
  const table = config.rope === 'streaming' ? new RopeTable(headDim, config.ropeBase) : undefined;
  const x = new Float32Array(T * d); // [T][d] residual stream
  tokens.forEach((token, t) => x.set(weights.embedding.subarray(token * d, (token + 1) * d), t * d));
  const xn = new Float32Array(T * d);
  const q = new Float32Array(T * heads * headDim); // [T][heads][headDim]
  const k = new Float32Array(T * kvHeads * headDim); // [T][kvHeads][headDim]
  const v = new Float32Array(T * kvHeads * headDim);
  const att = new Float32Array(T * heads * headDim);
  const proj = new Float32Array(d);

  for (let l = 0; l < layers; l++) {
    const w = weights.layers[l]!;
    for (let t = 0; t < T; t++) {
      rmsNorm(xn, t * d, x, t * d, d);
      matvec(q, t * heads * headDim, w.wq, xn, t * d, heads * headDim, d);
      matvec(k, t * kvHeads * headDim, w.wk, xn, t * d, kvHeads * headDim, d);
      matvec(v, t * kvHeads * headDim, w.wv, xn, t * d, kvHeads * headDim, d);
      if (angles) {
        angles.at(start + t);
        rotateHeads(q, t * heads * headDim, heads, headDim, angles);
        rotateHeads(k, t * kvHeads * headDim, kvHeads, headDim, angles);
      }
    }

    // The cached pairs, run by run: column j < n reads slot cachedSlots[j].
    const runs = cache.attendedRuns(l);
    const cachedSlots: number[] = [];
    for (let r = 0; r < runs.count; r++) for (let slot = runs.starts[r]!; slot < runs.ends[r]!; slot++) cachedSlots.push(slot);
    const n = cachedSlots.length;
    const cachedPositions = cachedSlots.map((slot) => cache.positionAt(l, slot));
    const cols = n + T;
    const positionOf = (j: number) => (j < n ? cachedPositions[j]! : start + (j - n));
    // 'streaming': for each query, the cache position of every column it sees (−1: unseen).
    const cachePosition = new Int32Array(T * cols).fill(-1);
    if (table) {
      table.ensure(cols);
      for (let i = 0; i < T; i++) {
        const seen = [];
        for (let j = 0; j < cols; j++) if (keyVisible(cache.policy, start + i, positionOf(j))) seen.push(j);
        seen.sort((a, b) => positionOf(a) - positionOf(b));
        seen.forEach((j, rank) => (cachePosition[i * cols + j] = rank));
      }
    }
    const qRot = new Float32Array(headDim);
    const kRot = new Float32Array(headDim);
    const scores = new Float64Array(T * cols); // S [T][n + T], then P
    for (let h = 0; h < heads; h++) {
      const kvHead = Math.floor(h / group);
      const cachedKeys = cache.keys(l, kvHead);
      const cachedValues = cache.values(l, kvHead);
      const qAt = (t: number) => (t * heads + h) * headDim;
      const kvAt = (t: number) => (t * kvHeads + kvHead) * headDim;

      const keyAt = (j: number): [Float32Array, number] => (j < n ? [cachedKeys, cachedSlots[j]! * headDim] : [k, kvAt(j - n)]);
      // S = scale · Q Kᵀ, masked.
      for (let i = 0; i < T; i++) {
        if (table) {
          // The query sees itself last: its cache position is the count of what it sees, minus one.
          let last = 0;
          for (let j = 0; j < cols; j++) last = Math.max(last, cachePosition[i * cols + j]!);
          rotateHead(qRot, 0, q, qAt(i), headDim, table.cos, table.sin, last * (headDim / 2));
        }
        for (let j = 0; j < cols; j++) {
          if (!keyVisible(cache.policy, start + i, positionOf(j))) {
            scores[i * cols + j] = -Infinity;
            continue;
          }
          const [keys, at] = keyAt(j);
          if (table) {
            rotateHead(kRot, 0, keys, at, headDim, table.cos, table.sin, cachePosition[i * cols + j]! * (headDim / 2));
            scores[i * cols + j] = scale * dot4(qRot, 0, kRot, 0, headDim);
          } else {
            scores[i * cols + j] = scale * dot4(q, qAt(i), keys, at, headDim);
          }
        }
      }
      softmaxRows(scores, T, cols);
      // O = P · V.
      for (let i = 0; i < T; i++) {
        for (let e = 0; e < headDim; e++) {
          let sum = 0;
          for (let j = 0; j < cols; j++) {
            const p = scores[i * cols + j]!;
            if (p === 0) continue;
            sum += p * (j < n ? cachedValues[cachedSlots[j]! * headDim + e]! : v[kvAt(j - n) + e]!);
          }
          att[qAt(i) + e] = sum;
        }
      }
    }
    for (let t = 0; t < T; t++) {
      cache.append(l, k.subarray(t * kvHeads * headDim), v.subarray(t * kvHeads * headDim));
      matvec(proj, 0, w.wo, att, t * heads * headDim, d, heads * headDim);
      for (let i = 0; i < d; i++) x[t * d + i] = x[t * d + i]! + proj[i]!;
    }
  }

  const logits = new Float32Array(T * vocab);
  for (let t = 0; t < T; t++) {
    rmsNorm(xn, t * d, x, t * d, d);
    matvec(logits, t * vocab, weights.embedding, xn, t * d, vocab, d);
  }
  return logits;
}

/** Row-wise softmax of a [rows][cols] matrix in place; −∞ entries become 0. */
function softmaxRows(m: Float64Array, rows: number, cols: number): void {
  for (let i = 0; i < rows; i++) {
    let max = -Infinity;
    for (let j = 0; j < cols; j++) max = Math.max(max, m[i * cols + j]!);
    let sum = 0;
    for (let j = 0; j < cols; j++) {
      const e = Math.exp(m[i * cols + j]! - max);
      m[i * cols + j] = e;
      sum += e;
    }
    for (let j = 0; j < cols; j++) m[i * cols + j] = m[i * cols + j]! / sum;
  }
}
