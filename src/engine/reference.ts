/**
 * The float64 reference: causal scaled dot-product attention of one head, written as directly as the
 * formula, with no cache. `kvlab attend` prints it, and the tests use it as the independent oracle for
 * the float32 engine.
 *
 *   out_i = Σ_j softmax_j(q_i · k_j / √d) v_j  over j ≤ i with i − j < W (W keys, its own included),
 *   or i − j ≤ W under the 'w-plus-one' convention; every j ≤ i without a window.
 */
import { windowSlots, type WindowConvention } from '../memory/index.js';

/**
 * q and k are T × d, v is T × d_v (rows of numbers); returns T × d_v. Throws a RangeError naming the
 * first row that does not fit.
 */
export function attendReference(
  q: readonly (readonly number[])[],
  k: readonly (readonly number[])[],
  v: readonly (readonly number[])[],
  window?: number,
  convention: WindowConvention = 'w-keys',
): number[][] {
  checkAttendShapes(q, k, v);
  if (window !== undefined && !(Number.isSafeInteger(window) && window > 0)) {
    throw new RangeError(`window must be a whole number > 0 (got ${window})`);
  }
  const seen = window === undefined ? Infinity : windowSlots(window, convention);
  const d = q[0]?.length ?? 0;
  const scale = 1 / Math.sqrt(d);
  return q.map((qi, i) => {
    const first = Math.max(0, i - seen + 1);
    const scores: number[] = [];
    for (let j = first; j <= i; j++) {
      let s = 0;
      for (let e = 0; e < d; e++) s += qi[e]! * k[j]![e]!;
      scores.push(s * scale);
    }
    // A loop, not Math.max(...scores): a spread of 100k+ scores overflows the call stack.
    let max = -Infinity;
    for (const s of scores) if (s > max) max = s;
    const weights = scores.map((s) => Math.exp(s - max));
    const total = weights.reduce((a, b) => a + b, 0);
    const out = new Array<number>(v[0]!.length).fill(0);
    weights.forEach((w, idx) => {
      const vj = v[first + idx]!;
      for (let e = 0; e < out.length; e++) out[e] = out[e]! + (w / total) * vj[e]!;
    });
    return out;
  });
}

/** Throws a RangeError unless q, k are T × d and v is T × d_v with T, d, d_v ≥ 1 and finite numbers. */
export function checkAttendShapes(
  q: readonly (readonly number[])[],
  k: readonly (readonly number[])[],
  v: readonly (readonly number[])[],
): void {
  const T = q.length;
  if (T === 0) throw new RangeError('q has no rows; give at least one query');
  for (const [name, m] of [['k', k], ['v', v]] as const) {
    if (m.length !== T) throw new RangeError(`${name} has ${m.length} rows but q has ${T}; each token needs a query, a key and a value`);
  }
  const width = (name: string, m: readonly (readonly number[])[], expected: number | undefined) => {
    const cols = expected ?? m[0]!.length;
    if (cols === 0) throw new RangeError(`${name}[0] is empty; rows need at least one number`);
    m.forEach((row, i) => {
      if (row.length !== cols) throw new RangeError(`${name}[${i}] has ${row.length} numbers but ${expected === undefined ? `${name}[0]` : 'q rows'} have ${cols}`);
      row.forEach((x, e) => {
        if (typeof x !== 'number' || !Number.isFinite(x)) throw new RangeError(`${name}[${i}][${e}] is ${JSON.stringify(x)}, not a finite number`);
      });
    });
    return cols;
  };
  const d = width('q', q, undefined);
  width('k', k, d);
  width('v', v, undefined);
}
