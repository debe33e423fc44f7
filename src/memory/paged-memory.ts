/**
 * The paged layout over a whole model: kvCacheMemory's layers, each allocated in whole blocks of B token
 * slots (paged.ts says how many blocks a cache design holds). A block costs what B cached tokens cost in
 * that layer's storage, so MLA, per-token quantization and cross-layer sharing page like the plain cache:
 * a layer that reads a shared cache allocates nothing. KIVI is refused: its key groups run along tokens, so
 * its storage is not a row of token slots.
 */
import { kvCacheMemory, type KvMemoryQuery } from './bytes.js';
import { MemoryInputError } from './errors.js';
import { exactNumber } from './exact.js';
import { pagedBlocks } from './paged.js';
import type { CachePolicy } from './policy.js';
import { layerCacheBytes, type CacheStorage } from './storage.js';

export interface PagedLayer {
  layer: number;
  /** Blocks this layer holds for one sequence. */
  blocks: number;
  /** Their bytes over the batch: held pairs plus the empty and evicted slots in them. */
  allocatedBytes: number;
}

export interface PagedCacheReport {
  blockSize: number;
  /** Blocks over all layers of one sequence. */
  blocks: number;
  /** Bytes of every allocated block over the batch, exact. */
  allocatedBytes: number;
  /** Bytes of the pairs held: kvCacheMemory's `bytes`. */
  heldBytes: number;
  layers: PagedLayer[];
}

/** The paged layout's blocks and allocated bytes for a query, layer by layer. */
export function pagedCacheMemory(query: KvMemoryQuery, blockSize: number): PagedCacheReport {
  if (query.quantization?.layout === 'kivi') {
    throw new MemoryInputError('blockSize', "the paged layout stores token slots, and KIVI's key groups run along tokens: page the per-token layout");
  }
  const report = kvCacheMemory(query);
  const storage: CacheStorage = { dtype: query.dtype ?? 'fp16', latent: query.latent, quantization: query.quantization };
  const shape = { kvHeads: query.kvHeads ?? query.heads, headDim: query.headDim };
  const local: CachePolicy =
    query.window === undefined
      ? { kind: 'full' }
      : query.sinks === undefined
        ? { kind: 'window', window: query.window, convention: query.convention }
        : { kind: 'sinks', window: query.window, sinks: query.sinks, convention: query.convention };
  const layers = report.layers.map((l): PagedLayer => {
    if (l.sharesCacheOf !== undefined) return { layer: l.layer, blocks: 0, allocatedBytes: 0 };
    const blocks = pagedBlocks(l.kind === 'local' ? local : { kind: 'full' }, query.tokens, blockSize);
    const bytes = layerCacheBytes(shape, storage, blocks * blockSize) * BigInt(query.batch ?? 1);
    return { layer: l.layer, blocks, allocatedBytes: exactNumber('bytes', bytes) };
  });
  return {
    blockSize,
    blocks: layers.reduce((sum, l) => sum + l.blocks, 0),
    allocatedBytes: exactNumber('bytes', layers.reduce((sum, l) => sum + BigInt(l.allocatedBytes), 0n)),
    heldBytes: report.bytes,
    layers,
  };
}
