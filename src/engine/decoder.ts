/**
 * A tiny decoder-only transformer, enough to drive the caches with real queries, keys and values:
 * token embedding → L × (RMSNorm → Q, K, V projections → causal attention over the cache → output
 * projection → residual) → RMSNorm → logits with the embedding matrix reused (tied weights).
 *
 * Attention-only, no MLP: the MLP never touches the KV cache, and leaving it out keeps every FLOP of a
 * step about the thing the course measures. No positional encoding either ("NoPE"): the causal mask
 * alone orders tokens, and cached keys need no re-rotation when a window or sinks keep old ones.
 * Weights are seeded (rng.ts), so the same config gives the same model everywhere.
 */
import { capacityPairs, checkShape, type CachePolicy } from '../memory/index.js';
import { AttentionScratch, attendCache } from './attention.js';
import { createCache, type CacheOptions, type KvCache } from './kv-cache.js';
import { matvec, rmsNorm } from './linalg.js';
import { Rng } from './rng.js';
import { prefillChunk } from './prefill.js';

export interface DecoderConfig {
  layers: number;
  /** Query heads τ. */
  heads: number;
  /** KV heads g, dividing τ; defaults to τ (MHA). */
  kvHeads?: number;
  /** Head dimension d_h; the model width is d = τ · d_h. */
  headDim: number;
  /** Vocabulary size; defaults to 256. */
  vocab?: number;
  /** Weight seed; defaults to 0. */
  seed?: number;
}

export type ResolvedDecoderConfig = Required<DecoderConfig>;

/** The weights of one layer, row-major [out][in] so each output is one dot product. */
export interface LayerWeights {
  /** [heads · headDim][d] */
  wq: Float32Array;
  /** [kvHeads · headDim][d] */
  wk: Float32Array;
  /** [kvHeads · headDim][d] */
  wv: Float32Array;
  /** [d][heads · headDim] */
  wo: Float32Array;
}

export interface DecoderWeights {
  /** [vocab][d], also the output projection. */
  embedding: Float32Array;
  layers: LayerWeights[];
}

/** Checks a config and fills in its defaults. */
export function resolveConfig(config: DecoderConfig): ResolvedDecoderConfig {
  const shape = checkShape(config);
  const vocab = config.vocab ?? 256;
  if (!Number.isSafeInteger(vocab) || vocab <= 0) throw new RangeError(`vocab must be a whole number > 0 (got ${vocab})`);
  return { ...shape, vocab, seed: config.seed ?? 0 };
}

/** Seeded Gaussian weights, scaled 1/√fan-in so activations keep unit size from layer to layer. */
export function initWeights(config: ResolvedDecoderConfig): DecoderWeights {
  const { layers, heads, kvHeads, headDim, vocab } = config;
  const d = heads * headDim;
  const rng = new Rng(config.seed);
  const std = 1 / Math.sqrt(d);
  return {
    embedding: rng.normalArray(vocab * d),
    layers: Array.from({ length: layers }, () => ({
      wq: rng.normalArray(heads * headDim * d, std),
      wk: rng.normalArray(kvHeads * headDim * d, std),
      wv: rng.normalArray(kvHeads * headDim * d, std),
      wo: rng.normalArray(d * heads * headDim, 1 / Math.sqrt(heads * headDim)),
    })),
  };
}

/**
 * Floating-point operations of one decode step with `attendedSlots` pairs attended in every layer,
 * counting 2 per multiply-add: per layer the Q, K and V projections 2·d·(τ + 2g)·d_h, the scores q·k
 * 2·τ·d_h·n, the weighted sum of values 2·τ·d_h·n and the output projection 2·τ·d_h·d; then the logits
 * 2·vocab·d. Norms, softmax exponentials and residual adds are O(d + τ·n) and not counted.
 */
export function decodeStepFlops(config: ResolvedDecoderConfig, attendedSlots: number): number {
  const { layers, heads, kvHeads, headDim, vocab } = config;
  const d = heads * headDim;
  const perLayer =
    2 * d * (heads + 2 * kvHeads) * headDim + 2 * 2 * heads * headDim * attendedSlots + 2 * heads * headDim * d;
  return layers * perLayer + 2 * vocab * d;
}

export class Decoder {
  readonly config: ResolvedDecoderConfig;
  readonly weights: DecoderWeights;
  readonly cache: KvCache;
  // Activations of one token, allocated once: the decode step allocates nothing.
  private readonly x: Float32Array; // [d] residual stream
  private readonly xn: Float32Array; // [d] normalised
  private readonly q: Float32Array; // [heads][headDim]
  private readonly k: Float32Array; // [kvHeads][headDim]
  private readonly v: Float32Array; // [kvHeads][headDim]
  private readonly att: Float32Array; // [heads][headDim]
  private readonly proj: Float32Array; // [d]
  private readonly logits: Float32Array; // [vocab]
  private readonly scratch: AttentionScratch;

  constructor(config: DecoderConfig, policy: CachePolicy, weights?: DecoderWeights, options: CacheOptions = {}) {
    this.config = resolveConfig(config);
    const { layers, heads, kvHeads, headDim, vocab } = this.config;
    this.weights = weights ?? initWeights(this.config);
    this.cache = createCache({ layers, kvHeads, headDim }, policy, options);
    const d = heads * headDim;
    this.x = new Float32Array(d);
    this.xn = new Float32Array(d);
    this.q = new Float32Array(heads * headDim);
    this.k = new Float32Array(kvHeads * headDim);
    this.v = new Float32Array(kvHeads * headDim);
    this.att = new Float32Array(heads * headDim);
    this.proj = new Float32Array(d);
    this.logits = new Float32Array(vocab);
    // Sized for the cache's capacity; a full cache's scratch grows with it.
    const capacity = capacityPairs(policy);
    this.scratch = new AttentionScratch(Number.isFinite(capacity) ? capacity : 16, headDim);
  }

  /** Tokens seen so far, m. */
  get tokens(): number {
    return this.cache.tokens;
  }

  /** Model width d = τ · d_h. */
  get width(): number {
    return this.config.heads * this.config.headDim;
  }

  /**
   * Decodes one token: appends its keys and values to the cache in every layer and returns the logits
   * for the next token, [vocab]. The returned array is reused: the next step overwrites it.
   */
  step(token: number): Float32Array {
    const { layers, heads, kvHeads, headDim, vocab } = this.config;
    checkToken(token, vocab);
    const d = heads * headDim;
    const { x, xn, q, k, v, att, proj } = this;
    const embedding = this.weights.embedding;
    // A loop, not set(subarray(…)): subarray would allocate a view object every token.
    for (let i = 0; i < d; i++) x[i] = embedding[token * d + i]!;
    for (let l = 0; l < layers; l++) {
      const w = this.weights.layers[l]!;
      rmsNorm(xn, 0, x, 0, d);
      matvec(q, 0, w.wq, xn, 0, heads * headDim, d);
      matvec(k, 0, w.wk, xn, 0, kvHeads * headDim, d);
      matvec(v, 0, w.wv, xn, 0, kvHeads * headDim, d);
      // Cache first, then attend: the token sees itself, as the causal mask j ≤ i says.
      this.cache.append(l, k, v);
      attendCache(att, q, this.cache, l, heads, this.scratch);
      matvec(proj, 0, w.wo, att, 0, d, heads * headDim);
      for (let i = 0; i < d; i++) x[i] = x[i]! + proj[i]!;
    }
    rmsNorm(xn, 0, x, 0, d);
    matvec(this.logits, 0, this.weights.embedding, xn, 0, vocab, d);
    return this.logits;
  }

  /**
   * Runs a prompt through the model and returns the logits after every position, [tokens.length][vocab].
   * Full, window and sinks caches take it in chunks of `chunk` tokens in matrix form (prefill.ts);
   * the averaging memories change state with every token, so they step.
   */
  prefill(tokens: readonly number[], chunk = Math.max(1, tokens.length)): Float32Array {
    const { vocab } = this.config;
    for (const token of tokens) checkToken(token, vocab);
    if (!Number.isSafeInteger(chunk) || chunk <= 0) throw new RangeError(`chunk must be a whole number > 0 (got ${chunk})`);
    const out = new Float32Array(tokens.length * vocab);
    const kind = this.cache.policy.kind;
    if (kind === 'full' || kind === 'window' || kind === 'sinks') {
      for (let start = 0; start < tokens.length; start += chunk) {
        const rows = tokens.slice(start, start + chunk);
        out.set(prefillChunk(this.config, this.weights, this.cache, rows), start * vocab);
      }
    } else {
      tokens.forEach((token, i) => out.set(this.step(token), i * vocab));
    }
    return out;
  }
}

/**
 * A decoder with seeded weights and a cache of the given policy; options.kernel picks the decode attention
 * kernel ('wasm' by default where the runtime has WebAssembly SIMD, 'js' for the plain-TypeScript one).
 */
export function createDecoder(config: DecoderConfig, policy: CachePolicy, options: CacheOptions = {}): Decoder {
  return new Decoder(config, policy, undefined, options);
}

function checkToken(token: number, vocab: number): void {
  if (!(Number.isInteger(token) && token >= 0 && token < vocab)) {
    throw new RangeError(`token ${token} is outside the vocabulary 0..${vocab - 1}`);
  }
}
