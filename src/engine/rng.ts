/**
 * Seeded random numbers for weights and test data: xoroshiro128+ from pure-rand, so a seed gives the same
 * model on every machine and in every notebook run.
 */
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';

export class Rng {
  // pure-rand's generator type stays private so it never reaches the public declarations.
  readonly #gen: ReturnType<typeof xoroshiro128plus>;

  constructor(seed = 0) {
    this.#gen = xoroshiro128plus(seed | 0);
  }

  /** Uniform in [0, 1), 53 random bits. */
  uniform(): number {
    return uniformFloat64(this.#gen);
  }

  /** Uniform whole number in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** Standard normal (Box–Muller); a fresh pair each call, the second discarded to keep the stream simple. */
  normal(): number {
    const u = 1 - this.uniform(); // (0, 1], so the log is finite
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.uniform());
  }

  /** A Float32Array of n normals scaled by `std`. */
  normalArray(n: number, std = 1): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = this.normal() * std;
    return out;
  }
}
