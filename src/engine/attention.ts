/**
 * The decode attention arithmetic in plain TypeScript, the readable reference: scaled dot-product attention
 * of one query head over a run of consecutive slots of a KV head's buffers. The 'js' kernel (js-kernel.ts)
 * runs it; wasm/attention.wat computes the same three passes with WebAssembly SIMD ('wasm').
 *
 * Slot order is not time order (a ring buffer wraps around). That is fine: softmax over a set of scores
 * and the weighted sum of values do not depend on the order of the set, so the ring is never unrotated.
 */

/**
 * The kernel works on blocks of slots with no leftover loop (a scalar tail after the blocked loop made
 * V8 compile the whole weighted sum about 1.5× slower), so every buffer it reads holds a whole number of
 * blocks: caches round their buffers up, and the padding slots get weight exactly 0. Eight: the
 * weighted sum takes eight slots per pass, the scores four (two blocks of four).
 */
export const SLOT_BLOCK = 8;

/** `slots` rounded up to a multiple of SLOT_BLOCK, by bit operations so the JIT sees a small integer. */
export function paddedSlots(slots: number): number {
  return (slots + SLOT_BLOCK - 1) & ~(SLOT_BLOCK - 1);
}

/**
 * out[outOff..outOff+headDim) = Σ_j softmax_j(q·k_j / √headDim) · v_j for slots j < `slots`.
 * keys and values are [≥ paddedSlots(slots)][headDim] (whatever the padding slots hold, they get weight
 * 0, as long as they are finite); q starts at qOff. Scratch: scores [≥ paddedSlots(slots)] and acc
 * [headDim], passed as arrays rather than as an object, which measured ~10% slower.
 */
export function attendSlots(
  out: Float32Array,
  outOff: number,
  q: Float32Array,
  qOff: number,
  keys: Float32Array,
  values: Float32Array,
  slots: number,
  headDim: number,
  scores: Float64Array,
  acc: Float64Array,
): void {
  attendRun(out, outOff, q, qOff, keys, values, 0, slots, headDim, scores, acc, unusedStats);
}

const unusedStats = new Float64Array(2);

/**
 * attendSlots over the run of slots [first, first + slots) instead of [0, slots), and leaves in stats
 * [the largest score, Σ_j e^(score_j − largest)], which is what merging the outputs of several runs
 * needs (kernel.ts). The buffers must hold first + paddedSlots(slots) slots.
 *
 * Three passes, each a small function of its own. None takes or returns a fractional number: V8 boxes
 * a double passed to or returned from a call it does not inline, an allocation per head per token.
 */
export function attendRun(
  out: Float32Array,
  outOff: number,
  q: Float32Array,
  qOff: number,
  keys: Float32Array,
  values: Float32Array,
  first: number,
  slots: number,
  headDim: number,
  scores: Float64Array,
  acc: Float64Array,
  stats: Float64Array,
): void {
  const padded = paddedSlots(slots);
  const end = (first + padded) * headDim;
  if (slots <= 0 || first < 0 || keys.length < end || values.length < end || scores.length < padded) {
    noRoom(slots, padded);
  }
  const base = first * headDim;
  scoreSlots(scores, q, qOff, keys, base, slots, padded, headDim);
  softmaxWeights(scores, padded, stats);
  weightedValues(out, outOff, acc, scores, values, base, padded, headDim, stats);
}

/** Kept out of attendSlots: building the message inline made the JIT compile the kernel worse. */
function noRoom(slots: number, padded: number): never {
  if (slots <= 0) throw new RangeError('attention needs at least one slot');
  throw new RangeError(`keys, values and scores must hold ${padded} slots (${slots} rounded up to a multiple of ${SLOT_BLOCK}) from the run's first slot`);
}

/**
 * scores[j] = q·k_j / √headDim, and −∞ for the padding slots. Four keys at a time with one running sum
 * each: four accumulators, so the additions do not wait on each other and each q element is loaded once
 * per four multiply-adds.
 */
function scoreSlots(
  scores: Float64Array,
  q: Float32Array,
  qOff: number,
  keys: Float32Array,
  base: number,
  slots: number,
  padded: number,
  headDim: number,
): void {
  const scale = 1 / Math.sqrt(headDim);
  for (let j = 0; j < padded; j += 4) {
    const b0 = base + j * headDim;
    const b1 = b0 + headDim;
    const b2 = b1 + headDim;
    const b3 = b2 + headDim;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let e = 0; e < headDim; e++) {
      const qe = q[qOff + e]!;
      s0 += qe * keys[b0 + e]!;
      s1 += qe * keys[b1 + e]!;
      s2 += qe * keys[b2 + e]!;
      s3 += qe * keys[b3 + e]!;
    }
    scores[j] = s0 * scale;
    scores[j + 1] = s1 * scale;
    scores[j + 2] = s2 * scale;
    scores[j + 3] = s3 * scale;
  }
  for (let j = slots; j < padded; j++) scores[j] = -Infinity;
}

/**
 * scores[j] ← exp(scores[j] − max): unnormalised weights. Subtracting the max keeps exp from overflowing;
 * weightedValues divides by their sum once, at the end, instead of once per slot.
 */
function softmaxWeights(scores: Float64Array, padded: number, stats: Float64Array): void {
  let max = -Infinity;
  for (let j = 0; j < padded; j++) if (scores[j]! > max) max = scores[j]!;
  stats[0] = max;
  for (let j = 0; j < padded; j++) scores[j] = Math.exp(scores[j]! - max);
}

/**
 * out = Σ_j w_j v_j / Σ_j w_j: a tight loop over the head's dimensions, eight slots per pass, so the
 * accumulator is loaded and stored once per eight weighted values (measured ~15% faster than four).
 */
function weightedValues(
  out: Float32Array,
  outOff: number,
  acc: Float64Array,
  weights: Float64Array,
  values: Float32Array,
  base: number,
  padded: number,
  headDim: number,
  stats: Float64Array,
): void {
  acc.fill(0);
  let sum = 0;
  for (let j = 0; j < padded; j += 8) {
    const p0 = weights[j]!;
    const p1 = weights[j + 1]!;
    const p2 = weights[j + 2]!;
    const p3 = weights[j + 3]!;
    const p4 = weights[j + 4]!;
    const p5 = weights[j + 5]!;
    const p6 = weights[j + 6]!;
    const p7 = weights[j + 7]!;
    sum += p0 + p1 + p2 + p3 + p4 + p5 + p6 + p7;
    const b0 = base + j * headDim;
    const b1 = b0 + headDim;
    const b2 = b1 + headDim;
    const b3 = b2 + headDim;
    const b4 = b3 + headDim;
    const b5 = b4 + headDim;
    const b6 = b5 + headDim;
    const b7 = b6 + headDim;
    for (let e = 0; e < headDim; e++) {
      acc[e] =
        acc[e]! +
        (p0 * values[b0 + e]! + p1 * values[b1 + e]! + p2 * values[b2 + e]! + p3 * values[b3 + e]!) +
        (p4 * values[b4 + e]! + p5 * values[b5 + e]! + p6 * values[b6 + e]! + p7 * values[b7 + e]!);
    }
  }
  stats[1] = sum;
  const inv = 1 / sum;
  for (let e = 0; e < headDim; e++) out[outOff + e] = acc[e]! * inv;
}
