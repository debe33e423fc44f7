/**
 * The sliding-window cache: the last n pairs in a ring buffer, n = W keys (or W + 1 under the
 * 'w-plus-one' convention). Token i goes to slot i mod n, overwriting token i − n, the one that just left
 * the window: O(1) per token, nothing shifts (HF's static sliding layer shifts all W slots instead).
 * Memory is constant once m ≥ n: O(L·g·d_h·n).
 */
import { windowSlots, type CachePolicy } from '../memory/index.js';
import type { BufferAllocator, CacheShape } from './kv-cache.js';
import { SlotCache } from './slot-cache.js';

export class WindowCache extends SlotCache {
  /** Ring size n: the keys a query sees. */
  readonly slots: number;

  constructor(shape: CacheShape, policy: Extract<CachePolicy, { kind: 'window' }>, allocator: BufferAllocator) {
    const slots = windowSlots(policy.window, policy.convention);
    super(shape, policy, slots, allocator);
    this.slots = slots;
  }

  append(layer: number, k: Float32Array, v: Float32Array): void {
    const position = this.nextPosition(layer);
    this.write(layer, position % this.slots, position, k, v);
    this.attended[layer] = Math.min(position + 1, this.slots);
  }
}
