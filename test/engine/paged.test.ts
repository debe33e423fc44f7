/**
 * The paged cache: its held and allocated bytes, counted from its own slots and block tables, equal the
 * memory module's paged formula after every token; it frees blocks as the window leaves them (never under
 * full attention); and attention over its blocks (several runs, merged) equals the contiguous caches'.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pagedBlocks, pagedBytes, policyBytes, type CachePolicy } from '../../src/memory/index.js';
import { PagedCache, Rng, createCache, createDecoder, createKernel } from '../../src/engine/index.js';
import { KERNELS, conventionArb, maxAbsDiff, maxScaledDiff, LOGITS_TOLERANCE } from './helpers.js';

const pagedPolicyArb: fc.Arbitrary<CachePolicy> = fc.oneof(
  fc.constant<CachePolicy>({ kind: 'full' }),
  fc.record({ window: fc.integer({ min: 1, max: 20 }), convention: conventionArb }).map((p): CachePolicy => ({ kind: 'window', ...p })),
  fc
    .record({ window: fc.integer({ min: 1, max: 12 }), sinks: fc.integer({ min: 1, max: 6 }), convention: conventionArb })
    .map((p): CachePolicy => ({ kind: 'sinks', ...p })),
);

function paged(shape: { layers: number; kvHeads: number; headDim: number }, policy: CachePolicy, blockSize: number, kernel: 'js' | 'wasm' = 'js'): PagedCache {
  const cache = createCache(shape, policy, { kernel, blockSize });
  expect(cache).toBeInstanceOf(PagedCache);
  return cache as PagedCache;
}

describe('the paged formula (src/memory/paged.ts)', () => {
  it('worked by hand: whole blocks, the partly filled and the partly evicted ones included', () => {
    // Window of 4, blocks of 3: after 5 tokens positions 1..4 are held, in blocks {0,1,2} and {3,4,5}.
    expect(pagedBlocks({ kind: 'window', window: 4 }, 5, 3)).toBe(2);
    // After 7: positions 3..6, blocks {3,4,5} and {6,7,8}; block 0 has been freed.
    expect(pagedBlocks({ kind: 'window', window: 4 }, 7, 3)).toBe(2);
    // After 6: positions 2..5 straddle blocks 0 and 1; after 9 the window is 5..8 over blocks 1 and 2.
    expect(pagedBlocks({ kind: 'window', window: 4 }, 6, 3)).toBe(2);
    expect(pagedBlocks({ kind: 'full' }, 7, 3)).toBe(3);
    // Sinks 0, 1 in block 0; window of 2 after 10 tokens: positions 8, 9 in block 2 (of 4 slots): 2 blocks.
    expect(pagedBlocks({ kind: 'sinks', sinks: 2, window: 2 }, 10, 4)).toBe(2);
    // After 5: positions 0, 1 (sinks) and 3, 4 (window): blocks 0 and 1, block 0 shared by both.
    expect(pagedBlocks({ kind: 'sinks', sinks: 2, window: 2 }, 5, 4)).toBe(2);
    expect(pagedBlocks({ kind: 'sinks', sinks: 2, window: 2 }, 4, 4)).toBe(1);
    // Llama-2-7B, fp16, 1000 tokens in vLLM's default blocks of 16: 63 blocks, 1008 slots for 1000 pairs.
    const llama = { layers: 32, heads: 32, kvHeads: 32, headDim: 128 };
    expect(pagedBytes(llama, { kind: 'full' }, 1000, 16)).toEqual({ heldBytes: 524_288_000, allocatedBytes: 528_482_304, blocks: 63 });
  });

  it('allocated ≥ held, and wastes less than two blocks per layer beyond what a window holds', () => {
    fc.assert(
      fc.property(pagedPolicyArb, fc.integer({ min: 1, max: 16 }), fc.integer({ min: 0, max: 200 }), (policy, B, m) => {
        const shape = { layers: 2, heads: 2, kvHeads: 1, headDim: 4 };
        const { heldBytes, allocatedBytes, blocks } = pagedBytes(shape, policy, m, B, 'fp32');
        expect(allocatedBytes).toBeGreaterThanOrEqual(heldBytes);
        expect(allocatedBytes).toBe(policyBytes(shape, { kind: 'full' }, blocks * B, 'fp32'));
        const perSlot = 2 * 2 * 1 * 4 * 4;
        // The held span's two end blocks are the only partly used ones (three with sinks).
        expect(allocatedBytes - heldBytes).toBeLessThan((policy.kind === 'sinks' ? 3 : 2) * B * perSlot);
      }),
    );
  });

  it('refuses designs that pool tokens, and a bad block size', () => {
    expect(() => pagedBlocks({ kind: 'cumulative' }, 4, 2)).toThrow(/full, window or sinks/);
    expect(() => pagedBlocks({ kind: 'full' }, 4, 0)).toThrow(/blockSize must be a whole number > 0/);
    expect(() => createCache({ layers: 1, kvHeads: 1, headDim: 2 }, { kind: 'moving-average', window: 2 }, { blockSize: 4 })).toThrow(/full, window or sinks/);
  });
});

describe('the paged cache', () => {
  it.each(KERNELS)('held and allocated bytes equal pagedBytes after every token, for random B, W and m (%s kernel)', (kernel) => {
    fc.assert(
      fc.property(
        pagedPolicyArb,
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 2 }),
        fc.integer({ min: 1, max: 90 }),
        (policy, B, layers, kvHeads, tokens) => {
          const shape = { layers, kvHeads, headDim: 3 };
          const cache = paged(shape, policy, B, kernel);
          const memoryShape = { layers, heads: kvHeads, kvHeads, headDim: 3 };
          const k = new Float32Array(kvHeads * 3);
          for (let t = 0; t < tokens; t++) {
            k.fill(t);
            for (let l = 0; l < layers; l++) cache.append(l, k, k);
            const formula = pagedBytes(memoryShape, policy, t + 1, B, 'fp32');
            expect(cache.heldBytes()).toBe(formula.heldBytes);
            expect(cache.allocatedBytes()).toBe(formula.allocatedBytes);
            expect(cache.blocks(0)).toBe(formula.blocks);
            expect(cache.reservedBytes()).toBeGreaterThanOrEqual(cache.allocatedBytes());
          }
        },
      ),
      { numRuns: 120 },
    );
  });

  it('frees blocks as the window leaves them, and reuses them: the pool stops growing', () => {
    const cache = paged({ layers: 1, kvHeads: 1, headDim: 2 }, { kind: 'window', window: 10 }, 4);
    const reserved = cache.reservedBytes();
    const blocks: number[] = [];
    for (let t = 0; t < 500; t++) {
      cache.append(0, new Float32Array([t, t]), new Float32Array([t, t]));
      blocks.push(cache.blocks(0));
    }
    expect(Math.max(...blocks)).toBe(4); // 10 pairs straddle at most 4 blocks of 4
    expect(Math.min(...blocks.slice(20))).toBe(3);
    expect(cache.reservedBytes()).toBe(reserved);
    // What it attends is still exactly the last 10 positions.
    expect([...cache.slotPositions(0)].sort((a, b) => a - b)).toEqual(Array.from({ length: 10 }, (_, i) => 490 + i));
  });

  it('under full attention never frees a block', () => {
    const cache = paged({ layers: 1, kvHeads: 1, headDim: 2 }, { kind: 'full' }, 5);
    for (let t = 0; t < 203; t++) {
      cache.append(0, new Float32Array([t, t]), new Float32Array([t, t]));
      expect(cache.blocks(0)).toBe(Math.ceil((t + 1) / 5));
    }
    expect(cache.slotPositions(0)).toEqual(Array.from({ length: 203 }, (_, i) => i));
  });

  it.each(KERNELS)('attention over its blocks equals attention over the contiguous cache of the same policy (%s kernel)', (name) => {
    fc.assert(
      fc.property(pagedPolicyArb, fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 70 }), fc.integer(), (policy, B, tokens, seed) => {
        const kernel = createKernel(name);
        const shape = { layers: 1, kvHeads: 2, headDim: 4 };
        const contiguous = createCache(shape, policy, { kernel });
        const blocked = createCache(shape, policy, { kernel, blockSize: B });
        const rng = new Rng(seed);
        const a = new Float32Array(4 * 4);
        const b = new Float32Array(4 * 4);
        for (let t = 0; t < tokens; t++) {
          const k = rng.normalArray(8);
          const v = rng.normalArray(8);
          contiguous.append(0, k, v);
          blocked.append(0, k, v);
          const q = rng.normalArray(16);
          kernel.attend(a, q, contiguous, 0, 4);
          kernel.attend(b, q, blocked, 0, 4);
          expect(maxAbsDiff(a, b)).toBeLessThan(1e-5);
          expect(blocked.attendedPairs(0)).toBe(contiguous.attendedPairs(0));
        }
      }),
      { numRuns: 50 },
    );
  });

  it.each(KERNELS)('a decoder on a paged cache decodes as on a contiguous one and equals its own prefill (%s kernel)', (kernel) => {
    const config = { layers: 2, heads: 4, kvHeads: 2, headDim: 8, vocab: 32, seed: 3 };
    const tokens = Array.from({ length: 40 }, (_, i) => (i * 11 + 5) % 32);
    for (const policy of [{ kind: 'window', window: 7 }, { kind: 'sinks', window: 5, sinks: 2 }, { kind: 'full' }] as CachePolicy[]) {
      const contiguous = createDecoder(config, policy, { kernel });
      const blocked = createDecoder(config, policy, { kernel, blockSize: 4 });
      const stepped = tokens.map((t) => Array.from(blocked.step(t)));
      const reference = tokens.map((t) => Array.from(contiguous.step(t)));
      expect(maxScaledDiff(stepped.flat(), reference.flat())).toBeLessThan(LOGITS_TOLERANCE);
      const prefilled = createDecoder(config, policy, { kernel, blockSize: 4 }).prefill(tokens, 9);
      expect(maxScaledDiff(prefilled, stepped.flat())).toBeLessThan(LOGITS_TOLERANCE);
    }
  });
});
