/**
 * A decode step split over two threads (decode-helper.ts) computes exactly what one thread computes: each
 * row of a matrix-vector product and each attention head is done whole by one thread with the same
 * WebAssembly, so the logits are bit-for-bit equal, for every cache kind, grouping, position encoding,
 * paged layout, and a full cache that reallocates (new memories handed to the helper mid-run).
 */
import fc from 'fast-check';
import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import type { CachePolicy } from '../../src/memory/index.js';
import { createCache, createDecoder, createKernel, defaultThreads, TWO_THREAD_WIDTH } from '../../src/engine/index.js';
import { wasmThreadsSupported, type WasmKernel } from '../../src/engine/wasm-kernel.js';

const policies: [string, CachePolicy][] = [
  ['full', { kind: 'full' }],
  ['window', { kind: 'window', window: 24 }],
  ['sinks', { kind: 'sinks', sinks: 2, window: 14 }],
  ['moving-average', { kind: 'moving-average', window: 9 }],
];

describe.runIf(wasmThreadsSupported)('two threads', () => {
  it('start a helper thread that takes commands', async () => {
    const decoder = createDecoder({ layers: 1, heads: 2, headDim: 8 }, { kind: 'full' }, { threads: 2 });
    expect(await (decoder.kernel as WasmKernel).helperReady()).toBe(true);
  });

  it('give the same logits as one thread, bit for bit, for random shapes, policies and positions', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...policies),
        fc.constantFrom<[number, number]>([4, 4], [4, 2], [4, 1], [6, 3], [2, 2]),
        fc.constantFrom(16, 32, 40),
        fc.constantFrom<'none' | 'absolute' | 'streaming'>('none', 'absolute', 'streaming'),
        fc.boolean(),
        fc.integer({ min: 1, max: 1000 }),
        ([, policy], [heads, kvHeads], headDim, rope, paged, seed) => {
          if (rope === 'streaming' && policy.kind === 'moving-average') return;
          const blockSize = paged && policy.kind !== 'moving-average' ? 8 : undefined;
          const config = { layers: 2, heads, kvHeads, headDim, vocab: 150, seed, rope };
          const one = createDecoder(config, policy, { kernel: 'wasm', threads: 1, blockSize });
          const two = createDecoder(config, policy, { kernel: 'wasm', threads: 2, blockSize });
          const kernel = two.kernel as WasmKernel;
          expect(kernel.threads).toBe(2);
          const before = kernel.helperCommands.sent;
          // 70 tokens: past every window, and past a full cache's first capacities (it reallocates).
          for (let t = 0; t < 70; t++) {
            const token = (t * 37 + seed) % 150;
            expect(Array.from(two.step(token))).toEqual(Array.from(one.step(token)));
          }
          // Attention was split (two or more query heads, one run of slots), or at least the logits.
          if (!paged || heads > 1) expect(kernel.helperCommands.sent).toBeGreaterThan(before);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('split the rows of a product when there are enough of them, and agree there too', () => {
    // 256 wide: every projection (256 rows) and the logits (300 rows) are split; four layers.
    const config = { layers: 4, heads: 8, kvHeads: 4, headDim: 32, vocab: 300, seed: 3 };
    const one = createDecoder(config, { kind: 'window', window: 40 }, { threads: 1 });
    const two = createDecoder(config, { kind: 'window', window: 40 }, { threads: 2 });
    const kernel = two.kernel as WasmKernel;
    const before = kernel.helperCommands.sent;
    for (let t = 0; t < 100; t++) expect(Array.from(two.step(t % 300))).toEqual(Array.from(one.step(t % 300)));
    // Per layer: three projections, attention, the output projection; then the logits.
    expect(kernel.helperCommands.sent - before).toBe(100 * (4 * 5 + 1));
  });

  it('take a command back and do it on the calling thread when the helper has not started it, with the same result', async () => {
    const config = { layers: 1, heads: 4, headDim: 32, vocab: 130, seed: 9 };
    const one = createDecoder(config, { kind: 'window', window: 8 }, { threads: 1 });
    const two = createDecoder(config, { kind: 'window', window: 8 }, { threads: 2 });
    const kernel = two.kernel as WasmKernel;
    expect(await kernel.helperReady()).toBe(true);
    const before = kernel.helperCommands.takenBack;
    // After a pause the helper sleeps; waking it takes far longer than the first half of a small product,
    // so the first command of a step is done here.
    for (let t = 0; t < 20; t++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(Array.from(two.step(t))).toEqual(Array.from(one.step(t)));
    }
    expect(kernel.helperCommands.takenBack).toBeGreaterThan(before);
  });
});

describe('thread count', () => {
  it('defaults to two for a model at least TWO_THREAD_WIDTH wide with the wasm kernel on two or more cores', () => {
    const two = wasmThreadsSupported && availableParallelism() >= 2 ? 2 : 1;
    expect(defaultThreads(TWO_THREAD_WIDTH, 'wasm')).toBe(two);
    expect(defaultThreads(768)).toBe(two);
    expect(defaultThreads(TWO_THREAD_WIDTH - 1, 'wasm')).toBe(1);
    expect(defaultThreads(768, 'js')).toBe(1);
  });

  it('refuses what cannot be done, saying what to use instead', () => {
    expect(() => createKernel('js', 2)).toThrow("threads: 2 needs the 'wasm' kernel");
    expect(() => createKernel('wasm', 3 as 2)).toThrow('threads must be 1 or 2 (got 3)');
    expect(() => createKernel('wasm', '2' as unknown as 2)).toThrow("threads must be 1 or 2 (got '2')");
    expect(() => createKernel(createKernel('js'), 2)).toThrow("threads: 2 needs the 'wasm' kernel");
    expect(() => createKernel(createKernel('wasm'), 2)).toThrow("runs on 1 thread; pass createKernel('wasm', 2) or leave threads out");
    // null is "not given", as createDecoder's default reads it.
    expect(createKernel('wasm', null as unknown as 2).threads).toBe(1);
    expect(createCache({ layers: 1, kvHeads: 1, headDim: 4 }, { kind: 'full' }, { threads: null as unknown as 2 }).heldBytes()).toBe(0);
    expect(() => createDecoder({ layers: 1, heads: 2, headDim: 4 }, { kind: 'full' }, { kernel: createKernel('wasm'), threads: 2 })).toThrow(RangeError);
    expect(() => createCache({ layers: 1, kvHeads: 1, headDim: 4 }, { kind: 'full' }, { threads: 7 as 2 })).toThrow('threads must be 1 or 2 (got 7)');
    expect(() => createCache({ layers: 1, kvHeads: 1, headDim: 4 }, { kind: 'full' }, { kernel: 'js', threads: 2 })).toThrow("needs the 'wasm' kernel");
    // A kernel object given without threads keeps its own, whatever the width's default.
    expect(createDecoder({ layers: 1, heads: 12, headDim: 64 }, { kind: 'full' }, { kernel: createKernel('wasm') }).kernel.threads).toBe(1);
    expect(() => createDecoder({ layers: 1, heads: 2, headDim: 4 }, { kind: 'full' }, { kernel: 'js', threads: 2 })).toThrow(RangeError);
  });
});
