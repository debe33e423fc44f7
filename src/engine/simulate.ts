/**
 * Streams tokens through the decoder and measures the cache as it goes: what `kvlab simulate` prints and
 * the notebooks plot. Three figures per point, from three places:
 * - measuredBytes: the cache's own count, its occupied slots × the bytes of a slot (slot-cache.ts);
 * - formulaBytes: src/memory's policyBytes for the same shape and policy with dtype fp32;
 * - processBytes: what the process itself holds beyond what it held before the first token, from V8's
 *   count of memory outside its heap (process.memoryUsage().external: array buffers and WebAssembly
 *   memories; the wasm kernel's buffers are a WebAssembly.Memory, which the arrayBuffers figure omits).
 *   A full cache's grows (in doublings, with freed buffers counted until the collector finds them); a
 *   window's stays flat, its buffers allocated before the first token.
 */
import { pagedBytes, policyBytes, type CachePolicy } from '../memory/index.js';
import type { AttentionKernel } from './kernel.js';
import { Decoder } from './decoder.js';
import { PagedCache } from './paged-cache.js';
import { decodeStepFlops, type DecoderConfig } from './model.js';
import { Rng } from './rng.js';

export interface SimulateOptions extends DecoderConfig {
  /** Tokens to stream, M. */
  tokens: number;
  policy: CachePolicy;
  /** Record a point every K tokens (and after the last); defaults to about 20 points. */
  every?: number;
  /** Called every 1% of the tokens and at each point, for a progress bar. */
  onProgress?: (done: number, total: number) => void;
  /** The attention kernel; defaults to 'wasm' where the runtime has WebAssembly SIMD. */
  kernel?: AttentionKernel;
  /** Store the cache in blocks of this many slots (a paged cache). */
  blockSize?: number;
}

export interface SimulatePoint {
  tokens: number;
  measuredBytes: number;
  formulaBytes: number;
  /** Bytes the process holds outside V8's heap beyond what it held before the first token. */
  processBytes: number;
  /** With blockSize: the bytes of the blocks the cache's tables hold, and pagedBytes' allocatedBytes. */
  allocatedBytes?: number;
  formulaAllocatedBytes?: number;
}

export interface SimulateResult {
  points: SimulatePoint[];
  /** Decode steps per second over the whole run (measurement excluded). */
  tokensPerSecond: number;
  /** Floating-point throughput of those steps, counted by decodeStepFlops. */
  gflops: number;
}

/** V8's bytes outside its heap: array buffers and WebAssembly memories (0 where there is no process). */
export function externalBytes(): number {
  return typeof process === 'undefined' ? 0 : process.memoryUsage().external;
}

export function simulate(options: SimulateOptions): SimulateResult {
  const { tokens, policy } = options;
  if (!Number.isSafeInteger(tokens) || tokens <= 0) throw new RangeError(`tokens must be a whole number > 0 (got ${tokens})`);
  const every = options.every ?? Math.max(1, Math.ceil(tokens / 20));
  if (!Number.isSafeInteger(every) || every <= 0) throw new RangeError(`every must be a whole number > 0 (got ${every})`);

  // One thread: processBytes reads Node's external bytes, which do not count the shared memories a
  // two-thread decoder works in (decode-helper.ts), so a second thread would hide the cache from it.
  const decoder = new Decoder(options, policy, undefined, { kernel: options.kernel, blockSize: options.blockSize, threads: 1 });
  const config = decoder.config;
  const shape = { layers: config.layers, heads: config.heads, kvHeads: config.kvHeads, headDim: config.headDim };
  // The token stream is seeded too, apart from the weights, so a run is repeatable end to end.
  const rng = new Rng(config.seed + 1);
  const progressEvery = Math.max(1, Math.floor(tokens / 100));
  const points: SimulatePoint[] = [];
  let seconds = 0;
  let flops = 0;
  // Node allocates its timer's buffers (~60 KB outside the heap) on the first performance.now(): do that
  // before the baseline, so processBytes shows the cache and nothing of the measuring.
  performance.now();
  const externalBefore = externalBytes();
  for (let m = 1; m <= tokens; m++) {
    const token = rng.int(config.vocab);
    const t0 = performance.now();
    decoder.step(token);
    seconds += (performance.now() - t0) / 1000;
    flops += decodeStepFlops(config, decoder.cache.attendedPairs(0));
    const point = m % every === 0 || m === tokens;
    if (point) {
      const cache = decoder.cache;
      points.push({
        tokens: m,
        measuredBytes: cache.heldBytes(),
        formulaBytes: policyBytes(shape, policy, m, 'fp32'),
        processBytes: externalBytes() - externalBefore,
        ...(cache instanceof PagedCache
          ? { allocatedBytes: cache.allocatedBytes(), formulaAllocatedBytes: pagedBytes(shape, policy, m, cache.blockSize, 'fp32').allocatedBytes }
          : {}),
      });
    }
    if (point || m % progressEvery === 0) options.onProgress?.(m, tokens);
  }
  return { points, tokensPerSecond: tokens / seconds, gflops: flops / seconds / 1e9 };
}
