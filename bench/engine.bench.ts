/**
 * Engine benchmark: decode speed of the tiny decoder with a full and a window cache at 1k, 4k and 16k
 * cached tokens, against the same run's speed limit for this JavaScript engine (a plain Float32Array dot
 * product with four accumulators), plus the heap cost of streaming a million tokens through a window.
 *
 * FLOPs are counted by decodeStepFlops: 2 per multiply-add, for the Q/K/V projections, the scores q·k,
 * the weighted sum of values, the output projection and the logits, i.e. everything the timed step
 * multiplies. Softmax exponentials, norms and residual adds are not counted (they are O(d + τ·n), not
 * O(d·(d + n))). The limit loop counts 2 per multiply-add too.
 *
 * Runs under `node --expose-gc --import tsx` (npm run bench -- engine).
 *
 * Both decode attention kernels are measured, the plain-TypeScript reference (js) and WebAssembly SIMD
 * (wasm, wasm/attention.wat); the targets are judged on the default kernel (wasm where SIMD validates)
 * and the other kernel's figures are printed beside them, labelled as not judged.
 *
 * What it showed on the 2-vCPU machine this was written on. The js kernel reaches about 0.55–0.65 of the
 * plain-loop limit, not 0.7: its loops alone run at or above the limit when V8 can treat the head size
 * and the arrays as compile-time constants (~0.75 composed with d_h = 64 fixed), but called with d_h as
 * a runtime argument, as a kernel serving every head size and every cache buffer must be, they run at
 * ~0.6; eight accumulators reached ~0.67; K and V in L2 (the diagnostic row) are no faster, so it is not
 * memory. The wasm kernel (f32x4, four accumulators, softmax's exponentials in SIMD too) runs the window
 * attention step at ~15 GFLOP/s, 3.3× the limit; with softmax's exponentials left to Math.exp in JS,
 * 12 × 1024 of them alone took ~140 µs a token, two thirds of the whole wasm step (~210 µs). The
 * whole decoder step reaches ~0.8 of the limit with wasm attention: the Q/K/V/output projections and
 * the logits are plain-TS matvec (streaming 9.4 MB of weights a token) and now take ~90% of its time.
 * The full cache's wasm rows at 4k and 16k (24 and 96 MiB of K and V) run at ~10 GFLOP/s: DRAM-bound.
 */
import {
  createCache,
  createDecoder,
  createKernel,
  decodeStepFlops,
  defaultKernel,
  type AttentionKernel,
  type Kernel,
  type Decoder,
  type KvCache,
} from '../src/engine/index.js';
import { Rng } from '../src/engine/rng.js';
import { PerformanceObserver } from 'node:perf_hooks';
import type { CachePolicy } from '../src/memory/index.js';

/** The shape of the reference's naive figure: 12 heads of 64 dims, one layer (GPT-2 small's attention). */
const CONFIG = { layers: 1, heads: 12, kvHeads: 12, headDim: 64, vocab: 256, seed: 1 };
const WINDOW = 1024;
const CACHED = [1024, 4096, 16384];
/** Seconds each measurement runs for, at least. */
const MEASURE_SECONDS = 0.6;
const WARM_SECONDS = 0.2;
/**
 * Rounds of the whole measurement; each figure is the best round's. Other processes share this machine,
 * and the best of a few short runs is the figure least disturbed by them, for the limit and the engine alike.
 */
const ROUNDS = 3;

const now = () => performance.now() / 1000;

/**
 * Fills a decoder's cache with `tokens` seeded random pairs (the numbers do not change the cost), so a
 * 16k-token full cache is ready in a moment instead of after 16k full decode steps.
 */
function filledDecoder(policy: CachePolicy, tokens: number, kernel: AttentionKernel): Decoder {
  const decoder = createDecoder(CONFIG, policy, { kernel });
  const rng = new Rng(7);
  const width = CONFIG.kvHeads * CONFIG.headDim;
  const k = rng.normalArray(width);
  const v = rng.normalArray(width);
  for (let t = 0; t < tokens; t++) {
    k[t % width] = rng.normal();
    v[t % width] = rng.normal();
    for (let l = 0; l < CONFIG.layers; l++) decoder.cache.append(l, k, v);
  }
  return decoder;
}

interface Speed {
  secondsPerToken: number;
  tokensPerSecond: number;
  gflops: number;
}

/** Times decode steps for at least MEASURE_SECONDS after WARM_SECONDS of warm-up (JIT, caches). */
function measureDecode(decoder: Decoder): Speed {
  const config = decoder.config;
  let token = 0;
  const warmStart = now();
  while (now() - warmStart < WARM_SECONDS) decoder.step((token = (token + 1) % config.vocab));
  let steps = 0;
  let flops = 0;
  const start = now();
  let elapsed = 0;
  while (elapsed < MEASURE_SECONDS || steps < 10) {
    decoder.step((token = (token + 1) % config.vocab));
    flops += decodeStepFlops(config, decoder.cache.attendedPairs(0));
    steps += 1;
    elapsed = now() - start;
  }
  return { secondsPerToken: elapsed / steps, tokensPerSecond: steps / elapsed, gflops: flops / elapsed / 1e9 };
}

/** The plain loop the limit is measured with: a · b over n floats, four accumulators (n a multiple of 4). */
function plainDot(a: Float32Array, b: Float32Array, n: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  for (let i = 0; i < n; i += 4) {
    s0 += a[i]! * b[i]!;
    s1 += a[i + 1]! * b[i + 1]!;
    s2 += a[i + 2]! * b[i + 2]!;
    s3 += a[i + 3]! * b[i + 3]!;
  }
  return s0 + s1 + s2 + s3;
}

/** The same loop as a closure over fixed arrays, which V8 may specialise to them (see dotLimits). */
function specialisedDot(a: Float32Array, b: Float32Array): () => number {
  return () => {
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let i = 0; i < a.length; i += 4) {
      s0 += a[i]! * b[i]!;
      s1 += a[i + 1]! * b[i + 1]!;
      s2 += a[i + 2]! * b[i + 2]!;
      s3 += a[i + 3]! * b[i + 3]!;
    }
    return s0 + s1 + s2 + s3;
  };
}

/** GFLOP/s of `dot` (2 · n FLOPs a call), after WARM_SECONDS of warm-up. */
function dotSpeed(dot: () => number, n: number): number {
  let sink = 0;
  const warmStart = now();
  while (now() - warmStart < WARM_SECONDS) sink += dot();
  let reps = 0;
  const start = now();
  let elapsed = 0;
  while (elapsed < MEASURE_SECONDS) {
    sink += dot();
    reps += 1;
    elapsed = now() - start;
  }
  if (Number.isNaN(sink)) console.log('(impossible)'); // uses the sums, so the loop cannot be optimised away
  return (2 * n * reps) / elapsed / 1e9;
}

/**
 * The attention part of a decode step alone, the part a window changes: append one token's keys and
 * values, then every head attends over the cache. FLOPs: 2·τ·d_h·n for the scores and 2·τ·d_h·n for the
 * weighted values (n attended slots); the projections are left out of this timing and this count.
 */
function measureAttention({ cache, kernel }: { cache: KvCache; kernel: Kernel }): Speed {
  const { heads, headDim } = CONFIG;
  const rng = new Rng(11);
  const q = rng.normalArray(heads * headDim);
  const k = rng.normalArray(cache.shape.kvHeads * headDim);
  const v = rng.normalArray(cache.shape.kvHeads * headDim);
  const out = new Float32Array(heads * headDim);
  const step = () => {
    cache.append(0, k, v);
    kernel.attend(out, q, cache, 0, heads);
    return 4 * heads * headDim * cache.attendedPairs(0);
  };
  const warmStart = now();
  while (now() - warmStart < WARM_SECONDS) step();
  let steps = 0;
  let flops = 0;
  const start = now();
  let elapsed = 0;
  while (elapsed < MEASURE_SECONDS || steps < 10) {
    flops += step();
    steps += 1;
    elapsed = now() - start;
  }
  return { secondsPerToken: elapsed / steps, tokensPerSecond: steps / elapsed, gflops: flops / elapsed / 1e9 };
}

/** A one-layer cache of the benchmark's shape (or with `kvHeads` KV heads) holding `tokens` seeded pairs. */
function filledCache(policy: CachePolicy, tokens: number, name: AttentionKernel, kvHeads = CONFIG.kvHeads): { cache: KvCache; kernel: Kernel } {
  const kernel = createKernel(name);
  const cache = createCache({ layers: 1, kvHeads, headDim: CONFIG.headDim }, policy, { kernel });
  const rng = new Rng(9);
  const k = rng.normalArray(kvHeads * CONFIG.headDim);
  const v = rng.normalArray(kvHeads * CONFIG.headDim);
  for (let t = 0; t < tokens; t++) cache.append(0, k, v);
  return { cache, kernel };
}

/**
 * The limit: GFLOP/s of the plain four-accumulator loop over two Float32Arrays of `floats` each
 * (1024 × 64: 256 KiB, one head's window of keys, which stays in this CPU's L2). Measured two ways, the
 * arrays passed as arguments (as every cache kernel gets its buffers) and the loop closed over them,
 * which V8 may compile for those exact arrays; the larger is the limit, so the target is not flattered
 * by a slow way of writing the loop.
 */
function dotLimits(floats: number): number {
  const rng = new Rng(3);
  const a = rng.normalArray(floats);
  const b = rng.normalArray(floats);
  return Math.max(dotSpeed(() => plainDot(a, b, floats), floats), dotSpeed(specialisedDot(a, b), floats));
}

/**
 * Heap and array-buffer growth of streaming `tokens` through a small decoder with a window cache, and the
 * garbage collections during the run: growth catches what is kept, collections catch what is allocated
 * and dropped (a step that allocated even a small view per token would trigger scavenges every few
 * thousand tokens).
 */
async function streamingGrowth(tokens: number, kernel: AttentionKernel): Promise<{ bytes: number; seconds: number; collections: number }> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc (npm run bench does)');
  // A small model, so a million steps take seconds: the cache, not the model, is under test.
  const decoder = createDecoder({ layers: 2, heads: 2, kvHeads: 1, headDim: 8, vocab: 64, seed: 2 }, { kind: 'window', window: 32 }, { kernel });
  for (let t = 0; t < 5000; t++) decoder.step(t % 64); // warm up: JIT, and the ring fills
  // Collect until the figure settles: array buffers are freed a tick after the collection that finds them.
  const settle = async () => {
    for (let i = 0; i < 3; i++) {
      gc();
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  await settle();
  const used = () => {
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  let collections = 0;
  const observer = new PerformanceObserver((list) => {
    collections += list.getEntries().length;
  });
  observer.observe({ entryTypes: ['gc'] });
  const before = used();
  const start = now();
  for (let t = 0; t < tokens; t++) decoder.step((t * 7) % 64);
  const seconds = now() - start;
  // Entries arrive asynchronously (a tick is not enough): let them in before the forced collections below.
  await new Promise((resolve) => setTimeout(resolve, 200));
  observer.disconnect();
  await settle();
  return { bytes: used() - before, seconds, collections };
}

const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');
const fmt = (x: number, digits = 2) => x.toFixed(digits);
const KERNELS: AttentionKernel[] = ['js', 'wasm'];

export async function run(): Promise<void> {
  const judged = defaultKernel();
  console.log(`decoder: ${CONFIG.layers} layer, ${CONFIG.heads} heads × ${CONFIG.headDim} dims (MHA), vocab ${CONFIG.vocab}; window n_c = ${WINDOW}`);
  console.log(`kernels: js (plain TypeScript, the reference) and wasm (WebAssembly SIMD); the default here, judged below: ${judged}`);
  // First, while the heap holds nothing else: a million tokens through a window cache, per kernel.
  const growth = new Map<AttentionKernel, Awaited<ReturnType<typeof streamingGrowth>>>();
  for (const kernel of KERNELS) growth.set(kernel, await streamingGrowth(1_000_000, kernel));

  const policies: [string, CachePolicy][] = [
    ['full', { kind: 'full' }],
    ['window', { kind: 'window', window: WINDOW }],
  ];
  const cases = KERNELS.flatMap((kernel) =>
    CACHED.flatMap((cached) =>
      policies.map(([name, policy]) => ({
        kernel,
        cached,
        name,
        decoder: filledDecoder(policy, cached, kernel),
        cache: filledCache(policy, cached, kernel),
        step: undefined as Speed | undefined,
        attention: undefined as Speed | undefined,
      })),
    ),
  );
  const best = (a: Speed | undefined, b: Speed) => (!a || b.gflops > a.gflops ? b : a);
  // Diagnostic: the same attention step with one KV head shared by all 12 query heads (MQA). Its keys and
  // values (512 KiB) stay in L2; if it is no faster than the 12-KV-head rows (6 MiB of K and V), memory
  // is not what holds the step back, the kernel's arithmetic is.
  const inCache = KERNELS.map((kernel) => ({
    kernel,
    cache: filledCache({ kind: 'window', window: WINDOW }, WINDOW, kernel, 1),
    speed: undefined as Speed | undefined,
  }));
  let limit = 0;
  for (let round = 0; round < ROUNDS; round++) {
    limit = Math.max(limit, dotLimits(WINDOW * CONFIG.headDim));
    for (const d of inCache) d.speed = best(d.speed, measureAttention(d.cache));
    for (const c of cases) {
      c.step = best(c.step, measureDecode(c.decoder));
      c.attention = best(c.attention, measureAttention(c.cache));
    }
  }
  const reference = limit;
  console.log(`limit: plain Float32Array dot product, 4 accumulators, 2 × ${WINDOW}×${CONFIG.headDim} floats: ${fmt(limit)} GFLOP/s`);
  console.log(`       (every figure here is the best of ${ROUNDS} rounds, the limit's included)`);

  console.log('\n       |               |        | whole decoder step (projections, attention, logits) | attention step (append + all heads)');
  console.log('kernel | cached tokens | cache  | tokens/s | ms/token | GFLOP/s | × limit              | µs/token | GFLOP/s | × limit');
  for (const c of cases) {
    const step = c.step!;
    const att = c.attention!;
    console.log(
      `${c.kernel.padEnd(6)} | ${String(c.cached).padStart(13)} | ${c.name.padEnd(6)} | ${fmt(step.tokensPerSecond, 0).padStart(8)} | ${fmt(step.secondsPerToken * 1e3, 3).padStart(8)} | ${fmt(step.gflops).padStart(7)} | ${fmt(step.gflops / reference).padEnd(20)} | ${fmt(att.secondsPerToken * 1e6, 0).padStart(8)} | ${fmt(att.gflops).padStart(7)} | ${fmt(att.gflops / reference)}`,
    );
  }
  for (const d of inCache) {
    console.log(
      `diagnostic (${d.kernel}): window attention step with 1 KV head (K and V in L2): ${fmt(d.speed!.secondsPerToken * 1e6, 0)} µs/token, ${fmt(d.speed!.gflops)} GFLOP/s, × limit ${fmt(d.speed!.gflops / reference)}`,
    );
  }

  const windowsOf = (kernel: AttentionKernel) => cases.filter((c) => c.name === 'window' && c.kernel === kernel);
  const worst = (kernel: AttentionKernel, of: 'attention' | 'step') => Math.min(...windowsOf(kernel).map((c) => c[of]!.gflops));
  const flat = (kernel: AttentionKernel, of: 'attention' | 'step') => {
    const rows = windowsOf(kernel);
    return rows[rows.length - 1]![of]!.secondsPerToken / rows[0]![of]!.secondsPerToken;
  };
  const other = KERNELS.find((k) => k !== judged)!;
  const ratioLine = (label: string, of: 'attention' | 'step') => {
    const r = worst(judged, of) / reference;
    console.log(`target: ${label} ≥ 0.7 × limit (${judged} kernel, slowest window row): ${fmt(worst(judged, of))} / ${fmt(reference)} = ${fmt(r)}  ${verdict(r >= 0.7)}`);
    console.log(`        the ${other} kernel, not judged: ${fmt(worst(other, of))} / ${fmt(reference)} = ${fmt(worst(other, of) / reference)}`);
  };
  console.log('');
  ratioLine('window attention decode step', 'attention');
  ratioLine('whole window decoder step', 'step');
  for (const kernel of [judged, other]) {
    const [fs, fa] = [flat(kernel, 'step'), flat(kernel, 'attention')];
    console.log(
      kernel === judged
        ? `target: window time per token flat in m, t(16k)/t(1k) ≤ 1.15 (${kernel} kernel): decoder step ${fmt(fs)}  ${verdict(fs <= 1.15)}, attention step ${fmt(fa)}  ${verdict(fa <= 1.15)}`
        : `        the ${kernel} kernel, not judged: decoder step ${fmt(fs)}, attention step ${fmt(fa)}`,
    );
  }
  for (const kernel of [judged, other]) {
    const g = growth.get(kernel)!;
    const figures = `${fmt(g.bytes / 1024, 1)} KiB in ${fmt(g.seconds, 1)} s, ${g.collections} garbage collections during the run (none: the step allocates nothing)`;
    console.log(
      kernel === judged
        ? `target: 1,000,000 tokens through a window cache grow heap + array buffers by < 1 MiB (${kernel} kernel): ${figures}  ${verdict(g.bytes < 1024 * 1024)}`
        : `        the ${kernel} kernel, not judged: ${figures}`,
    );
  }
}
