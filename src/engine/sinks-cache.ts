/**
 * Attention sinks + window (StreamingLLM): the first S tokens stay forever in slots [0, S), and the last n
 * (the window, as in window-cache.ts) cycle through a ring in slots [S, S + n). Models put large attention
 * weight on the first tokens whatever they say; keeping them stops quality collapsing once they would
 * leave the window. Memory is constant once m ≥ S + n.
 */
import { windowSlots, type CachePolicy } from '../memory/index.js';
import type { BufferAllocator, CacheShape } from './kv-cache.js';
import { SlotCache } from './slot-cache.js';

export class SinksCache extends SlotCache {
  readonly sinks: number;
  /** Ring size n of the window part. */
  readonly ringSlots: number;

  constructor(shape: CacheShape, policy: Extract<CachePolicy, { kind: 'sinks' }>, allocator: BufferAllocator) {
    const ring = windowSlots(policy.window, policy.convention);
    super(shape, policy, policy.sinks + ring, allocator);
    this.sinks = policy.sinks;
    this.ringSlots = ring;
  }

  append(layer: number, k: Float32Array, v: Float32Array): void {
    const position = this.nextPosition(layer);
    const slot = position < this.sinks ? position : this.sinks + ((position - this.sinks) % this.ringSlots);
    this.write(layer, slot, position, k, v);
    this.attended[layer] = Math.min(position + 1, this.sinks + this.ringSlots);
  }
}
