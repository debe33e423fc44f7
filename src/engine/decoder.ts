/**
 * A tiny decoder-only transformer, enough to drive the caches with real queries, keys and values:
 * token embedding → L × (RMSNorm → Q, K, V projections → causal attention over the cache → output
 * projection → residual) → RMSNorm → logits with the embedding matrix reused (tied weights).
 *
 * Attention-only, no MLP: the MLP never touches the KV cache, and leaving it out keeps every FLOP of a
 * step about the thing the course measures. Positions are off by default ("NoPE": the causal mask alone
 * orders tokens); config.rope turns on rotary embedding, keys rotated before caching ('absolute') or at
 * attention time with positions numbered within the cache ('streaming'), see rope.ts.
 * Weights are seeded (rng.ts), so the same config gives the same model everywhere.
 *
 * The decoder owns its attention kernel (kernel.ts): the kernel allocates the cache's buffers and runs
 * attention over them; the cache only stores.
 */
import type { CachePolicy } from '../memory/index.js';
import { cacheWith, type CacheOptions } from './create-cache.js';
import { createKernel, defaultThreads } from './create-kernel.js';
import type { Kernel } from './kernel.js';
import type { AttendedRuns, KvCache } from './kv-cache.js';
import { rmsNorm } from './linalg.js';
import { initWeights, resolveConfig, type DecoderConfig, type DecoderWeights, type ResolvedDecoderConfig } from './model.js';
import { prefillChunk } from './prefill.js';
import { weightsOver, type AttentionWeights } from './attention-weights.js';
import { RopeAngles, RopeTable, rotateHead, rotateHeads } from './rope.js';

export class Decoder {
  readonly config: ResolvedDecoderConfig;
  readonly weights: DecoderWeights;
  /** The attention kernel: allocated the cache's buffers, runs attention over them. */
  readonly kernel: Kernel;
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
  private readonly angles: RopeAngles | undefined;
  private readonly streaming: StreamingPositions | undefined;
  // The last step's queries, [layers][heads][headDim] as attention used them, and the length m they were
  // taken at: what attentionWeights reads (one copy of d floats a layer a step).
  private readonly lastQueries: Float32Array;
  private lastQueriesAt = -1;

  constructor(config: DecoderConfig, policy: CachePolicy, weights?: DecoderWeights, options: CacheOptions = {}) {
    this.config = resolveConfig(config);
    const { layers, heads, kvHeads, headDim, vocab, rope, ropeBase } = this.config;
    // A kernel object brings its own threads; a name gets the default for this width unless told.
    const given = typeof options.kernel === 'object';
    this.kernel = createKernel(options.kernel, options.threads ?? (given ? undefined : defaultThreads(heads * headDim, options.kernel)));
    this.cache = cacheWith({ layers, kvHeads, headDim }, policy, this.kernel, options.blockSize);
    if (rope === 'streaming' && policy.kind !== 'full' && policy.kind !== 'window' && policy.kind !== 'sinks') {
      throw new RangeError(`rope 'streaming' numbers positions within the cache: use a full, window or sinks cache, not ${policy.kind}`);
    }
    // Weights and activations in one allocation of the kernel, where its matvec reads them (the wasm
    // kernel's linear memory); the weights are copied in once.
    const d = heads * headDim;
    const layerLengths = [heads * headDim * d, kvHeads * headDim * d, kvHeads * headDim * d, d * heads * headDim];
    const activations = [d, d, heads * headDim, kvHeads * headDim, kvHeads * headDim, heads * headDim, d, vocab];
    const buffers = this.kernel.allocateFloats([vocab * d, ...Array.from({ length: layers }, () => layerLengths).flat(), ...activations]);
    const take = () => buffers.shift()!;
    const source = weights ?? initWeights(this.config);
    const place = (from: Float32Array, name: string) => {
      const into = take();
      if (from.length !== into.length) throw new RangeError(`weights.${name} has ${from.length} numbers; this config needs ${into.length}`);
      into.set(from);
      return into;
    };
    if (source.layers.length !== layers) throw new RangeError(`weights have ${source.layers.length} layers; this config has ${layers}`);
    this.weights = {
      embedding: place(source.embedding, 'embedding'),
      layers: source.layers.map((w, l) => ({
        wq: place(w.wq, `layers[${l}].wq`),
        wk: place(w.wk, `layers[${l}].wk`),
        wv: place(w.wv, `layers[${l}].wv`),
        wo: place(w.wo, `layers[${l}].wo`),
      })),
    };
    [this.x, this.xn, this.q, this.k, this.v, this.att, this.proj, this.logits] = buffers as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];
    this.angles = rope === 'absolute' ? new RopeAngles(headDim, ropeBase) : undefined;
    this.streaming = rope === 'streaming' ? new StreamingPositions(this.config, policy, this.kernel) : undefined;
    this.lastQueries = new Float32Array(layers * d);
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
    const { x, xn, q, k, v, att, proj, angles, streaming, kernel } = this;
    const position = this.cache.tokens;
    angles?.at(position);
    const embedding = this.weights.embedding;
    // A loop, not set(subarray(…)): subarray would allocate a view object every token.
    for (let i = 0; i < d; i++) x[i] = embedding[token * d + i]!;
    for (let l = 0; l < layers; l++) {
      const w = this.weights.layers[l]!;
      rmsNorm(xn, 0, x, 0, d);
      kernel.matvec(q, 0, w.wq, xn, 0, heads * headDim, d);
      kernel.matvec(k, 0, w.wk, xn, 0, kvHeads * headDim, d);
      kernel.matvec(v, 0, w.wv, xn, 0, kvHeads * headDim, d);
      if (angles) {
        // Rotated at the absolute position, once: the cached key is final, a ring never re-rotates it.
        rotateHeads(q, 0, heads, headDim, angles);
        rotateHeads(k, 0, kvHeads, headDim, angles);
      }
      for (let i = 0; i < d; i++) this.lastQueries[l * d + i] = q[i]!;
      // Cache first, then attend: the token sees itself, as the causal mask j ≤ i says.
      this.cache.append(l, k, v);
      if (streaming) streaming.attend(att, q, this.cache, l, position + 1);
      else kernel.attend(att, q, this.cache, l, heads);
      kernel.matvec(proj, 0, w.wo, att, 0, d, heads * headDim);
      for (let i = 0; i < d; i++) x[i] = x[i]! + proj[i]!;
    }
    rmsNorm(xn, 0, x, 0, d);
    kernel.matvec(this.logits, 0, this.weights.embedding, xn, 0, vocab, d);
    this.lastQueriesAt = this.cache.tokens;
    return this.logits;
  }

  /**
   * Where the last decoded token's attention went in one layer and query head: each attended pair's
   * position and softmax weight (float64, recomputed from the cache's keys and the query the step used), in
   * the cache's slot order (a ring's oldest pair is not first once it wraps; sort by position if need be).
   * For caches that keep tokens (full, window, sinks, paged) and positions 'none' or 'absolute'; call it
   * right after step().
   */
  attentionWeights(layer: number, head: number): AttentionWeights {
    const { layers, heads, kvHeads, headDim, rope } = this.config;
    const shown = (n: unknown) => (typeof n === 'string' ? `'${n}'` : String(n));
    if (!Number.isInteger(layer) || layer < 0 || layer >= layers) throw new RangeError(`layer must be 0..${layers - 1} (got ${shown(layer)})`);
    if (!Number.isInteger(head) || head < 0 || head >= heads) throw new RangeError(`head must be 0..${heads - 1} (got ${shown(head)})`);
    const kind = this.cache.policy.kind;
    if (kind !== 'full' && kind !== 'window' && kind !== 'sinks') {
      throw new RangeError(`attention weights are per token: a ${kind} cache pools tokens; use a full, window or sinks cache`);
    }
    if (rope === 'streaming') throw new RangeError("attention weights are computed with keys as cached: use rope 'none' or 'absolute', not 'streaming'");
    if (this.lastQueriesAt !== this.cache.tokens) {
      throw new RangeError('call attentionWeights right after step(): it reads the queries of the last step, and prefill() keeps none');
    }
    return weightsOver(this.cache, layer, Math.floor(head / (heads / kvHeads)), this.lastQueries, (layer * heads + head) * headDim);
  }

  /**
   * Runs a prompt through the model and returns the logits after every position, [tokens.length][vocab].
   * Full, window and sinks caches (paged or not) take it in chunks of `chunk` tokens in matrix form
   * (prefill.ts); the averaging memories change state with every token, so they step.
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
 * StreamingLLM's positions at decode: the cache holds unrotated keys; each step, every attended key is
 * rotated at its position within the cache (sinks first, then the window in order) into a scratch copy
 * the kernel allocated, its value copied beside it (the wasm kernel reads one linear memory), and the
 * query rotated at the last cache position. O(g·n·d_h) extra per layer and step, the price of the scheme.
 */
class StreamingPositions {
  private readonly table: RopeTable;
  private scratch: Float32Array[] = [];
  private capacity = 0;
  private readonly qRot: Float32Array;
  private readonly oneRun: AttendedRuns = { count: 1, starts: new Int32Array(1), ends: new Int32Array(1) };
  private readonly sinks: number;

  constructor(
    private readonly config: ResolvedDecoderConfig,
    policy: CachePolicy,
    private readonly kernel: Kernel,
  ) {
    this.table = new RopeTable(config.headDim, config.ropeBase);
    this.qRot = new Float32Array(config.heads * config.headDim);
    this.sinks = policy.kind === 'sinks' ? policy.sinks : 0;
  }

  /** Attention of the token at sequence length m (its own pair already appended) in one layer. */
  attend(out: Float32Array, q: Float32Array, cache: KvCache, layer: number, m: number): void {
    const { heads, kvHeads, headDim } = this.config;
    const n = cache.attendedPairs(layer);
    this.ensure(n);
    const half = headDim / 2;
    const { cos, sin } = this.table;
    // Cache positions: a sink keeps its own (0..s−1); the recent pairs, positions w0..m−1, become s..n−1.
    const s = Math.min(this.sinks, m);
    const w0 = m - (n - s);
    const runs = cache.attendedRuns(layer);
    for (let g = 0; g < kvHeads; g++) {
      const keys = cache.keys(layer, g);
      const values = cache.values(layer, g);
      const rotated = this.scratch[2 * g]!;
      const copied = this.scratch[2 * g + 1]!;
      let r = 0;
      for (let run = 0; run < runs.count; run++) {
        for (let slot = runs.starts[run]!; slot < runs.ends[run]!; slot++) {
          const p = cache.positionAt(layer, slot);
          const c = p < s ? p : s + (p - w0);
          rotateHead(rotated, r * headDim, keys, slot * headDim, headDim, cos, sin, c * half);
          for (let e = 0; e < headDim; e++) copied[r * headDim + e] = values[slot * headDim + e]!;
          r += 1;
        }
      }
    }
    // The query is the newest token: the last cache position, n − 1.
    for (let h = 0; h < heads; h++) rotateHead(this.qRot, h * headDim, q, h * headDim, headDim, cos, sin, (n - 1) * half);
    this.oneRun.ends[0] = n;
    const group = heads / kvHeads;
    for (let h = 0; h < heads; h++) {
      const g = Math.floor(h / group);
      this.kernel.attendHead(out, h * headDim, this.qRot, h * headDim, this.scratch[2 * g]!, this.scratch[2 * g + 1]!, this.oneRun, headDim);
    }
  }

  /** Room for n pairs (doubling, for a full cache that keeps growing). */
  private ensure(n: number): void {
    this.table.ensure(n);
    if (n <= this.capacity) return;
    this.capacity = Math.max(n, 2 * this.capacity, 16);
    this.scratch = this.kernel.allocate(this.config.headDim, this.capacity, 2 * this.config.kvHeads);
  }
}

/**
 * A decoder with seeded weights and a cache of the given policy; options.kernel picks the attention
 * kernel ('wasm' by default where the runtime has WebAssembly SIMD, 'js' for the plain-TypeScript one),
 * options.blockSize stores the cache in blocks (paged-cache.ts).
 */
export function createDecoder(config: DecoderConfig, policy: CachePolicy, options: CacheOptions = {}): Decoder {
  return new Decoder(config, policy, undefined, options);
}

function checkToken(token: number, vocab: number): void {
  if (!(Number.isInteger(token) && token >= 0 && token < vocab)) {
    throw new RangeError(`token ${token} is outside the vocabulary 0..${vocab - 1}`);
  }
}
