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
 * vector, the layout llama.cpp and llama2.c use so each output is one contiguous dot product. Four rows
 * at a time, one running sum each: every x element is loaded once for four multiply-adds, and the four
 * sums are independent, which is what the four accumulators of dot4 buy.
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
  const blocked = rows - (rows % 4);
  for (let r = 0; r < blocked; r += 4) {
    const b0 = r * cols;
    const b1 = b0 + cols;
    const b2 = b1 + cols;
    const b3 = b2 + cols;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let c = 0; c < cols; c++) {
      const xc = x[xOff + c]!;
      s0 += w[b0 + c]! * xc;
      s1 += w[b1 + c]! * xc;
      s2 += w[b2 + c]! * xc;
      s3 += w[b3 + c]! * xc;
    }
    out[outOff + r] = s0;
    out[outOff + r + 1] = s1;
    out[outOff + r + 2] = s2;
    out[outOff + r + 3] = s3;
  }
  for (let r = blocked; r < rows; r++) out[outOff + r] = dot4(w, r * cols, x, xOff, cols);
}

/** RMSNorm without a learned gain: out = x / sqrt(mean(x²) + ε). */
export function rmsNorm(out: Float32Array, outOff: number, x: Float32Array, xOff: number, n: number): void {
  // Its own loop rather than dot4: a double returned from a call V8 does not inline is boxed, and this
  // runs every layer of every decode step.
  let sumSquares = 0;
  for (let i = 0; i < n; i++) sumSquares += x[xOff + i]! * x[xOff + i]!;
  const inv = 1 / Math.sqrt(sumSquares / n + 1e-6);
  for (let i = 0; i < n; i++) out[outOff + i] = x[xOff + i]! * inv;
}
