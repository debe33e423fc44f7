/**
 * Rotary position embedding (RoPE, Su et al., RoFormer): each head vector's pairs (x_2e, x_2e+1) are
 * rotated by the angle p · θ_e at position p, with θ_e = base^(−2e / d_h). Rotating a query at position i
 * and a key at position j makes their dot product a function of i − j only, since R(iθ)ᵀ R(jθ) = R((j − i)θ).
 *
 * Two ways to use it with a cache (decoder.ts):
 * - 'absolute': a key is rotated at its absolute position once, before it is cached. What the cache holds
 *   is then final: a ring overwrites slots but never re-rotates, and the query at i sees the true distances.
 * - 'streaming' (StreamingLLM): keys are cached before rotation, and at every step the positions are
 *   numbered within the cache (sinks 0..S−1, then the window in order), so the query at cache position
 *   n − 1 never sees a distance larger than the cache. Costs a rotation of every attended key per step.
 */

/** RoPE's default base (Llama, Mistral). */
export const ROPE_BASE = 10000;

/** θ_e = base^(−2e / headDim) for each of the headDim / 2 pairs. */
function frequencies(headDim: number, base: number): Float64Array {
  return Float64Array.from({ length: headDim / 2 }, (_, e) => Math.pow(base, (-2 * e) / headDim));
}

/** cos and sin of p · θ_e for one position at a time: for absolute positions, which grow without bound. */
export class RopeAngles {
  readonly cos: Float64Array;
  readonly sin: Float64Array;
  private readonly theta: Float64Array;

  constructor(headDim: number, base = ROPE_BASE) {
    this.theta = frequencies(headDim, base);
    this.cos = new Float64Array(headDim / 2);
    this.sin = new Float64Array(headDim / 2);
  }

  /** Fills cos and sin for `position`. */
  at(position: number): void {
    for (let e = 0; e < this.theta.length; e++) {
      const angle = position * this.theta[e]!;
      this.cos[e] = Math.cos(angle);
      this.sin[e] = Math.sin(angle);
    }
  }
}

/**
 * cos and sin for the positions 0..n−1, row p at p · headDim / 2: for positions numbered within a cache,
 * which stay below its capacity. Grows (doubling) for a cache that grows.
 */
export class RopeTable {
  cos = new Float64Array(0);
  sin = new Float64Array(0);
  private positions = 0;
  private readonly theta: Float64Array;

  constructor(headDim: number, base = ROPE_BASE) {
    this.theta = frequencies(headDim, base);
  }

  ensure(n: number): void {
    if (n <= this.positions) return;
    const half = this.theta.length;
    const positions = Math.max(n, 2 * this.positions);
    this.cos = new Float64Array(positions * half);
    this.sin = new Float64Array(positions * half);
    for (let p = 0; p < positions; p++) {
      for (let e = 0; e < half; e++) {
        this.cos[p * half + e] = Math.cos(p * this.theta[e]!);
        this.sin[p * half + e] = Math.sin(p * this.theta[e]!);
      }
    }
    this.positions = positions;
  }
}

/**
 * out[outOff..+headDim) = x[xOff..+headDim) rotated pair by pair by the angles cos/sin[angleOff + e].
 * out may be x (in place).
 */
export function rotateHead(
  out: Float32Array,
  outOff: number,
  x: Float32Array,
  xOff: number,
  headDim: number,
  cos: Float64Array,
  sin: Float64Array,
  angleOff: number,
): void {
  for (let e = 0; e < headDim / 2; e++) {
    const a = x[xOff + 2 * e]!;
    const b = x[xOff + 2 * e + 1]!;
    const c = cos[angleOff + e]!;
    const s = sin[angleOff + e]!;
    out[outOff + 2 * e] = a * c - b * s;
    out[outOff + 2 * e + 1] = a * s + b * c;
  }
}

/** Rotates `heads` consecutive head vectors of x in place, all at the same angles. */
export function rotateHeads(x: Float32Array, xOff: number, heads: number, headDim: number, angles: RopeAngles): void {
  for (let h = 0; h < heads; h++) rotateHead(x, xOff + h * headDim, x, xOff + h * headDim, headDim, angles.cos, angles.sin, 0);
}
