/**
 * The model the decoder runs: its configuration, its seeded weights and the FLOPs of a step. Shared by
 * decode (decoder.ts) and prefill (prefill.ts), which is why it is a file of its own.
 */
import { checkShape } from '../memory/index.js';
import { Rng } from './rng.js';
import { ROPE_BASE } from './rope.js';

/**
 * Positions: 'none' (no positional encoding, "NoPE": the causal mask alone orders tokens), or rotary
 * embedding with keys rotated at their absolute position before caching ('absolute'), or keys cached
 * unrotated and positions numbered within the cache at attention time ('streaming', StreamingLLM).
 */
export type PositionEncoding = 'none' | 'absolute' | 'streaming';

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
  /** Rotary position embedding (rope.ts); defaults to 'none', the engine's model without positions. */
  rope?: PositionEncoding;
  /** RoPE's base; defaults to 10000. */
  ropeBase?: number;
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
  const rope = config.rope ?? 'none';
  if (rope !== 'none' && rope !== 'absolute' && rope !== 'streaming') {
    throw new RangeError(`rope must be 'none', 'absolute' or 'streaming' (got ${String(rope)})`);
  }
  if (rope !== 'none' && shape.headDim % 2 !== 0) {
    throw new RangeError(`rope rotates pairs of dimensions: headDim must be even (got ${shape.headDim})`);
  }
  const ropeBase = config.ropeBase ?? ROPE_BASE;
  if (!(Number.isFinite(ropeBase) && ropeBase > 1)) throw new RangeError(`ropeBase must be a number > 1 (got ${ropeBase})`);
  return { ...shape, vocab, seed: config.seed ?? 0, rope, ropeBase };
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
 * Floating-point operations of one decode step with `attendedPairs` pairs attended in every layer,
 * counting 2 per multiply-add: per layer the Q, K and V projections 2·d·(τ + 2g)·d_h, the scores q·k
 * 2·τ·d_h·n, the weighted sum of values 2·τ·d_h·n and the output projection 2·τ·d_h·d; then the logits
 * 2·vocab·d. Norms, softmax exponentials and residual adds are O(d + τ·n) and not counted, nor are RoPE's
 * rotations (O(d) a token; 'streaming' also re-rotates every attended key, O(g·n·d_h) a step).
 */
export function decodeStepFlops(config: Pick<ResolvedDecoderConfig, 'layers' | 'heads' | 'kvHeads' | 'headDim' | 'vocab'>, attendedPairs: number): number {
  const { layers, heads, kvHeads, headDim, vocab } = config;
  const d = heads * headDim;
  const perLayer =
    2 * d * (heads + 2 * kvHeads) * headDim + 2 * 2 * heads * headDim * attendedPairs + 2 * heads * headDim * d;
  return layers * perLayer + 2 * vocab * d;
}
