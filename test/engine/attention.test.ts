/**
 * Windowed decode, token by token through a cache and the shared kernel, against attention computed
 * independently in float64 with a band mask (vLLM's reference test): every window size, m < W, m = W,
 * m = W + 1 and many wrap-arounds, any head count and GQA grouping, both window conventions.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CachePolicy, WindowConvention } from '../../src/memory/index.js';
import { KERNELS, conventionArb, headsArb, maskedAttention, maxAbsDiff, randomRows, tokenVector, maxScaledDiff, LOGITS_TOLERANCE } from './helpers.js';
import {
  Rng,
  attendReference,
  attendSlots,
  createCache,
  createDecoder,
  createKernel,
  defaultKernel,
  matvec,
  paddedSlots,
  wasmSimdSupported,
  type AttentionKernel,
  type KvCache,
} from '../../src/engine/index.js';

interface Run {
  /** Per token, the engine's output [heads][headDim]. */
  outputs: Float32Array[];
  /** q[h][t], k[g][t], v[g][t] as float32-representable numbers. */
  q: number[][][];
  k: number[][][];
  v: number[][][];
  cache: KvCache;
}

/** Streams `tokens` random tokens through a one-layer cache of this policy with the given decode kernel. */
function decodeRandom(
  policy: CachePolicy,
  heads: number,
  kvHeads: number,
  headDim: number,
  tokens: number,
  seed: number,
  kernel: AttentionKernel,
): Run {
  const rng = new Rng(seed);
  const q = Array.from({ length: heads }, () => randomRows(rng, tokens, headDim));
  const k = Array.from({ length: kvHeads }, () => randomRows(rng, tokens, headDim));
  const v = Array.from({ length: kvHeads }, () => randomRows(rng, tokens, headDim));
  const attention = createKernel(kernel);
  const cache = createCache({ layers: 1, kvHeads, headDim }, policy, { kernel: attention });
  const outputs: Float32Array[] = [];
  for (let t = 0; t < tokens; t++) {
    cache.append(0, tokenVector(k, t), tokenVector(v, t));
    const out = new Float32Array(heads * headDim);
    attention.attend(out, tokenVector(q, t), cache, 0, heads);
    outputs.push(out);
  }
  return { outputs, q, k, v, cache };
}

/** Lengths that matter for a window of W: below, at, one past, and several wraps. */
const lengthFor = (w: number) => fc.constantFrom(1, Math.max(1, w - 1), w, w + 1, w + 2, 2 * w + 1, 5 * w + 3);

describe.each(KERNELS)('the %s kernel', (kernel) => {
  describe('windowed decode equals full attention under a band mask (float64 oracle)', () => {
    it('for every window, length, head count, GQA grouping and convention, within 1e-5', () => {
      fc.assert(
        fc.property(
          headsArb,
          fc.integer({ min: 1, max: 8 }),
          fc.integer({ min: 1, max: 12 }).chain((w) => fc.tuple(fc.constant(w), lengthFor(w))),
          conventionArb,
          fc.integer(),
          ({ heads, kvHeads }, headDim, [window, tokens], convention, seed) => {
            const run = decodeRandom({ kind: 'window', window, convention }, heads, kvHeads, headDim, tokens, seed, kernel);
            const group = heads / kvHeads;
            for (let h = 0; h < heads; h++) {
              const g = Math.floor(h / group);
              const expected = attendReference(run.q[h]!, run.k[g]!, run.v[g]!, window, convention);
              for (let t = 0; t < tokens; t++) {
                const actual = run.outputs[t]!.subarray(h * headDim, (h + 1) * headDim);
                expect(maxAbsDiff(actual, expected[t]!)).toBeLessThan(1e-5);
              }
            }
          },
        ),
        { numRuns: 250 },
      );
    });

    it('the band mask really bites: with W < m the output differs from full attention', () => {
      const windowed = decodeRandom({ kind: 'window', window: 3 }, 2, 1, 4, 10, 7, kernel);
      const full = attendReference(windowed.q[0]!, windowed.k[0]!, windowed.v[0]!);
      expect(maxAbsDiff(windowed.outputs[9]!.subarray(0, 4), full[9]!)).toBeGreaterThan(1e-3);
      // and the two conventions differ by one key
      const plusOne = attendReference(windowed.q[0]!, windowed.k[0]!, windowed.v[0]!, 3, 'w-plus-one');
      expect(maxAbsDiff(windowed.outputs[9]!.subarray(0, 4), plusOne[9]!)).toBeGreaterThan(1e-3);
    });

    it('a window W ≥ m is full attention', () => {
      fc.assert(
        fc.property(headsArb, fc.integer({ min: 1, max: 20 }), fc.integer({ min: 0, max: 5 }), conventionArb, fc.integer(), ({ heads, kvHeads }, tokens, extra, convention, seed) => {
          const windowed = decodeRandom({ kind: 'window', window: tokens + extra, convention }, heads, kvHeads, 4, tokens, seed, kernel);
          const full = decodeRandom({ kind: 'full' }, heads, kvHeads, 4, tokens, seed, kernel);
          windowed.outputs.forEach((out, t) => expect(maxAbsDiff(out, full.outputs[t]!)).toBe(0));
          const group = heads / kvHeads;
          for (let h = 0; h < heads; h++) {
            const g = Math.floor(h / group);
            const reference = attendReference(full.q[h]!, full.k[g]!, full.v[g]!);
            full.outputs.forEach((out, t) => expect(maxAbsDiff(out.subarray(h * 4, h * 4 + 4), reference[t]!)).toBeLessThan(1e-5));
          }
        }),
      );
    });

    it('sinks + window equals attention masked to j < n_sink or i − W < j ≤ i', () => {
      fc.assert(
        fc.property(
          headsArb,
          fc.integer({ min: 1, max: 4 }),
          fc.integer({ min: 1, max: 8 }).chain((w) => fc.tuple(fc.constant(w), lengthFor(w + 4))),
          conventionArb,
          fc.integer(),
          ({ heads, kvHeads }, sinks, [window, tokens], convention, seed) => {
            const run = decodeRandom({ kind: 'sinks', window, sinks, convention }, heads, kvHeads, 3, tokens, seed, kernel);
            const seen = convention === 'w-plus-one' ? window + 1 : window;
            const group = heads / kvHeads;
            for (let h = 0; h < heads; h++) {
              const g = Math.floor(h / group);
              for (let i = 0; i < tokens; i++) {
                const expected = maskedAttention(run.q[h]![i]!, run.k[g]!.slice(0, i + 1), run.v[g]!.slice(0, i + 1), (j) => j < sinks || i - j < seen);
                expect(maxAbsDiff(run.outputs[i]!.subarray(h * 3, h * 3 + 3), expected)).toBeLessThan(1e-5);
              }
            }
          },
        ),
        { numRuns: 150 },
      );
    });
  });

  describe('the ring needs no unrotate', () => {
    it('permuting the attended slots does not change the output', () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 10 }),
          fc.integer({ min: 1, max: 40 }),
          fc.integer(),
          (window, tokens, seed) => {
            const headDim = 4;
            const run = decodeRandom({ kind: 'window', window }, 1, 1, headDim, tokens, seed, kernel);
            const n = run.cache.attendedPairs(0);
            const keys = run.cache.keys(0, 0);
            const values = run.cache.values(0, 0);
            // A seeded shuffle of the slots (Fisher–Yates); the time order is lost entirely.
            const rng = new Rng(seed ^ 0x5bd1);
            const order = Array.from({ length: n }, (_, i) => i);
            for (let i = n - 1; i > 0; i--) {
              const j = rng.int(i + 1);
              [order[i], order[j]] = [order[j]!, order[i]!];
            }
            // Room for the kernel's whole blocks of slots; the padding gets weight 0.
            const shuffledKeys = new Float32Array(paddedSlots(n) * headDim);
            const shuffledValues = new Float32Array(paddedSlots(n) * headDim);
            order.forEach((from, to) => {
              shuffledKeys.set(keys.subarray(from * headDim, (from + 1) * headDim), to * headDim);
              shuffledValues.set(values.subarray(from * headDim, (from + 1) * headDim), to * headDim);
            });
            const q = tokenVector(run.q, tokens - 1);
            const scores = new Float64Array(paddedSlots(n));
            const acc = new Float64Array(headDim);
            const inRing = new Float32Array(headDim);
            const shuffled = new Float32Array(headDim);
            attendSlots(inRing, 0, q, 0, keys, values, n, headDim, scores, acc);
            attendSlots(shuffled, 0, q, 0, shuffledKeys, shuffledValues, n, headDim, scores, acc);
            expect(maxAbsDiff(inRing, shuffled)).toBeLessThan(1e-6);
          },
        ),
      );
    });
  });

  describe('averaging memories attend over their summaries', () => {
    const mean = (rows: number[][]) => rows[0]!.map((_, e) => rows.reduce((s, r) => s + r[e]!, 0) / rows.length);

    it('cumulative: one pair, so softmax gives weight 1 and the output is the mean of all values', () => {
      const run = decodeRandom({ kind: 'cumulative' }, 4, 2, 3, 50, 3, kernel);
      run.outputs.forEach((out, t) => {
        for (let h = 0; h < 4; h++) expect(maxAbsDiff(out.subarray(h * 3, h * 3 + 3), mean(run.v[Math.floor(h / 2)]!.slice(0, t + 1)))).toBeLessThan(1e-5);
      });
    });

    it('moving average: the output is the mean of the last W values', () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 60 }), fc.integer(), (window, tokens, seed) => {
          const run = decodeRandom({ kind: 'moving-average', window }, 2, 2, 3, tokens, seed, kernel);
          run.outputs.forEach((out, t) => {
            for (let h = 0; h < 2; h++) {
              expect(maxAbsDiff(out.subarray(h * 3, h * 3 + 3), mean(run.v[h]!.slice(Math.max(0, t + 1 - window), t + 1)))).toBeLessThan(1e-5);
            }
          });
        }),
      );
    });

    it('compressive: attention over [last W pairs, means of the latest n_cm evicted groups]', () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 6 }),
          fc.integer({ min: 1, max: 3 }),
          fc.integer({ min: 1, max: 3 }),
          fc.integer({ min: 1, max: 50 }),
          fc.integer(),
          (window, compression, compressedSlots, tokens, seed) => {
            const policy: CachePolicy = { kind: 'compressive', window, segment: compression * 2, compression, compressedSlots };
            const run = decodeRandom(policy, 2, 1, 3, tokens, seed, kernel);
            for (let i = 0; i < tokens; i++) {
              const m = i + 1;
              const evicted = Math.max(0, m - window);
              const groups = Math.floor(evicted / compression);
              const first = Math.max(0, groups - compressedSlots);
              const keys: number[][] = [];
              const values: number[][] = [];
              for (let g = first; g < groups; g++) {
                keys.push(mean(run.k[0]!.slice(g * compression, (g + 1) * compression)));
                values.push(mean(run.v[0]!.slice(g * compression, (g + 1) * compression)));
              }
              keys.push(...run.k[0]!.slice(evicted, m));
              values.push(...run.v[0]!.slice(evicted, m));
              for (let h = 0; h < 2; h++) {
                const expected = maskedAttention(run.q[h]![i]!, keys, values, () => true);
                expect(maxAbsDiff(run.outputs[i]!.subarray(h * 3, h * 3 + 3), expected)).toBeLessThan(1e-5);
              }
            }
          },
        ),
        { numRuns: 150 },
      );
    });
  });
});

describe('the WebAssembly kernel at model sizes', () => {
  it('agrees with the float64 oracle and the JS kernel for head sizes up to 80 and up to 1100 slots, within 1e-5', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 80 }), fc.integer({ min: 1, max: 1100 }), fc.integer(), (headDim, slots, seed) => {
        // One query over `slots` pairs in a full cache (which doubled its way there, copying its pairs
        // into a new linear memory each time): the f32x4 loops, the scalar tail for headDim mod 4, padding.
        const rng = new Rng(seed);
        const keys = randomRows(rng, slots, headDim);
        const values = randomRows(rng, slots, headDim);
        const q = randomRows(rng, 1, headDim)[0]!;
        const expected = maskedAttention(q, keys, values, () => true);
        for (const kernel of KERNELS) {
          const attention = createKernel(kernel);
          const cache = createCache({ layers: 1, kvHeads: 1, headDim }, { kind: 'full' }, { kernel: attention });
          for (let t = 0; t < slots; t++) cache.append(0, Float32Array.from(keys[t]!), Float32Array.from(values[t]!));
          const out = new Float32Array(headDim);
          attention.attend(out, Float32Array.from(q), cache, 0, 1);
          expect(maxAbsDiff(out, expected)).toBeLessThan(1e-5);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('is the default where SIMD validates, and either kernel can be asked for', () => {
    expect(wasmSimdSupported).toBe(true);
    expect(defaultKernel()).toBe('wasm');
    expect(createKernel().name).toBe('wasm');
    expect(createDecoder({ layers: 1, heads: 2, headDim: 4 }, { kind: 'full' }).kernel.name).toBe('wasm');
    expect(createDecoder({ layers: 1, heads: 2, headDim: 4 }, { kind: 'sinks', window: 3, sinks: 1 }, { kernel: 'js' }).kernel.name).toBe('js');
    // The kernel allocates the cache's buffers: the WebAssembly kernel's are views on one linear memory,
    // the JS kernel's are separate arrays.
    const wasm = createCache({ layers: 2, kvHeads: 2, headDim: 4 }, { kind: 'window', window: 4 }, { kernel: 'wasm' });
    expect(wasm.values(1, 1).buffer).toBe(wasm.keys(0, 0).buffer);
    const js = createCache({ layers: 2, kvHeads: 2, headDim: 4 }, { kind: 'window', window: 4 }, { kernel: 'js' });
    expect(js.values(1, 1).buffer).not.toBe(js.keys(0, 0).buffer);
    // A decoder's cache is allocated by the decoder's own kernel: its buffers live where that kernel reads.
    const decoder = createDecoder({ layers: 1, heads: 2, headDim: 4 }, { kind: 'window', window: 4 }, { kernel: 'wasm' });
    decoder.step(1);
    expect(decoder.cache.keys(0, 0).buffer).toBe(decoder.cache.values(0, 1).buffer);
    for (const make of [
      () => createCache({ layers: 1, kvHeads: 1, headDim: 4 }, { kind: 'full' }, { kernel: 'gpu' as AttentionKernel }),
      () => createDecoder({ layers: 1, heads: 1, headDim: 4 }, { kind: 'full' }, { kernel: 'gpu' as AttentionKernel }),
      () => createKernel('gpu' as AttentionKernel),
    ]) {
      expect(make).toThrow(/kernel must be 'js' or 'wasm' \(got gpu\)/);
    }
  });

  it('refuses to attend over buffers another kernel allocated', () => {
    const cache = createCache({ layers: 1, kvHeads: 1, headDim: 4 }, { kind: 'window', window: 4 }, { kernel: 'js' });
    cache.append(0, new Float32Array(4).fill(1), new Float32Array(4).fill(1));
    const out = new Float32Array(4);
    expect(() => createKernel('wasm').attend(out, new Float32Array(4), cache, 0, 1)).toThrow(/only over keys and values it allocated/);
    // The JS kernel reads any Float32Array, the WebAssembly kernel's views included.
    const wasm = createCache({ layers: 1, kvHeads: 1, headDim: 4 }, { kind: 'window', window: 4 }, { kernel: 'wasm' });
    wasm.append(0, new Float32Array(4).fill(1), new Float32Array(4).fill(2));
    createKernel('js').attend(out, new Float32Array(4), wasm, 0, 1);
    expect(Array.from(out)).toEqual([2, 2, 2, 2]);
  });
});

describe('the JS kernel', () => {
  it('gives the padding slots weight 0, whatever finite numbers they hold', () => {
    const rng = new Rng(4);
    const keys = rng.normalArray(8 * 2);
    const values = rng.normalArray(8 * 2);
    const q = rng.normalArray(2);
    const out = new Float32Array(2);
    attendSlots(out, 0, q, 0, keys, values, 5, 2, new Float64Array(8), new Float64Array(2));
    const rows = (m: Float32Array) => Array.from({ length: 5 }, (_, j) => [m[2 * j]!, m[2 * j + 1]!]);
    expect(maxAbsDiff(out, maskedAttention(Array.from(q), rows(keys), rows(values), () => true))).toBeLessThan(1e-6);
  });

  it('refuses buffers without room for the padded block', () => {
    const out = new Float32Array(2);
    const acc = new Float64Array(2);
    expect(() => attendSlots(out, 0, new Float32Array(2), 0, new Float32Array(10), new Float32Array(10), 5, 2, new Float64Array(8), acc)).toThrow(/must hold 8 slots/);
    expect(() => attendSlots(out, 0, new Float32Array(2), 0, new Float32Array(16), new Float32Array(16), 5, 2, new Float64Array(5), acc)).toThrow(/must hold 8 slots/);
  });
});

describe('attendReference', () => {
  it('works a small example by hand', () => {
    // Row 0 sees only itself. Row 1 with q = [0, 1]: scores 0 and 1/√2 against k0 = [1, 0], k1 = [0, 1].
    const out = attendReference([[1, 0], [0, 1]], [[1, 0], [0, 1]], [[1, 2], [3, 4]]);
    const w1 = Math.exp(Math.SQRT1_2) / (1 + Math.exp(Math.SQRT1_2));
    expect(out[0]).toEqual([1, 2]);
    expect(out[1]![0]).toBeCloseTo(1 * (1 - w1) + 3 * w1, 12);
    expect(out[1]![1]).toBeCloseTo(2 * (1 - w1) + 4 * w1, 12);
  });

  it('W = 1 returns each token its own value; W + 1 keys under w-plus-one', () => {
    const rng = new Rng(1);
    const [q, k, v] = [randomRows(rng, 6, 3), randomRows(rng, 6, 3), randomRows(rng, 6, 2)];
    expect(attendReference(q, k, v, 1)).toEqual(v);
    const conventions: WindowConvention[] = ['w-plus-one'];
    for (const c of conventions) {
      const plusOne = attendReference(q, k, v, 1, c);
      const two = attendReference(q, k, v, 2);
      plusOne.forEach((row, i) => row.forEach((x, e) => expect(x).toBeCloseTo(two[i]![e]!, 14)));
    }
  });

  it('names the row that does not fit', () => {
    expect(() => attendReference([[1, 2]], [[1]], [[1]])).toThrow(/k\[0\] has 1 numbers but q rows have 2/);
    expect(() => attendReference([[1], [2]], [[1]], [[1], [2]])).toThrow(/k has 1 rows but q has 2/);
    expect(() => attendReference([], [], [])).toThrow(/q has no rows/);
    expect(() => attendReference([[1]], [[1]], [[1]], 0)).toThrow(/window/);
  });
});

describe("the kernels' matvec (projections and logits)", () => {
  it('the WebAssembly kernel equals linalg.ts (the reference) for every shape, the row and column tails included', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 70 }), fc.integer({ min: 1, max: 300 }), fc.integer(), (rows, cols, seed) => {
        const rng = new Rng(seed);
        const wasm = createKernel('wasm');
        const [w, x, out] = wasm.allocateFloats([rows * cols, cols + 3, rows + 2]);
        w!.set(rng.normalArray(rows * cols));
        x!.set(rng.normalArray(cols + 3));
        const expected = new Float32Array(rows);
        matvec(expected, 0, w!, x!, 3, rows, cols);
        wasm.matvec(out!, 2, w!, x!, 3, rows, cols);
        // float32 sums against float64 ones: relative to the size of the terms, √cols at unit scale.
        expect(maxAbsDiff(out!.subarray(2, 2 + rows), expected)).toBeLessThan(1e-6 * Math.sqrt(cols) * 8);
        expect(out![0]).toBe(0);
        expect(out![1]).toBe(0);
        const js = createKernel('js');
        const jsOut = new Float32Array(rows);
        js.matvec(jsOut, 0, w!, x!, 3, rows, cols);
        expect(Array.from(jsOut)).toEqual(Array.from(expected));
      }),
      { numRuns: 60 },
    );
  });

  it('a decoder on each kernel gives the same logits within 1e-5, at a model size', () => {
    const config = { layers: 2, heads: 6, kvHeads: 2, headDim: 20, vocab: 50, seed: 4 };
    const tokens = Array.from({ length: 40 }, (_, i) => (i * 17) % 50);
    const [js, wasm] = KERNELS.map((kernel) => {
      const decoder = createDecoder(config, { kind: 'window', window: 16 }, { kernel });
      return tokens.flatMap((t) => Array.from(decoder.step(t)));
    });
    expect(maxScaledDiff(js!, wasm!)).toBeLessThan(LOGITS_TOLERANCE);
  });

  it('the WebAssembly kernel refuses vectors it did not allocate with the weights', () => {
    const wasm = createKernel('wasm');
    const [w, x] = wasm.allocateFloats([4, 2]);
    expect(() => wasm.matvec(new Float32Array(2), 0, w!, x!, 0, 2, 2)).toThrow(/allocated together/);
    const [out] = wasm.allocateFloats([2]);
    expect(() => wasm.matvec(out!, 0, w!, x!, 0, 2, 2)).toThrow(/allocated together/);
  });
});
