/**
 * The 'js' kernel: plain TypeScript (attention.ts, linalg.ts) over ordinary Float32Arrays. The readable
 * reference the WebAssembly kernel is tested equal to.
 */
import { attendRun, paddedSlots } from './attention.js';
import { Kernel } from './kernel.js';
import { matvec } from './linalg.js';

export class JsKernel extends Kernel {
  readonly name = 'js' as const;
  readonly threads = 1 as const;
  /** Scores, then softmax weights, one per padded slot; doubles when a longer run comes. */
  private scores = new Float64Array(64);
  /** The weighted sum of values for one head: [headDim]. */
  private acc = new Float64Array(0);

  allocate(headDim: number, slots: number, count: number): Float32Array[] {
    const floats = paddedSlots(slots) * headDim;
    return Array.from({ length: count }, () => new Float32Array(floats));
  }

  allocateFloats(lengths: readonly number[]): Float32Array[] {
    return lengths.map((length) => new Float32Array(length));
  }

  matvec(out: Float32Array, outOff: number, w: Float32Array, x: Float32Array, xOff: number, rows: number, cols: number): void {
    matvec(out, outOff, w, x, xOff, rows, cols);
  }

  attendRun(
    out: Float32Array,
    outOff: number,
    q: Float32Array,
    qOff: number,
    keys: Float32Array,
    values: Float32Array,
    first: number,
    slots: number,
    headDim: number,
    stats: Float64Array,
  ): void {
    const padded = paddedSlots(slots);
    if (this.scores.length < padded) {
      let size = this.scores.length;
      while (size < padded) size *= 2;
      this.scores = new Float64Array(size);
    }
    if (this.acc.length !== headDim) this.acc = new Float64Array(headDim);
    attendRun(out, outOff, q, qOff, keys, values, first, slots, headDim, this.scores, this.acc, stats);
  }
}
