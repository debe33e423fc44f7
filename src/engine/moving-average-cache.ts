/**
 * The moving-average memory: a query attends over one pair, the mean of the last W keys and the mean of
 * the last W values (Xiao & Zhu §2.3.3). Slot 0 holds the means and slots [1, W + 1) a ring of the raw
 * pairs, because sliding the mean forward means subtracting the pair that leaves, which must be kept:
 * W + 1 pairs held, 1 attended (policy.ts).
 *
 * The mean moves by (new − oldest) / W per token, O(d_h). Float32 rounding in that running update would
 * drift over millions of tokens, so each time the ring completes a pass the mean is re-summed exactly
 * from it: O(W·d_h) once every W tokens, still O(d_h) per token on average.
 */
import type { CachePolicy } from '../memory/index.js';
import type { BufferAllocator, CacheShape } from './kv-cache.js';
import { SlotCache } from './slot-cache.js';

export class MovingAverageCache extends SlotCache {
  readonly window: number;
  /** Column sums while re-summing: [headDim]. */
  private readonly sum: Float64Array;

  constructor(shape: CacheShape, policy: Extract<CachePolicy, { kind: 'moving-average' }>, allocator: BufferAllocator) {
    super(shape, policy, policy.window + 1, allocator);
    this.window = policy.window;
    this.sum = new Float64Array(shape.headDim);
  }

  append(layer: number, k: Float32Array, v: Float32Array): void {
    const position = this.nextPosition(layer);
    const { kvHeads, headDim } = this.shape;
    const w = this.window;
    const ringSlot = 1 + (position % w);
    for (let h = 0; h < kvHeads; h++) {
      this.slide(this.keyBuffers[layer * kvHeads + h]!, k, h * headDim, ringSlot * headDim, position);
      this.slide(this.valueBuffers[layer * kvHeads + h]!, v, h * headDim, ringSlot * headDim, position);
    }
    this.write(layer, ringSlot, position, k, v);
    this.markPooled(layer, 0);
    if ((position + 1) % w === 0) this.resum(layer);
    this.attended[layer] = 1;
  }

  /** Moves the mean in slot 0 of `buffer` to include x[from..] (and drop the pair at `at` once the ring is full). */
  private slide(buffer: Float32Array, x: Float32Array, from: number, at: number, position: number): void {
    const { headDim } = this.shape;
    const w = this.window;
    if (position >= w) {
      for (let d = 0; d < headDim; d++) buffer[d] = buffer[d]! + (x[from + d]! - buffer[at + d]!) / w;
    } else {
      // Still filling: the running mean of position + 1 pairs.
      const weight = 1 / (position + 1);
      for (let d = 0; d < headDim; d++) buffer[d] = buffer[d]! + (x[from + d]! - buffer[d]!) * weight;
    }
  }

  /** Recomputes the means from the full ring, dropping the rounding the running update collected. */
  private resum(layer: number): void {
    const { kvHeads } = this.shape;
    for (let h = 0; h < kvHeads; h++) {
      this.resumBuffer(this.keyBuffers[layer * kvHeads + h]!);
      this.resumBuffer(this.valueBuffers[layer * kvHeads + h]!);
    }
  }

  private resumBuffer(buffer: Float32Array): void {
    const { headDim } = this.shape;
    const sum = this.sum;
    sum.fill(0);
    for (let slot = 1; slot <= this.window; slot++) {
      const at = slot * headDim;
      for (let d = 0; d < headDim; d++) sum[d] = sum[d]! + buffer[at + d]!;
    }
    for (let d = 0; d < headDim; d++) buffer[d] = sum[d]! / this.window;
  }
}
