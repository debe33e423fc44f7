/**
 * The attention kernel: the model's choice of how decode attention is computed, and therefore where the
 * keys and values it reads must live. A decoder owns one kernel; the kernel allocates the buffers its
 * cache holds (allocate) and runs attention over them (attend). Caches only store. The same kernel runs
 * the step's matrix-vector products (matvec) over the weights it allocated (allocateFloats).
 *
 * Two kernels extend this class, the same arithmetic: 'js' (js-kernel.ts, plain TypeScript over
 * attention.ts, the readable reference) and 'wasm' (wasm-kernel.ts, WebAssembly SIMD, whose buffers are
 * views on its linear memory). create-kernel.ts is the one place that chooses and validates one by name.
 */
import type { AttendedRuns, KvCache } from './kv-cache.js';

/** A kernel's name: plain TypeScript ('js') or WebAssembly SIMD ('wasm'). */
export type AttentionKernel = 'js' | 'wasm';
/** Every kernel name, for parsers (the CLI's --kernel). */
export const KERNEL_NAMES: readonly AttentionKernel[] = ['js', 'wasm'];

export abstract class Kernel {
  abstract readonly name: AttentionKernel;
  /** Threads a decode step on this kernel runs on (2: the wasm kernel with its helper thread). */
  abstract readonly threads: 1 | 2;

  /**
   * `count` float32 buffers of [paddedSlots(slots)][headDim], zeroed, where this kernel can read them.
   * Every buffer a cache attends over comes from here.
   */
  abstract allocate(headDim: number, slots: number, count: number): Float32Array[];

  /**
   * Zeroed float32 buffers of the given lengths, together where this kernel's matvec reads them: a
   * model's weights and activations (decoder.ts).
   */
  abstract allocateFloats(lengths: readonly number[]): Float32Array[];

  /**
   * out[outOff + r] = Σ_c w[r][c] · x[xOff + c] for r < rows: the projections and logits of a step. For the
   * wasm kernel out, w and x come from one allocateFloats call; linalg.ts's matvec is the reference.
   */
  abstract matvec(out: Float32Array, outOff: number, w: Float32Array, x: Float32Array, xOff: number, rows: number, cols: number): void;

  /**
   * out[outOff..outOff+headDim) = attention of the query head q[qOff..) over the slots [first,
   * first + slots) of keys and values (two buffers from one allocate call), leaving in stats the run's
   * largest score and Σ_j e^(score_j − largest). The buffers hold first + paddedSlots(slots) slots.
   */
  abstract attendRun(
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
  ): void;

  // Scratch for merging runs, grown with the head size: attend allocates nothing per token.
  private readonly stats = new Float64Array(2);
  private part = new Float32Array(0);
  private merged = new Float64Array(0);

  /**
   * Decode attention of one token in one layer: each of the `heads` query heads in q ([heads][headDim])
   * attends over the pairs the cache shows it; out is [heads][headDim]. With g KV heads, query head h
   * reads KV head ⌊h / (heads / g)⌋: a group of heads / g queries shares one cached pair (GQA; g = 1 is MQA).
   */
  attend(out: Float32Array, q: Float32Array, cache: KvCache, layer: number, heads: number): void {
    const { kvHeads, headDim } = cache.shape;
    const group = heads / kvHeads;
    const runs = cache.attendedRuns(layer);
    for (let h = 0; h < heads; h++) {
      const kvHead = Math.floor(h / group);
      this.attendHead(out, h * headDim, q, h * headDim, cache.keys(layer, kvHead), cache.values(layer, kvHead), runs, headDim);
    }
  }

  /**
   * One query head over every run of slots. A prefix or a ring is one run, computed in place; a paged
   * cache's blocks are several, each attended on its own and merged exactly as softmax over their union:
   * with run r's largest score m_r, weight sum s_r and output o_r, out = Σ_r e^(m_r − M) s_r o_r / Σ_r
   * e^(m_r − M) s_r, M = max_r m_r (the merge flash-decoding uses).
   */
  attendHead(
    out: Float32Array,
    outOff: number,
    q: Float32Array,
    qOff: number,
    keys: Float32Array,
    values: Float32Array,
    runs: AttendedRuns,
    headDim: number,
  ): void {
    const { stats } = this;
    if (runs.count === 1) {
      this.attendRun(out, outOff, q, qOff, keys, values, runs.starts[0]!, runs.ends[0]! - runs.starts[0]!, headDim, stats);
      return;
    }
    if (runs.count === 0) throw new RangeError('attention needs at least one slot');
    if (this.part.length < headDim) {
      this.part = new Float32Array(headDim);
      this.merged = new Float64Array(headDim);
    }
    const { part, merged } = this;
    merged.fill(0);
    let max = -Infinity;
    let total = 0;
    for (let r = 0; r < runs.count; r++) {
      this.attendRun(part, 0, q, qOff, keys, values, runs.starts[r]!, runs.ends[r]! - runs.starts[r]!, headDim, stats);
      const runMax = stats[0]!;
      const newMax = runMax > max ? runMax : max;
      const keep = Math.exp(max - newMax); // rescales what was merged so far (0 for the first run)
      const weight = Math.exp(runMax - newMax) * stats[1]!;
      for (let e = 0; e < headDim; e++) merged[e] = merged[e]! * keep + weight * part[e]!;
      total = total * keep + weight;
      max = newMax;
    }
    const inv = 1 / total;
    for (let e = 0; e < headDim; e++) out[outOff + e] = merged[e]! * inv;
  }
}
