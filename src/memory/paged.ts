/**
 * The paged layout (vLLM's PagedAttention): a cache stored in fixed blocks of B token slots behind a block
 * table. A block is allocated when its first token arrives and freed once every pair in it has left the
 * window (never, under full attention), so what a sequence occupies is whole blocks: the block being filled
 * wastes up to B − 1 slots, and a block the window is leaving keeps its evicted slots until its last pair
 * goes (internal fragmentation).
 *
 *   blocks = the blocks holding at least one held pair: ⌈m / B⌉ for full attention;
 *            ⌊(m − 1) / B⌋ − ⌊max(0, m − n) / B⌋ + 1 for a window of n keys; sinks add their own blocks
 *   allocated bytes = bytes of a full cache of blocks · B tokens;  held bytes = policyBytes
 *
 * The engine's paged cache (src/engine/paged-cache.ts) is tested against this after every token.
 */
import type { Dtype } from './dtype.js';
import { MemoryInputError, policyBytes, type AttentionShape } from './bytes.js';
import { windowSlots, type CachePolicy } from './policy.js';

export interface PagedMemory {
  /** Bytes of the pairs held (what the contiguous cache of the same policy holds). */
  heldBytes: number;
  /** Bytes of the allocated blocks, whole blocks: held pairs plus the empty and evicted slots in them. */
  allocatedBytes: number;
  /** Blocks allocated per layer (and per sequence). */
  blocks: number;
}

/** Blocks of B slots a layer holds after `tokens` tokens: those with at least one held pair. */
export function pagedBlocks(policy: CachePolicy, tokens: number, blockSize: number): number {
  checkBlockSize(blockSize);
  const m = tokens;
  if (!(Number.isSafeInteger(m) && m >= 0)) throw new MemoryInputError('tokens', `tokens must be a whole number ≥ 0 (got ${m})`);
  if (m === 0) return 0;
  const B = blockSize;
  const block = (position: number) => Math.floor(position / B);
  switch (policy.kind) {
    case 'full':
      return Math.ceil(m / B);
    case 'window': {
      // Held: positions max(0, m − n) .. m − 1, one contiguous span.
      const first = Math.max(0, m - windowSlots(policy.window, policy.convention));
      return block(m - 1) - block(first) + 1;
    }
    case 'sinks': {
      // Held: the sinks 0 .. min(S, m) − 1 and the recent positions max(S, m − n) .. m − 1.
      const sinks = Math.min(policy.sinks, m);
      const sinkBlocks = block(sinks - 1) + 1;
      if (m <= policy.sinks) return sinkBlocks;
      const firstRecent = Math.max(policy.sinks, m - windowSlots(policy.window, policy.convention));
      // The recent span's first block may be the sinks' last one: count it once.
      const firstNew = Math.max(block(firstRecent), sinkBlocks);
      return sinkBlocks + Math.max(0, block(m - 1) - firstNew + 1);
    }
    default:
      throw new MemoryInputError('policy', `the paged layout stores single tokens: use it with a full, window or sinks policy, not ${policy.kind}`);
  }
}

/** Held and allocated bytes of a paged cache of block size B after `tokens` tokens. */
export function pagedBytes(
  shape: AttentionShape,
  policy: CachePolicy,
  tokens: number,
  blockSize: number,
  dtype: Dtype = 'fp16',
  batch = 1,
): PagedMemory {
  const blocks = pagedBlocks(policy, tokens, blockSize);
  return {
    heldBytes: policyBytes(shape, policy, tokens, dtype, batch),
    // A block of B slots costs what B cached tokens cost: the full cache's bytes for blocks · B tokens.
    allocatedBytes: policyBytes(shape, { kind: 'full' }, blocks * blockSize, dtype, batch),
    blocks,
  };
}

function checkBlockSize(blockSize: number): void {
  if (!Number.isSafeInteger(blockSize) || blockSize <= 0) {
    throw new MemoryInputError('blockSize', `blockSize must be a whole number > 0 (got ${blockSize})`);
  }
}
