/**
 * Exact KV-cache bytes: the practical form of the course's formula, used by the engine's tests, the CLI,
 * the quizzes and the notebooks alike.
 *
 *   bytes = 2 (K and V) × layers × kv_heads × head_dim × cached_tokens × bytes_per_element × batch
 *
 * Hybrid models sum per layer: a local layer caches min(m, W) tokens (min(m, S + W) with S sinks),
 * a global layer caches all m.
 *
 * What one layer stores per token can change (storage.ts): MLA's latent and RoPE key (latent.ts) in place of
 * 2 · g · d_h, quantized vectors with their scales (quantized.ts); and with cross-layer sharing only ⌈L/s⌉
 * layers hold a cache (sharing.ts). Without those options every figure is the formula above, unchanged.
 */
import { bytesPerElement, type Dtype } from './dtype.js';
import { MemoryInputError } from './errors.js';
import { exactNumber } from './exact.js';
import { latentElementsPerToken, type LatentAttention } from './latent.js';
import { heldPairs, policyProblems, type CachePolicy, type WindowConvention } from './policy.js';
import type { CacheQuantization } from './quantized.js';
import { cacheOwners } from './sharing.js';
import { checkStorage, describeLayerTerm, layerCacheBytes, tokenLayerBytes, type CacheStorage } from './storage.js';

export { MemoryInputError } from './errors.js';

export type LayerKind = 'local' | 'global';

/** The attention shape of a model: what the cache size depends on. */
export interface AttentionShape {
  layers: number;
  /** Query heads τ. */
  heads: number;
  /** KV heads g (GQA groups n_g); g = τ is MHA, g = 1 is MQA. Defaults to `heads`. */
  kvHeads?: number;
  /** Head dimension d_h. */
  headDim: number;
  /**
   * Multi-head latent attention (latent.ts): each layer caches kv_lora_rank + qk_rope_head_dim elements a
   * token in place of 2 · g · d_h, so heads, KV heads and head dim no longer enter the bytes.
   */
  latent?: LatentAttention;
}

/** A shape after checkShape: every count filled in and checked. */
export type CheckedShape = Required<Omit<AttentionShape, 'latent'>> & { latent?: LatentAttention };

export interface KvMemoryQuery extends AttentionShape {
  /** Tokens so far, m. */
  tokens: number;
  /** Window W on local layers (keys per query, its own included). Absent: every layer is global. */
  window?: number;
  /** Attention sinks kept on local layers beside the window. */
  sinks?: number;
  /** Per-layer kinds for hybrid models; absent with a window means every layer is local. */
  layerPattern?: readonly LayerKind[];
  convention?: WindowConvention;
  /** Element type; with `quantization`, the type of KIVI's full-precision residual (unused per-token). */
  dtype?: Dtype;
  batch?: number;
  /** A quantized cache with per-group scales (quantized.ts). */
  quantization?: CacheQuantization;
  /** Cross-layer sharing factor s: groups of s adjacent layers share one cache (sharing.ts). Default 1. */
  crossLayerSharing?: number;
}

export interface LayerMemory {
  layer: number;
  kind: LayerKind;
  cachedTokens: number;
  bytes: number;
  /** With cross-layer sharing: the layer whose cache this one reads (it holds none: 0 tokens, 0 bytes). */
  sharesCacheOf?: number;
}

export interface KvMemoryReport {
  /** Total bytes over all layers and the batch; an exact integer. */
  bytes: number;
  /** The largest per-layer count of cached tokens. */
  cachedTokens: number;
  /**
   * Bytes one token adds to one sequence's cache when every layer keeps it: 2 · L · g · d_h · bytes/element
   * (MLA: L · (kv_lora_rank + qk_rope_head_dim) · bytes/element; quantized: the packed vectors and their
   * scales; KIVI: the full-precision row a token enters as; with sharing, only the ⌈L/s⌉ layers that hold one).
   */
  bytesPerToken: number;
  layers: LayerMemory[];
  /** The arithmetic in words, e.g. "2 × 32 layers × 8 KV heads × 128 dims × 4096 tokens × 2 bytes × batch 1". */
  formula: string;
}

function requireCount(field: string, value: number | undefined, allowZero = false): number {
  if (value === undefined || !Number.isSafeInteger(value) || value < 0 || (!allowZero && value === 0)) {
    throw new MemoryInputError(field, `${field} must be a whole number ${allowZero ? '≥ 0' : '> 0'} (got ${value})`);
  }
  return value;
}

/** Validates a shape and returns it with kvHeads filled in. */
export function checkShape(shape: AttentionShape): CheckedShape {
  const layers = requireCount('layers', shape.layers);
  const heads = requireCount('heads', shape.heads);
  const kvHeads = requireCount('kvHeads', shape.kvHeads ?? shape.heads);
  const headDim = requireCount('headDim', shape.headDim);
  if (heads % kvHeads !== 0) {
    throw new MemoryInputError('kvHeads', `kvHeads (${kvHeads}) must divide heads (${heads})`);
  }
  if (shape.latent === undefined) return { layers, heads, kvHeads, headDim };
  latentElementsPerToken(shape.latent);
  return { layers, heads, kvHeads, headDim, latent: shape.latent };
}

/** Multiplies whole numbers exactly and refuses a result past 2^53, where doubles stop being exact. */
function exactProduct(field: string, ...factors: number[]): number {
  const product = factors.reduce((acc, f) => acc * BigInt(f), 1n);
  if (product > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new MemoryInputError(field, `the byte count ${product} exceeds 2^53 − 1; use smaller sizes`);
  }
  return Number(product);
}

/** Bytes of one cached token in one layer of one sequence: 2 · g · d_h · bytes/element (MLA: (r + ρ) · bytes/element). */
export function bytesPerTokenPerLayer(shape: AttentionShape, dtype: Dtype = 'fp16'): number {
  const s = checkShape(shape);
  if (s.latent) return exactProduct('bytes', latentElementsPerToken(s.latent), bytesPerElement(dtype));
  return exactProduct('bytes', 2, s.kvHeads, s.headDim, bytesPerElement(dtype));
}

/** Bytes one token adds across all layers of one sequence: 2 · L · g · d_h · bytes/element (MLA: L · (r + ρ) · …). */
export function bytesPerToken(shape: AttentionShape, dtype: Dtype = 'fp16'): number {
  const s = checkShape(shape);
  if (s.latent) return exactProduct('bytes', s.layers, latentElementsPerToken(s.latent), bytesPerElement(dtype));
  return exactProduct('bytes', 2, s.layers, s.kvHeads, s.headDim, bytesPerElement(dtype));
}

/** Bytes a cache of the given policy holds after `tokens` tokens, on every layer alike. */
export function policyBytes(
  shape: AttentionShape,
  policy: CachePolicy,
  tokens: number,
  dtype: Dtype = 'fp16',
  batch = 1,
): number {
  const s = checkShape(shape);
  requireCount('tokens', tokens, true);
  requireCount('batch', batch);
  const problems = policyProblems(policy);
  if (problems.length > 0) throw new MemoryInputError(policy.kind, problems.join('; '));
  const pairs = heldPairs(policy, tokens);
  if (s.latent) {
    return exactProduct('bytes', s.layers, latentElementsPerToken(s.latent), pairs, bytesPerElement(dtype), batch);
  }
  return exactProduct('bytes', 2, s.layers, s.kvHeads, s.headDim, pairs, bytesPerElement(dtype), batch);
}

/** The layer kinds of a model: the pattern given, or all local with a window, all global without. */
function layerKinds(query: KvMemoryQuery, layers: number): readonly LayerKind[] {
  if (query.window === undefined) return Array.from({ length: layers }, () => 'global' as const);
  if (query.layerPattern === undefined) return Array.from({ length: layers }, () => 'local' as const);
  if (query.layerPattern.length !== layers) {
    throw new MemoryInputError(
      'layerPattern',
      `layerPattern has ${query.layerPattern.length} entries but the model has ${layers} layers`,
    );
  }
  return query.layerPattern;
}

/** The full per-layer memory report: what `kvlab memory` prints. */
export function kvCacheMemory(query: KvMemoryQuery): KvMemoryReport {
  const s = checkShape(query);
  const tokens = requireCount('tokens', query.tokens);
  const dtype = query.dtype ?? 'fp16';
  const batch = requireCount('batch', query.batch ?? 1);
  if (query.window !== undefined) requireCount('window', query.window);
  if (query.sinks !== undefined) requireCount('sinks', query.sinks);
  if (query.sinks !== undefined && query.window === undefined) {
    throw new MemoryInputError('sinks', 'sinks need a window: give a window too');
  }
  const localPolicy: CachePolicy =
    query.window === undefined
      ? { kind: 'full' }
      : query.sinks === undefined
        ? { kind: 'window', window: query.window, convention: query.convention }
        : { kind: 'sinks', window: query.window, sinks: query.sinks, convention: query.convention };

  const storage: CacheStorage = { dtype, latent: s.latent, quantization: query.quantization };
  checkStorage(storage);
  const kinds = layerKinds(query, s.layers);
  const owners = cacheOwners(kinds, query.crossLayerSharing ?? 1);
  const layers: LayerMemory[] = kinds.map((kind, layer) => {
    // A layer that reads another's cache (cross-layer sharing) holds nothing of its own.
    if (owners[layer] !== layer) return { layer, kind, cachedTokens: 0, bytes: 0, sharesCacheOf: owners[layer] };
    const cachedTokens = heldPairs(kind === 'local' ? localPolicy : { kind: 'full' }, tokens);
    return { layer, kind, cachedTokens, bytes: exactNumber('bytes', layerCacheBytes(s, storage, cachedTokens) * BigInt(batch)) };
  });
  const bytes = exactProduct('bytes', 1, layers.reduce((sum, l) => sum + l.bytes, 0));
  // A loop, not Math.max(...): spreading 100k+ layers into a call overflows the stack.
  let cachedTokens = 0;
  for (const l of layers) cachedTokens = Math.max(cachedTokens, l.cachedTokens);

  return {
    bytes,
    cachedTokens,
    bytesPerToken: exactNumber('bytes', tokenLayerBytes(s, storage) * BigInt(owners.filter((o, i) => o === i).length)),
    layers,
    formula: describeFormula(s, storage, layers, batch, bytes),
  };
}

function describeFormula(
  s: CheckedShape,
  storage: CacheStorage,
  layers: LayerMemory[],
  batch: number,
  bytes: number,
): string {
  // Group the layers that hold a cache by how many tokens they cache, so a hybrid model reads as a short sum.
  const groups = new Map<number, number>();
  for (const l of layers) {
    if (l.sharesCacheOf === undefined) groups.set(l.cachedTokens, (groups.get(l.cachedTokens) ?? 0) + 1);
  }
  const terms = [...groups].map(([tokens, count]) => describeLayerTerm(s, storage, count, tokens, batch));
  const sharing = layers.length - [...groups.values()].reduce((a, b) => a + b, 0);
  const note = sharing === 0 ? '' : ` (cross-layer sharing: ${layers.length - sharing} of ${layers.length} layers hold a cache)`;
  return `${terms.join(' + ')} = ${bytes} bytes${note}`;
}
