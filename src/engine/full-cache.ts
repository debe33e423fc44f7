/**
 * The full cache: every pair of every token, slot = position. Memory grows linearly with m, O(L·g·d_h·m).
 * Buffers double when full, as a dynamic array does, so appends stay O(1) amortised; heldBytes counts the
 * written slots and reservedBytes the doubled capacity.
 */
import type { CachePolicy } from '../memory/index.js';
import type { BufferAllocator, CacheShape } from './kv-cache.js';
import { SlotCache } from './slot-cache.js';

/** Slots a full cache starts with before its first doubling. */
const INITIAL_SLOTS = 16;

export class FullCache extends SlotCache {
  private capacity: number;

  constructor(shape: CacheShape, policy: Extract<CachePolicy, { kind: 'full' }>, allocator: BufferAllocator, initialSlots = INITIAL_SLOTS) {
    super(shape, policy, initialSlots, allocator);
    this.capacity = initialSlots;
  }

  append(layer: number, k: Float32Array, v: Float32Array): void {
    const position = this.nextPosition(layer);
    if (position >= this.capacity) {
      this.capacity *= 2;
      this.allocate(this.capacity);
    }
    this.write(layer, position, position, k, v);
    this.attended[layer] = position + 1;
  }
}
