/**
 * createCache: a cache of the policy's design, its buffers allocated by an attention kernel. The decoder
 * passes its own kernel; a caller who only wants storage (a notebook measuring bytes) passes a name or
 * nothing, and a kernel is made here through createKernel, the one place names are checked.
 */
import type { CachePolicy } from '../memory/index.js';
import { createKernel } from './create-kernel.js';
import type { AttentionKernel, Kernel } from './kernel.js';
import type { BufferAllocator, CacheShape, KvCache } from './kv-cache.js';
import { CompressiveCache } from './compressive-cache.js';
import { CumulativeCache } from './cumulative-cache.js';
import { FullCache } from './full-cache.js';
import { MovingAverageCache } from './moving-average-cache.js';
import { PagedCache } from './paged-cache.js';
import { SinksCache } from './sinks-cache.js';
import { WindowCache } from './window-cache.js';

export interface CacheOptions {
  /**
   * The attention kernel that will read the cache, by name ('wasm': WebAssembly SIMD, the buffers then
   * live in its linear memory; 'js': plain TypeScript, the readable reference) or as a kernel object from
   * createKernel. Default: 'wasm' where the runtime supports it.
   */
  kernel?: AttentionKernel | Kernel;
  /**
   * Store the pairs in blocks of this many slots behind a block table (paged-cache.ts) instead of one
   * contiguous buffer; for full, window and sinks policies.
   */
  blockSize?: number;
  /**
   * Threads the kernel runs on: 1, or 2, where a helper thread takes half of every matrix-vector product and
   * half of the heads (wasm kernel only, decode-helper.ts). Default for createDecoder: 2 for a model at
   * least 512 wide (τ·d_h) with the wasm kernel on a machine with two or more cores, else 1
   * (defaultThreads); for createCache, 1. With a kernel object, it must match the kernel's own.
   */
  threads?: 1 | 2;
}

/** A cache of the policy's kind for a model of this shape, its buffers allocated up front. */
export function createCache(shape: CacheShape, policy: CachePolicy, options: CacheOptions = {}): KvCache {
  return cacheWith(shape, policy, createKernel(options.kernel, options.threads), options.blockSize);
}

/** The same, with buffers from `allocator` (the decoder's kernel). */
export function cacheWith(shape: CacheShape, policy: CachePolicy, allocator: BufferAllocator, blockSize?: number): KvCache {
  if (blockSize !== undefined) {
    if (policy.kind !== 'full' && policy.kind !== 'window' && policy.kind !== 'sinks') {
      throw new RangeError(`a paged cache (blockSize) stores single tokens: use it with a full, window or sinks policy, not ${policy.kind}`);
    }
    return new PagedCache(shape, policy, blockSize, allocator);
  }
  switch (policy.kind) {
    case 'full':
      return new FullCache(shape, policy, allocator);
    case 'window':
      return new WindowCache(shape, policy, allocator);
    case 'sinks':
      return new SinksCache(shape, policy, allocator);
    case 'moving-average':
      return new MovingAverageCache(shape, policy, allocator);
    case 'cumulative':
      return new CumulativeCache(shape, policy, allocator);
    case 'compressive':
      return new CompressiveCache(shape, policy, allocator);
  }
}
