/**
 * The memory module, the single source of truth for cache sizes: the worked totals of the course's
 * reference come out exactly, and the formula obeys its rules for all inputs.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MemoryInputError,
  SPACE_COMPLEXITY,
  attendedPairs,
  bytesPerToken,
  capacityPairs,
  findModel,
  formatBytes,
  growsWithSequence,
  heldPairs,
  kvCacheMemory,
  policyBytes,
  type CachePolicy,
  type ModelPreset,
} from '../src/memory/index.js';

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

function preset(name: string): ModelPreset {
  const p = findModel(name);
  if (!p) throw new Error(`no preset ${name}`);
  return p;
}

/** The preset as the model runs it: its own window and layer pattern. */
const asRun = (p: ModelPreset, tokens: number) => kvCacheMemory({ ...p, tokens });
/** Every layer global: the full cache. */
const asFull = (p: ModelPreset, tokens: number) => kvCacheMemory({ ...p, window: undefined, layerPattern: undefined, tokens });

describe('worked totals of reference/memory.md (16-bit, batch 1)', () => {
  it('Mistral-7B: 128 KiB per token, a 512 MiB window cache flat from token 4096, 4 GiB full at 32k', () => {
    const mistral = preset('mistral-7b');
    expect(bytesPerToken(mistral)).toBe(128 * KiB);
    expect(asRun(mistral, 4096).bytes).toBe(512 * MiB);
    expect(asRun(mistral, 32768).bytes).toBe(512 * MiB);
    expect(asRun(mistral, 4095).bytes).toBe(4095 * 128 * KiB); // one token short of the window: still growing
    expect(asFull(mistral, 32768).bytes).toBe(4 * GiB);
    expect(asFull(mistral, 32768).bytes / asRun(mistral, 32768).bytes).toBe(8);
    expect(formatBytes(asRun(mistral, 32768).bytes)).toBe('512 MiB');
  });

  it('Llama-2-7B at 4096 tokens: 2 GiB; Llama-3-8B at 8192: 1 GiB', () => {
    expect(asRun(preset('llama-2-7b'), 4096).bytes).toBe(2 * GiB);
    expect(asRun(preset('llama-3-8b'), 8192).bytes).toBe(1 * GiB);
  });

  it('Gemma-2-9B at 8192: full 2688 MiB, hybrid 2016 MiB', () => {
    const gemma = preset('gemma-2-9b');
    expect(asFull(gemma, 8192).bytes).toBe(2688 * MiB);
    expect(asRun(gemma, 8192).bytes).toBe(2016 * MiB);
  });

  it('Gemma-3-4B at 32768: full 4352 MiB, hybrid 756 MiB', () => {
    const gemma = preset('gemma-3-4b');
    expect(asFull(gemma, 32768).bytes).toBe(4352 * MiB);
    expect(asRun(gemma, 32768).bytes).toBe(756 * MiB);
  });

  it('per-token bytes of the reference table', () => {
    expect(bytesPerToken(preset('gpt2'))).toBe(36_864);
    expect(bytesPerToken(preset('llama-2-7b'))).toBe(524_288);
    expect(bytesPerToken(preset('llama-3-8b'))).toBe(131_072);
    expect(bytesPerToken(preset('gemma-2-9b'))).toBe(344_064);
    expect(bytesPerToken(preset('gemma-3-4b'))).toBe(139_264);
  });
});

const shapeArb = fc
  .record({
    layers: fc.integer({ min: 1, max: 128 }),
    kvHeads: fc.integer({ min: 1, max: 64 }),
    group: fc.integer({ min: 1, max: 8 }),
    headDim: fc.integer({ min: 1, max: 512 }),
  })
  .map(({ layers, kvHeads, group, headDim }) => ({ layers, heads: kvHeads * group, kvHeads, headDim }));

describe('the formula, for all inputs', () => {
  it('window bytes are min(m, W)/m of the full bytes', () => {
    fc.assert(
      fc.property(shapeArb, fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 1, max: 100_000 }), (shape, tokens, window) => {
        const full = kvCacheMemory({ ...shape, tokens }).bytes;
        const windowed = kvCacheMemory({ ...shape, tokens, window }).bytes;
        expect(windowed * tokens).toBe(full * Math.min(tokens, window));
      }),
    );
  });

  it('GQA scales the bytes by g/τ against MHA, and MQA (g = 1) by 1/τ', () => {
    fc.assert(
      fc.property(shapeArb, fc.integer({ min: 1, max: 100_000 }), (shape, tokens) => {
        const gqa = kvCacheMemory({ ...shape, tokens }).bytes;
        const mha = kvCacheMemory({ ...shape, kvHeads: shape.heads, tokens }).bytes;
        const mqa = kvCacheMemory({ ...shape, kvHeads: 1, tokens }).bytes;
        expect(gqa * shape.heads).toBe(mha * shape.kvHeads);
        expect(mqa * shape.heads).toBe(mha);
      }),
    );
  });

  it('bytes = 2 · L · g · d_h · m · bytes/element · batch, an exact integer', () => {
    fc.assert(
      fc.property(shapeArb, fc.integer({ min: 1, max: 10_000 }), fc.constantFrom('fp32', 'fp16', 'bf16', 'fp8', 'int8') as fc.Arbitrary<'fp32' | 'fp16' | 'bf16' | 'fp8' | 'int8'>, fc.integer({ min: 1, max: 8 }), (shape, tokens, dtype, batch) => {
        const size = { fp32: 4, fp16: 2, bf16: 2, fp8: 1, int8: 1 }[dtype];
        const report = kvCacheMemory({ ...shape, tokens, dtype, batch });
        expect(report.bytes).toBe(2 * shape.layers * shape.kvHeads * shape.headDim * tokens * size * batch);
        expect(Number.isInteger(report.bytes)).toBe(true);
      }),
    );
  });

  it('window memory is constant once m ≥ W, and the full cache grows linearly', () => {
    fc.assert(
      fc.property(shapeArb, fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 0, max: 5000 }), (shape, window, extra) => {
        const at = (tokens: number) => kvCacheMemory({ ...shape, tokens, window }).bytes;
        expect(at(window + extra)).toBe(at(window));
        const full = (tokens: number) => kvCacheMemory({ ...shape, tokens }).bytes;
        expect(full(window + extra)).toBe(full(window) + full(1) * extra);
      }),
    );
  });

  it('held pairs never exceed capacity, attended pairs never exceed held, and both are monotone for caches without a partial group', () => {
    const policyArb: fc.Arbitrary<CachePolicy> = fc.oneof(
      fc.integer({ min: 1, max: 50 }).map((window): CachePolicy => ({ kind: 'window', window })),
      fc.record({ window: fc.integer({ min: 1, max: 50 }), sinks: fc.integer({ min: 1, max: 8 }) }).map((p): CachePolicy => ({ kind: 'sinks', ...p })),
      fc.integer({ min: 1, max: 50 }).map((window): CachePolicy => ({ kind: 'moving-average', window })),
      fc.constant<CachePolicy>({ kind: 'cumulative' }),
      fc
        .record({ window: fc.integer({ min: 1, max: 20 }), compression: fc.integer({ min: 1, max: 6 }), compressedSlots: fc.integer({ min: 1, max: 10 }) })
        .map((p): CachePolicy => ({ kind: 'compressive', ...p, segment: p.compression })),
    );
    fc.assert(
      fc.property(policyArb, fc.integer({ min: 0, max: 500 }), (policy, tokens) => {
        expect(heldPairs(policy, tokens)).toBeLessThanOrEqual(capacityPairs(policy));
        expect(attendedPairs(policy, tokens)).toBeLessThanOrEqual(heldPairs(policy, tokens));
        if (policy.kind !== 'compressive') expect(heldPairs(policy, tokens + 1)).toBeGreaterThanOrEqual(heldPairs(policy, tokens));
        expect(policyBytes({ layers: 2, heads: 4, kvHeads: 2, headDim: 8 }, policy, tokens, 'fp32')).toBe(2 * 2 * 2 * 8 * 4 * heldPairs(policy, tokens));
      }),
    );
  });

  it('the space-complexity table says which caches grow with m', () => {
    expect(SPACE_COMPLEXITY.window).toBe('O(L·τ·d_h·n_c)');
    expect(growsWithSequence('full')).toBe(true);
    expect(growsWithSequence('gqa')).toBe(true);
    expect(growsWithSequence('mqa')).toBe(true);
    for (const key of ['window', 'sinks', 'moving-average', 'cumulative', 'compressive'] as const) expect(growsWithSequence(key)).toBe(false);
  });

  it('refuses byte counts past 2^53 and sizes that are not whole numbers', () => {
    expect(() => kvCacheMemory({ layers: 1_000, heads: 1_000, headDim: 1_000, tokens: 1_000_000_000 })).toThrow(MemoryInputError);
    expect(() => kvCacheMemory({ layers: 1_000, heads: 1_000, headDim: 1_000, tokens: 1_000_000_000 })).toThrow(/2\^53/);
    expect(() => kvCacheMemory({ layers: 1.5, heads: 1, headDim: 1, tokens: 1 })).toThrow(/layers must be a whole number/);
    expect(() => kvCacheMemory({ layers: 1, heads: 6, kvHeads: 4, headDim: 1, tokens: 1 })).toThrow(/must divide/);
  });
});
