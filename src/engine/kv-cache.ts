/**
 * The KV-cache interface every memory design implements: storage only. The attention kernel that reads a
 * cache (kernel.ts) also allocates its buffers, through the BufferAllocator a cache is built with;
 * create-cache.ts picks a design by policy.
 *
 * Layout shared by all caches: per (layer, KV head) one keys buffer and one values buffer of
 * [slots][headDim] float32. A query attends over runs of consecutive slots of those buffers: one run
 * [0, attendedPairs) for every design but the paged one, whose live blocks are several runs.
 * How many pairs each design holds is defined in ../memory/policy.ts (heldPairs, attendedPairs); the
 * caches count theirs from their own slots, and the tests compare the two after every token.
 */
import type { CachePolicy } from '../memory/index.js';

/** The part of a model's shape a cache depends on: no query heads, since queries are never cached. */
export interface CacheShape {
  layers: number;
  /** KV heads g. */
  kvHeads: number;
  /** Head dimension d_h. */
  headDim: number;
}

/** Where a cache gets its buffers: the kernel that will read them (kernel.ts). */
export interface BufferAllocator {
  /** `count` zeroed float32 buffers of [paddedSlots(slots)][headDim]. */
  allocate(headDim: number, slots: number, count: number): Float32Array[];
}

/**
 * The slots a query attends over, as runs of consecutive slots: run r is [starts[r], ends[r]). The
 * object is the cache's own, updated as it appends: read it, do not keep it.
 */
export interface AttendedRuns {
  count: number;
  readonly starts: Int32Array;
  readonly ends: Int32Array;
}

export interface KvCache {
  readonly policy: CachePolicy;
  readonly shape: Readonly<CacheShape>;
  /** Tokens the last layer has taken: the sequence length m once a step has gone through every layer. */
  readonly tokens: number;
  /**
   * Stores one token's keys and values in one layer; k and v hold [kvHeads][headDim] from index 0.
   * Each layer takes its tokens in sequence order (a decode step appends to layers 0, 1, …, L − 1).
   */
  append(layer: number, k: Float32Array, v: Float32Array): void;
  /** Pairs a query in this layer attends over now: the total length of its runs. */
  attendedPairs(layer: number): number;
  /** The slots a query in this layer attends over. */
  attendedRuns(layer: number): AttendedRuns;
  /** Keys of one KV head, [slots][headDim]. A growing cache replaces its buffers, so fetch them per step. */
  keys(layer: number, kvHead: number): Float32Array;
  /** Values of one KV head, [slots][headDim]. */
  values(layer: number, kvHead: number): Float32Array;
  /** The sequence position (0-based) a slot holds; −1 for a slot that pools several tokens (a mean) or none. */
  positionAt(layer: number, slot: number): number;
  /** The positions of the attended slots, run by run: for masks in prefill and for showing what the cache keeps. */
  slotPositions(layer: number): number[];
  /** Pairs this layer holds now, attended or not: counted from the slots the cache has written and not yet freed. */
  heldPairs(layer: number): number;
  /** Bytes of the pairs the cache holds now (heldPairs of each layer × the bytes of a slot in its buffers). */
  heldBytes(): number;
  /** Bytes its buffers occupy, live or not (the full cache over-allocates as it doubles). */
  reservedBytes(): number;
}
