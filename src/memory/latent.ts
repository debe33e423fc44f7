/**
 * Multi-head latent attention (MLA, DeepSeek-V2: arXiv 2405.04434, §2.1). Keys and values are not cached
 * per head: each layer caches, per token, one compressed latent c_KV of kv_lora_rank elements (every head's
 * keys and values are up-projected from it) and one decoupled RoPE key k_R of qk_rope_head_dim elements,
 * shared by all heads. So a token costs (kv_lora_rank + qk_rope_head_dim) elements a layer in place of
 * 2 · g · d_h, whatever the number of heads: DeepSeek-V2-Lite caches 512 + 64 = 576 where its 16 heads of
 * 128 dims would cache 4096 as plain multi-head attention.
 */
import { MemoryInputError } from './errors.js';

export interface LatentAttention {
  /** Elements of the compressed KV latent c_KV (config.json `kv_lora_rank`; d_c in the paper). */
  kvLoraRank: number;
  /** Elements of the decoupled RoPE key shared by all heads (`qk_rope_head_dim`; d_h^R in the paper). */
  ropeHeadDim: number;
}

/** Elements one token leaves in one layer's latent cache: kv_lora_rank + qk_rope_head_dim. */
export function latentElementsPerToken(latent: LatentAttention): number {
  for (const [field, value] of [
    ['kvLoraRank', latent.kvLoraRank],
    ['ropeHeadDim', latent.ropeHeadDim],
  ] as const) {
    // The RoPE key may be absent (0) in a latent-only variant; the latent itself may not.
    const allowZero = field === 'ropeHeadDim';
    if (!Number.isSafeInteger(value) || value < 0 || (!allowZero && value === 0)) {
      throw new MemoryInputError(field, `${field} must be a whole number ${allowZero ? '≥ 0' : '> 0'} (got ${value})`);
    }
  }
  return latent.kvLoraRank + latent.ropeHeadDim;
}
