/**
 * The two loops every transformer step is made of. Float32 storage, float64 arithmetic (JavaScript numbers):
 * the sums round once, when stored.
 */

/**
 * a[aOff..aOff+n) · b[bOff..bOff+n). Four independent accumulators let the CPU overlap the additions
 * instead of waiting on one running sum (about 1.5× faster than a single accumulator in V8).
 */
export function dot4(a: Float32Array, aOff: number, b: Float32Array, bOff: number, n: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const end4 = n - (n % 4);
  let i = 0;
  for (; i < end4; i += 4) {
    s0 += a[aOff + i]! * b[bOff + i]!;
    s1 += a[aOff + i + 1]! * b[bOff + i + 1]!;
    s2 += a[aOff + i + 2]! * b[bOff + i + 2]!;
    s3 += a[aOff + i + 3]! * b[bOff + i + 3]!;
  }
  for (; i < n; i++) s0 += a[aOff + i]! * b[bOff + i]!;
  return s0 + s1 + s2 + s3;
}

/**
 * out[outOff + r] = Σ_c w[r][c] · x[xOff + c] for r < rows: a row-major weight matrix [rows][cols] times a
 * vector, the layout llama.cpp and llama2.c use so each output is one contiguous dot product.
 */
export function matvec(
  out: Float32Array,
  outOff: number,
  w: Float32Array,
  x: Float32Array,
  xOff: number,
  rows: number,
  cols: number,
): void {
  for (let r = 0; r < rows; r++) out[outOff + r] = dot4(w, r * cols, x, xOff, cols);
}

/** RMSNorm without a learned gain: out = x / sqrt(mean(x²) + ε). */
export function rmsNorm(out: Float32Array, outOff: number, x: Float32Array, xOff: number, n: number): void {
  const meanSquare = dot4(x, xOff, x, xOff, n) / n;
  const inv = 1 / Math.sqrt(meanSquare + 1e-6);
  for (let i = 0; i < n; i++) out[outOff + i] = x[xOff + i]! * inv;
}
