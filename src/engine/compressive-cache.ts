/**
 * Compressive (dual) memory, after the Compressive Transformer: a local FIFO of the last W raw pairs and a
 * FIFO of n_cm compressed pairs, each the mean of c consecutive pairs evicted from the local one. Queries
 * attend over both; both are fixed size, so memory is constant in m: O(L·g·d_h·(W + n_cm)).
 *
 * Slots: [local ring, W | compressed ring, n_cm | accumulator, 1]. A pair leaving the local ring is added
 * to the accumulator; every c-th one closes the group, whose mean goes into the compressed ring (evicting
 * its oldest). Pooling each group as it leaves gives the same n_s / c pairs as pooling a whole segment of
 * n_s evicted pairs with stride c (policy.ts), without staging n_s pairs. The accumulator is held but not
 * attended: a partial group is not yet a memory.
 */
import type { CachePolicy } from '../memory/index.js';
import type { BufferAllocator, CacheShape } from './kv-cache.js';
import { SlotCache } from './slot-cache.js';

export class CompressiveCache extends SlotCache {
  readonly window: number;
  readonly compression: number;
  readonly compressedSlots: number;

  constructor(shape: CacheShape, policy: Extract<CachePolicy, { kind: 'compressive' }>, allocator: BufferAllocator) {
    super(shape, policy, policy.window + policy.compressedSlots + 1, allocator);
    this.window = policy.window;
    this.compression = policy.compression;
    this.compressedSlots = policy.compressedSlots;
  }

  append(layer: number, k: Float32Array, v: Float32Array): void {
    const position = this.nextPosition(layer);
    const w = this.window;
    const c = this.compression;
    const localSlot = position % w;
    if (position >= w) {
      // The pair in localSlot (token position − W) leaves the window: the `evicted`-th eviction.
      const evicted = position - w;
      const accumulator = w + this.compressedSlots;
      this.fold(layer, localSlot, accumulator, evicted % c === 0);
      this.markPooled(layer, accumulator);
      if (evicted % c === c - 1) {
        const compressedSlot = w + (Math.floor(evicted / c) % this.compressedSlots);
        this.closeGroup(layer, accumulator, compressedSlot);
        this.markPooled(layer, compressedSlot);
        // The group is closed: the accumulator holds nothing until the next pair leaves the window.
        this.release(layer, accumulator);
      }
    }
    this.write(layer, localSlot, position, k, v);

    // Attended: the local ring, then the compressed slots written so far (a prefix of both rings).
    const evictedSoFar = Math.max(0, position + 1 - w);
    this.attended[layer] = Math.min(position + 1, w) + Math.min(Math.floor(evictedSoFar / c), this.compressedSlots);
  }

  /** accumulator = (first ? 0 : accumulator) + slot, for keys and values of every KV head. */
  private fold(layer: number, slot: number, accumulator: number, first: boolean): void {
    const { kvHeads, headDim } = this.shape;
    const from = slot * headDim;
    const to = accumulator * headDim;
    for (let i = layer * kvHeads; i < (layer + 1) * kvHeads; i++) {
      const keys = this.keyBuffers[i]!;
      const values = this.valueBuffers[i]!;
      for (let d = 0; d < headDim; d++) {
        keys[to + d] = (first ? 0 : keys[to + d]!) + keys[from + d]!;
        values[to + d] = (first ? 0 : values[to + d]!) + values[from + d]!;
      }
    }
  }

  /** compressed slot = accumulator / c: the group's mean. */
  private closeGroup(layer: number, accumulator: number, slot: number): void {
    const { kvHeads, headDim } = this.shape;
    const from = accumulator * headDim;
    const to = slot * headDim;
    const c = this.compression;
    for (let i = layer * kvHeads; i < (layer + 1) * kvHeads; i++) {
      const keys = this.keyBuffers[i]!;
      const values = this.valueBuffers[i]!;
      for (let d = 0; d < headDim; d++) {
        keys[to + d] = keys[from + d]! / c;
        values[to + d] = values[from + d]! / c;
      }
    }
  }
}
