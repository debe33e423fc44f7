/**
 * What one layer's cache stores: the vectors a token leaves there (2 · g of d_h, or MLA's latent and RoPE
 * key) in the cache's element type or quantized (quantized.ts). Everything here counts one layer of one
 * sequence, in BigInt; bytes.ts multiplies by layers and batch and refuses totals past 2^53.
 */
import { bytesPerElement, type Dtype } from './dtype.js';
import { MemoryInputError } from './errors.js';
import { latentElementsPerToken, type LatentAttention } from './latent.js';
import { KIVI_DEFAULT_RESIDUAL, QUANT_BITS, checkQuantization, groupMetaBytes, kiviHeadBytes, vectorBytes, type CacheQuantization } from './quantized.js';

export interface CacheStorage {
  /** Element type of an unquantized cache, and of the full-precision residual under KIVI. */
  dtype: Dtype;
  latent?: LatentAttention;
  quantization?: CacheQuantization;
}

interface HeadsShape {
  kvHeads: number;
  headDim: number;
}

/** Validates the combination once: a known quantization, and no KIVI on a latent cache. */
export function checkStorage(storage: CacheStorage): void {
  if (storage.latent !== undefined) latentElementsPerToken(storage.latent);
  if (storage.quantization === undefined) return;
  checkQuantization(storage.quantization);
  if (storage.latent !== undefined && storage.quantization.layout === 'kivi') {
    throw new MemoryInputError(
      'quantization',
      "the 'kivi' layout quantizes keys per channel and values per token; a latent (MLA) cache has neither: use the per-token layout",
    );
  }
}

/** Bytes one layer of one sequence holds for `pairs` cached tokens. */
export function layerCacheBytes(shape: HeadsShape, storage: CacheStorage, pairs: number): bigint {
  const p = BigInt(pairs);
  const q = storage.quantization;
  if (q !== undefined && q.layout === 'kivi') {
    const head = kiviHeadBytes(shape.headDim, pairs, bytesPerElement(storage.dtype), q);
    return BigInt(shape.kvHeads) * (head.keys + head.values);
  }
  return p * tokenLayerBytes(shape, storage);
}

/**
 * Bytes one token adds to one layer's cache as it enters. Under KIVI a token enters in full precision
 * (it is quantized later, with its group), so this is the unquantized row there.
 */
export function tokenLayerBytes(shape: HeadsShape, storage: CacheStorage): bigint {
  const q = storage.quantization;
  const element = BigInt(bytesPerElement(storage.dtype));
  if (storage.latent !== undefined) {
    const { kvLoraRank, ropeHeadDim } = storage.latent;
    if (q === undefined) return BigInt(latentElementsPerToken(storage.latent)) * element;
    return vectorBytes(kvLoraRank, q) + (ropeHeadDim > 0 ? vectorBytes(ropeHeadDim, q) : 0n);
  }
  const vectors = 2n * BigInt(shape.kvHeads);
  if (q === undefined || q.layout === 'kivi') return vectors * BigInt(shape.headDim) * element;
  return vectors * vectorBytes(shape.headDim, q);
}

/** How one quantized vector's bytes come about, e.g. "int4 of 128 dims: 64 + 4 groups × 2 scale bytes". */
function vectorWords(length: number, q: CacheQuantization): string {
  const bits = QUANT_BITS[q.format];
  const data = Math.ceil((length * bits) / 8);
  const groups = Math.ceil(length / q.groupSize);
  const meta = groupMetaBytes(q);
  const what = q.zeroPoint ? 'scale + zero-point bytes' : 'scale bytes';
  return `${q.format} of ${length} dims: ${data} + ${groups} groups × ${meta} ${what}`;
}

/**
 * One term of the formula in words: `count` layers each holding `tokens` pairs, over the batch, e.g.
 * "2 × 32 layers × 8 KV heads × 128 dims × 4096 tokens × 2 bytes × batch 1".
 */
export function describeLayerTerm(
  shape: HeadsShape,
  storage: CacheStorage,
  count: number,
  tokens: number,
  batch: number,
): string {
  const q = storage.quantization;
  const elementBytes = bytesPerElement(storage.dtype);
  if (storage.latent !== undefined) {
    const { kvLoraRank, ropeHeadDim } = storage.latent;
    if (q === undefined) {
      return `${count} layers × (${kvLoraRank} latent + ${ropeHeadDim} RoPE-key dims) × ${tokens} tokens × ${elementBytes} bytes × batch ${batch}`;
    }
    const rope = ropeHeadDim > 0 ? ` + ${vectorBytes(ropeHeadDim, q)} (${vectorWords(ropeHeadDim, q)})` : '';
    return `${count} layers × ${tokens} tokens × (${vectorBytes(kvLoraRank, q)} (latent, ${vectorWords(kvLoraRank, q)})${rope}) bytes × batch ${batch}`;
  }
  if (q === undefined) {
    return `2 × ${count} layers × ${shape.kvHeads} KV heads × ${shape.headDim} dims × ${tokens} tokens × ${elementBytes} bytes × batch ${batch}`;
  }
  if (q.layout === 'kivi') {
    const head = kiviHeadBytes(shape.headDim, tokens, elementBytes, q);
    const residual = q.residual ?? KIVI_DEFAULT_RESIDUAL;
    return `${count} layers × ${shape.kvHeads} KV heads × (keys ${head.keys} + values ${head.values} bytes: KIVI ${q.format}, G ${q.groupSize}, R ${residual}, at ${tokens} tokens) × batch ${batch}`;
  }
  return `2 × ${count} layers × ${shape.kvHeads} KV heads × ${tokens} tokens × ${vectorBytes(shape.headDim, q)} bytes a vector (${vectorWords(shape.headDim, q)}) × batch ${batch}`;
}
