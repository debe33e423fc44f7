/**
 * The KV-cache interface every memory design implements, and createCache, which picks one by policy.
 *
 * Layout shared by all caches: per (layer, KV head) one keys buffer and one values buffer of
 * [slots][headDim] float32, allocated once. Whatever a design keeps, the pairs a query attends over are
 * always the prefix [0, attendedSlots(layer)) of those buffers, so one kernel (attention.ts) serves all.
 * How many pairs each design holds is defined in ../memory/policy.ts; the tests check heldBytes() against
 * policyBytes(shape, policy, tokens, 'fp32') after every token.
 */
import type { CachePolicy } from '../memory/index.js';
import { FullCache } from './full-cache.js';
import { WindowCache } from './window-cache.js';
import { SinksCache } from './sinks-cache.js';
import { MovingAverageCache } from './moving-average-cache.js';
import { CumulativeCache } from './cumulative-cache.js';
import { CompressiveCache } from './compressive-cache.js';
import type { AttentionKernel } from './wasm-kernel.js';

/** The part of a model's shape a cache depends on: no query heads, since queries are never cached. */
export interface CacheShape {
  layers: number;
  /** KV heads g. */
  kvHeads: number;
  /** Head dimension d_h. */
  headDim: number;
}

export interface KvCache {
  readonly policy: CachePolicy;
  readonly shape: Readonly<CacheShape>;
  /** Tokens the last layer has taken: the sequence length m once a step has gone through every layer. */
  readonly tokens: number;
  /** The decode attention kernel attendCache runs over this cache. */
  readonly kernel: AttentionKernel;
  /**
   * Stores one token's keys and values in one layer; k and v hold [kvHeads][headDim] from index 0.
   * Each layer takes its tokens in sequence order (a decode step appends to layers 0, 1, …, L − 1).
   */
  append(layer: number, k: Float32Array, v: Float32Array): void;
  /** How many slots, from slot 0, a query in this layer attends over. */
  attendedSlots(layer: number): number;
  /** Keys of one KV head, [slots][headDim]. A growing cache replaces its buffers, so fetch them per step. */
  keys(layer: number, kvHead: number): Float32Array;
  /** Values of one KV head, [slots][headDim]. */
  values(layer: number, kvHead: number): Float32Array;
  /**
   * The sequence position (0-based) each attended slot holds, in slot order; −1 for a slot that pools
   * several tokens (a mean). For masks in prefill and for showing what the cache keeps, not for decode.
   */
  slotPositions(layer: number): number[];
  /** Bytes of the pairs the cache holds now, counted from its float32 buffers: live slots only. */
  heldBytes(): number;
  /** Bytes its buffers occupy, live or not (the full cache over-allocates as it doubles). */
  reservedBytes(): number;
}

export interface CacheOptions {
  /**
   * The decode attention kernel: 'wasm' (WebAssembly SIMD, the buffers then live in its linear memory)
   * or 'js' (plain TypeScript, the readable reference). Default: 'wasm' where the runtime supports it.
   */
  kernel?: AttentionKernel;
}

/** A cache of the policy's kind for a model of this shape, its buffers allocated up front. */
export function createCache(shape: CacheShape, policy: CachePolicy, options: CacheOptions = {}): KvCache {
  const { kernel } = options;
  switch (policy.kind) {
    case 'full':
      return new FullCache(shape, policy, kernel);
    case 'window':
      return new WindowCache(shape, policy, kernel);
    case 'sinks':
      return new SinksCache(shape, policy, kernel);
    case 'moving-average':
      return new MovingAverageCache(shape, policy, kernel);
    case 'cumulative':
      return new CumulativeCache(shape, policy, kernel);
    case 'compressive':
      return new CompressiveCache(shape, policy, kernel);
  }
}
