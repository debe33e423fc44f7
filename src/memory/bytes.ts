/**
 * Exact KV-cache bytes: the practical form of the course's formula, used by the engine's tests, the CLI,
 * the quizzes and the notebooks alike.
 *
 *   bytes = 2 (K and V) × layers × kv_heads × head_dim × cached_tokens × bytes_per_element × batch
 *
 * Hybrid models sum per layer: a local layer caches min(m, W) tokens (min(m, S + W) with S sinks),
 * a global layer caches all m.
 */
import { bytesPerElement, type Dtype } from './dtype.js';
import { heldPairs, policyProblems, type CachePolicy, type WindowConvention } from './policy.js';

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
}

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
  dtype?: Dtype;
  batch?: number;
}

export interface LayerMemory {
  layer: number;
  kind: LayerKind;
  cachedTokens: number;
  bytes: number;
}

export interface KvMemoryReport {
  /** Total bytes over all layers and the batch; an exact integer. */
  bytes: number;
  /** The largest per-layer count of cached tokens. */
  cachedTokens: number;
  /** Bytes one token adds to one sequence's cache when every layer keeps it: 2 · L · g · d_h · bytes/element. */
  bytesPerToken: number;
  layers: LayerMemory[];
  /** The arithmetic in words, e.g. "2 × 32 layers × 8 KV heads × 128 dims × 4096 tokens × 2 bytes × batch 1". */
  formula: string;
}

/** A size the formula cannot take, named by its field so callers can point at the flag or cell. */
export class MemoryInputError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'MemoryInputError';
  }
}

function requireCount(field: string, value: number | undefined, allowZero = false): number {
  if (value === undefined || !Number.isSafeInteger(value) || value < 0 || (!allowZero && value === 0)) {
    throw new MemoryInputError(field, `${field} must be a whole number ${allowZero ? '≥ 0' : '> 0'} (got ${value})`);
  }
  return value;
}

/** Validates a shape and returns it with kvHeads filled in. */
export function checkShape(shape: AttentionShape): Required<AttentionShape> {
  const layers = requireCount('layers', shape.layers);
  const heads = requireCount('heads', shape.heads);
  const kvHeads = requireCount('kvHeads', shape.kvHeads ?? shape.heads);
  const headDim = requireCount('headDim', shape.headDim);
  if (heads % kvHeads !== 0) {
    throw new MemoryInputError('kvHeads', `kvHeads (${kvHeads}) must divide heads (${heads})`);
  }
  return { layers, heads, kvHeads, headDim };
}

/** Multiplies whole numbers exactly and refuses a result past 2^53, where doubles stop being exact. */
function exactProduct(field: string, ...factors: number[]): number {
  const product = factors.reduce((acc, f) => acc * BigInt(f), 1n);
  if (product > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new MemoryInputError(field, `the byte count ${product} exceeds 2^53 − 1; use smaller sizes`);
  }
  return Number(product);
}

/** Bytes of one cached token in one layer of one sequence: 2 · g · d_h · bytes/element. */
export function bytesPerTokenPerLayer(shape: AttentionShape, dtype: Dtype = 'fp16'): number {
  const s = checkShape(shape);
  return exactProduct('bytes', 2, s.kvHeads, s.headDim, bytesPerElement(dtype));
}

/** Bytes one token adds across all layers of one sequence: 2 · L · g · d_h · bytes/element. */
export function bytesPerToken(shape: AttentionShape, dtype: Dtype = 'fp16'): number {
  const s = checkShape(shape);
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

  const perTokenLayer = bytesPerTokenPerLayer(s, dtype);
  const layers: LayerMemory[] = layerKinds(query, s.layers).map((kind, layer) => {
    const cachedTokens = heldPairs(kind === 'local' ? localPolicy : { kind: 'full' }, tokens);
    return { layer, kind, cachedTokens, bytes: exactProduct('bytes', perTokenLayer, cachedTokens, batch) };
  });
  const bytes = exactProduct('bytes', 1, layers.reduce((sum, l) => sum + l.bytes, 0));
  // A loop, not Math.max(...): spreading 100k+ layers into a call overflows the stack.
  let cachedTokens = 0;
  for (const l of layers) cachedTokens = Math.max(cachedTokens, l.cachedTokens);

  return {
    bytes,
    cachedTokens,
    bytesPerToken: bytesPerToken(s, dtype),
    layers,
    formula: describeFormula(s, layers, bytesPerElement(dtype), batch, bytes),
  };
}

function describeFormula(
  s: Required<AttentionShape>,
  layers: LayerMemory[],
  elementBytes: number,
  batch: number,
  bytes: number,
): string {
  // Group layers by how many tokens they cache, so a hybrid model reads as a short sum.
  const groups = new Map<number, number>();
  for (const l of layers) groups.set(l.cachedTokens, (groups.get(l.cachedTokens) ?? 0) + 1);
  const terms = [...groups].map(
    ([tokens, count]) =>
      `2 × ${count} layers × ${s.kvHeads} KV heads × ${s.headDim} dims × ${tokens} tokens × ${elementBytes} bytes × batch ${batch}`,
  );
  return `${terms.join(' + ')} = ${bytes} bytes`;
}
