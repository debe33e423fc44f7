/**
 * The memory module, the single source of truth for cache sizes: the worked totals of the course's
 * reference come out exactly, and the formula obeys its rules for all inputs.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEVICE_PRESETS,
  MemoryInputError,
  SPACE_COMPLEXITY,
  attendedPairs,
  bytesPerToken,
  bytesPerTokenPerLayer,
  cacheHoldingLayers,
  decodeTimeFloor,
  decodeTimeRows,
  pagedBytes,
  pagedCacheMemory,
  findDevice,
  parseBandwidth,
  quantizedVectorBytes,
  weightBytes,
  capacityPairs,
  findModel,
  formatBytes,
  growsWithSequence,
  heldPairs,
  kvCacheMemory,
  policyBytes,
  type CacheQuantization,
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

describe('multi-head latent attention (MLA)', () => {
  it('DeepSeek-V2-Lite: 27 layers × (512 latent + 64 RoPE key) × 2 bytes = 31,104 bytes a token', () => {
    const ds = preset('deepseek-v2-lite');
    expect(ds.latent).toEqual({ kvLoraRank: 512, ropeHeadDim: 64 });
    // 27 × 576 = 15,552 elements a token; × 2 bytes (bf16) = 31,104.
    expect(bytesPerToken(ds)).toBe(31_104);
    expect(bytesPerTokenPerLayer(ds)).toBe(1_152); // 576 × 2
    // 31,104 × 4096 = 127,401,984 bytes (121.5 MiB) at 4096 tokens.
    const report = asRun(ds, 4096);
    expect(report.bytes).toBe(127_401_984);
    expect(report.bytesPerToken).toBe(31_104);
    expect(report.formula).toBe('27 layers × (512 latent + 64 RoPE-key dims) × 4096 tokens × 2 bytes × batch 1 = 127401984 bytes');
    // As plain MHA (16 heads × 128 dims, K and V): 2 × 27 × 16 × 128 × 2 = 221,184 bytes a token, 7.1× more.
    expect(bytesPerToken({ ...ds, latent: undefined })).toBe(221_184);
    // Against Llama-2-7B's 524,288 bytes a token: 16.9× less.
    expect(bytesPerToken(preset('llama-2-7b')) / bytesPerToken(ds)).toBeCloseTo(16.856, 3);
    // policyBytes agrees: a 1024 window at 5000 tokens holds 27 × 576 × 1024 × 2 = 31,850,496 bytes.
    expect(policyBytes(ds, { kind: 'window', window: 1024 }, 5000)).toBe(31_850_496);
  });

  const latentArb = fc.record({ kvLoraRank: fc.integer({ min: 1, max: 2048 }), ropeHeadDim: fc.integer({ min: 0, max: 256 }) });

  it('bytes = L · (kv_lora_rank + qk_rope_head_dim) · m · bytes/element · batch, whatever the heads', () => {
    fc.assert(
      fc.property(shapeArb, shapeArb, latentArb, fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 1, max: 4 }), (shape, other, latent, tokens, batch) => {
        const mla = kvCacheMemory({ ...shape, latent, tokens, batch }).bytes;
        expect(mla).toBe(shape.layers * (latent.kvLoraRank + latent.ropeHeadDim) * tokens * 2 * batch);
        // Another head count, KV-head count and head dim: the same bytes.
        const sameLayers = { ...other, layers: shape.layers };
        expect(kvCacheMemory({ ...sameLayers, latent, tokens, batch }).bytes).toBe(mla);
      }),
    );
  });
});

describe('quantized caches with per-group scales', () => {
  const q4_0: CacheQuantization = { format: 'int4', groupSize: 32 };
  it("one group matches llama.cpp's blocks: q4_0 18 bytes, q4_1 20, q8_0 34 for 32 values", () => {
    // int4: 32 × 4 / 8 = 16 data bytes + one fp16 scale = 18 (ggml block_q4_0).
    expect(quantizedVectorBytes(32, q4_0)).toBe(18);
    // With an fp16 zero-point (min) beside the scale: 16 + 2 + 2 = 20 (block_q4_1).
    expect(quantizedVectorBytes(32, { ...q4_0, zeroPoint: true })).toBe(20);
    // int8: 32 + 2 = 34 (block_q8_0); fp8 the same size.
    expect(quantizedVectorBytes(32, { format: 'int8', groupSize: 32 })).toBe(34);
    expect(quantizedVectorBytes(32, { format: 'fp8', groupSize: 32 })).toBe(34);
    // fp32 scales: 16 + 4 = 20.
    expect(quantizedVectorBytes(32, { ...q4_0, scaleDtype: 'fp32' })).toBe(20);
  });

  it('odd counts: int4 pads the last nibble of a vector, a short last group still has its scale', () => {
    // 127 dims: ⌈127 × 4 / 8⌉ = ⌈63.5⌉ = 64 bytes + ⌈127 / 32⌉ = 4 scales × 2 = 72.
    expect(quantizedVectorBytes(127, q4_0)).toBe(72);
    // 33 dims: ⌈16.5⌉ = 17 + 2 groups (32 + 1) × 2 = 21.
    expect(quantizedVectorBytes(33, q4_0)).toBe(21);
    // int2, 5 dims, G 4: ⌈10 / 8⌉ = 2 + 2 groups × 2 = 6.
    expect(quantizedVectorBytes(5, { format: 'int2', groupSize: 4 })).toBe(6);
  });

  it('Llama-3-8B at 8192 tokens, int4 G 32 fp16 scales: 288 MiB against 1 GiB at fp16', () => {
    // A 128-dim vector: 64 + 4 × 2 = 72 bytes. 2 × 32 layers × 8 KV heads × 8192 tokens × 72 = 301,989,888.
    const report = kvCacheMemory({ ...preset('llama-3-8b'), tokens: 8192, quantization: q4_0 });
    expect(report.bytes).toBe(301_989_888);
    expect(report.bytes).toBe(288 * MiB);
    expect(report.bytesPerToken).toBe(36_864); // 2 × 32 × 8 × 72
    expect(report.formula).toBe(
      '2 × 32 layers × 8 KV heads × 8192 tokens × 72 bytes a vector (int4 of 128 dims: 64 + 4 groups × 2 scale bytes) × batch 1 = 301989888 bytes',
    );
    // int8, G 128, fp32 scale + zero-point: 128 + 8 = 136 bytes a vector → 2 × 32 × 8 × 8192 × 136 = 570,425,344.
    expect(kvCacheMemory({ ...preset('llama-3-8b'), tokens: 8192, quantization: { format: 'int8', groupSize: 128, scaleDtype: 'fp32', zeroPoint: true } }).bytes).toBe(570_425_344);
  });

  it('MLA quantized: the latent and the RoPE key each grouped, DeepSeek-V2-Lite at fp8 G 64', () => {
    // latent 512: 512 + 8 scales × 2 = 528; RoPE key 64: 64 + 1 × 2 = 66; 594 bytes a layer, × 27 = 16,038 a token.
    const report = kvCacheMemory({ ...preset('deepseek-v2-lite'), tokens: 1000, quantization: { format: 'fp8', groupSize: 64 } });
    expect(report.bytesPerToken).toBe(16_038);
    expect(report.bytes).toBe(16_038_000);
  });

  it('KIVI (keys per channel, values per token): Llama-2-7B at 4096 tokens, int2, G 32, R 128, fp16 scale and zero-point', () => {
    // Per layer and KV head (d = 128):
    //   keys: 4096 mod 128 = 0 in fp16; 4096 quantized: 128 × 4096 × 2 / 8 = 131,072 data bytes
    //         + 128 channels × 4096 / 32 groups × 4 bytes = 65,536 → 196,608.
    //   values: min(4096, 128) = 128 in fp16: 128 × 128 × 2 = 32,768; 3968 quantized tokens × (32 + 4 groups × 4 = 48)
    //         = 190,464 → 223,232.
    //   419,840 a head and layer × 32 heads × 32 layers = 429,916,160 bytes (fp16 holds 2 GiB: 5.0× more).
    const kivi: CacheQuantization = { format: 'int2', groupSize: 32, zeroPoint: true, layout: 'kivi', residual: 128 };
    const at = (tokens: number) => kvCacheMemory({ ...preset('llama-2-7b'), tokens, quantization: kivi }).bytes;
    expect(at(4096)).toBe(429_916_160);
    // At 4100: keys 4 in fp16 (1,024) + 196,608; values 32,768 + 3972 × 48 = 223,424 → 421,056 × 1024 = 431,161,344.
    expect(at(4100)).toBe(431_161_344);
    // Under R tokens nothing is quantized yet: the fp16 bytes exactly.
    expect(at(100)).toBe(kvCacheMemory({ ...preset('llama-2-7b'), tokens: 100 }).bytes);
    // The residual defaults to the paper's 128.
    expect(kvCacheMemory({ ...preset('llama-2-7b'), tokens: 4096, quantization: { ...kivi, residual: undefined } }).bytes).toBe(429_916_160);
  });

  it('KIVI equals a token-by-token simulation of its two buffers', () => {
    // The oracle follows KIVI's rules step by step: a key joins the full-precision buffer and the buffer is
    // quantized whole when it reaches R; a value joins a FIFO of R and the oldest is quantized when it overflows.
    fc.assert(
      fc.property(
        fc.constantFrom<CacheQuantization['format']>('int8', 'int4', 'int2'),
        fc.constantFrom(4, 8, 16, 32),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 300 }),
        fc.boolean(),
        (format, groupSize, residualGroups, headDim, tokens, zeroPoint) => {
          const residual = groupSize * residualGroups;
          let keysFull = 0, keysQuantized = 0, valuesFull = 0, valuesQuantized = 0;
          for (let t = 0; t < tokens; t++) {
            keysFull += 1;
            if (keysFull === residual) { keysQuantized += keysFull; keysFull = 0; }
            valuesFull += 1;
            if (valuesFull > residual) { valuesFull -= 1; valuesQuantized += 1; }
          }
          const bits = { int8: 8, int4: 4, int2: 2 }[format as 'int8' | 'int4' | 'int2'];
          const meta = zeroPoint ? 4 : 2;
          const keyBytes = keysFull * headDim * 2 + (headDim * keysQuantized * bits) / 8 + headDim * (keysQuantized / groupSize) * meta;
          const valueBytes = valuesFull * headDim * 2 + valuesQuantized * (Math.ceil((headDim * bits) / 8) + Math.ceil(headDim / groupSize) * meta);
          const quantization: CacheQuantization = { format, groupSize, zeroPoint, layout: 'kivi', residual };
          const shape = { layers: 3, heads: 4, kvHeads: 2, headDim };
          expect(kvCacheMemory({ ...shape, tokens, quantization }).bytes).toBe(3 * 2 * (keyBytes + valueBytes));
        },
      ),
    );
  });

  it('as the group grows the scales vanish: (bytes − raw) · G = n · scale bytes, and one scale a vector at G ≥ n', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<CacheQuantization['format']>('int8', 'fp8', 'int4', 'int2'),
        fc.integer({ min: 1, max: 64 }),
        fc.integer({ min: 1, max: 32 }),
        fc.constantFrom<'fp16' | 'bf16' | 'fp32'>('fp16', 'bf16', 'fp32'),
        (format, groupUnits, groups, scaleDtype) => {
          const groupSize = groupUnits * 4; // a multiple of 4 fits every format's packing
          const n = groupSize * groups;
          const bits = { int8: 8, fp8: 8, int4: 4, int2: 2 }[format];
          const raw = (n * bits) / 8;
          const scale = { fp16: 2, bf16: 2, fp32: 4 }[scaleDtype];
          const bytes = quantizedVectorBytes(n, { format, groupSize, scaleDtype });
          expect((bytes - raw) * groupSize).toBe(n * scale);
          // The limit: a group as long as the vector (or longer) leaves one scale on the raw bits.
          expect(quantizedVectorBytes(n, { format, groupSize: n * 4, scaleDtype })).toBe(raw + scale);
          // Bigger groups never cost more.
          expect(quantizedVectorBytes(n, { format, groupSize: groupSize * 2, scaleDtype })).toBeLessThanOrEqual(bytes);
        },
      ),
    );
  });

  it('a per-token quantized cache grows linearly with m, and holds no more than fp16 once d_h ≥ G ≥ 8', () => {
    // With n ≥ G ≥ 8 and at most 4 bytes of scale + zero-point a group: ⌈n/G⌉ · 4 ≤ 8n/G ≤ n, and the data
    // takes ≤ n bytes, so a vector costs ≤ 2n bytes, its fp16 size. (A tiny head, d_h < G, can cost more.)
    fc.assert(
      fc.property(shapeArb, fc.integer({ min: 1, max: 5000 }), fc.constantFrom<CacheQuantization['format']>('int8', 'fp8', 'int4', 'int2'), fc.constantFrom(8, 16, 32, 64, 128), (shape, tokens, format, groupSize) => {
        const quantization: CacheQuantization = { format, groupSize, zeroPoint: format !== 'fp8' };
        const at = (m: number) => kvCacheMemory({ ...shape, tokens: m, quantization }).bytes;
        expect(at(tokens)).toBe(at(1) * tokens);
        if (shape.headDim >= groupSize) expect(at(tokens)).toBeLessThanOrEqual(kvCacheMemory({ ...shape, tokens }).bytes);
      }),
    );
  });

  it('refuses settings it cannot count', () => {
    const shape = { layers: 2, heads: 4, headDim: 64, tokens: 10 };
    expect(() => kvCacheMemory({ ...shape, quantization: { format: 'int4', groupSize: 33 } })).toThrow(/multiple of 2 at int4/);
    expect(() => kvCacheMemory({ ...shape, quantization: { format: 'int2', groupSize: 6 } })).toThrow(/multiple of 4 at int2/);
    expect(() => kvCacheMemory({ ...shape, quantization: { format: 'int4', groupSize: 0 } })).toThrow(/groupSize must be a whole number > 0/);
    expect(() => kvCacheMemory({ ...shape, quantization: { format: 'fp8', groupSize: 32, zeroPoint: true } })).toThrow(/fp8 is symmetric/);
    expect(() => kvCacheMemory({ ...shape, quantization: { format: 'int4', groupSize: 32, layout: 'kivi', residual: 48 } })).toThrow(/residual must be a whole multiple of groupSize 32/);
    expect(() => kvCacheMemory({ ...shape, quantization: { format: 'int4', groupSize: 32, residual: 64 } })).toThrow(/residual applies to the 'kivi' layout only/);
    expect(() => kvCacheMemory({ ...preset('deepseek-v2-lite'), tokens: 10, quantization: { format: 'int4', groupSize: 32, layout: 'kivi' } })).toThrow(
      /latent \(MLA\) cache has neither/,
    );
  });

  it('refuses totals past 2^53 in every new layout rather than round them', () => {
    const huge = { layers: 1000, heads: 1000, headDim: 1000, tokens: 1_000_000_000 };
    expect(() => kvCacheMemory({ ...huge, quantization: { format: 'int4', groupSize: 32 } })).toThrow(/exceeds 2\^53/);
    expect(() => kvCacheMemory({ ...huge, quantization: { format: 'int2', groupSize: 32, layout: 'kivi' } })).toThrow(/exceeds 2\^53/);
    expect(() => kvCacheMemory({ ...huge, latent: { kvLoraRank: 1_000_000, ropeHeadDim: 64 } })).toThrow(/exceeds 2\^53/);
    expect(() => kvCacheMemory({ ...huge, crossLayerSharing: 2 })).toThrow(/exceeds 2\^53/);
    expect(() => weightBytes(2 ** 52, 'fp32')).toThrow(/exceeds 2\^53/);
  });
});

describe('cross-layer sharing', () => {
  it('Llama-3-8B at 8192: sharing 2 halves 1 GiB to 512 MiB; sharing 3 keeps ⌈32/3⌉ = 11 layers', () => {
    const llama = preset('llama-3-8b');
    const shared = kvCacheMemory({ ...llama, tokens: 8192, crossLayerSharing: 2 });
    expect(shared.bytes).toBe(512 * MiB);
    expect(shared.bytesPerToken).toBe(65_536); // 16 layers × 2 × 8 × 128 × 2
    expect(shared.layers.filter((l) => l.sharesCacheOf === undefined)).toHaveLength(16);
    expect(shared.layers[1]).toEqual({ layer: 1, kind: 'global', cachedTokens: 0, bytes: 0, sharesCacheOf: 0 });
    // 11 layers × 8192 tokens × 4096 bytes (2 × 8 × 128 × 2) = 369,098,752.
    expect(kvCacheMemory({ ...llama, tokens: 8192, crossLayerSharing: 3 }).bytes).toBe(369_098_752);
    expect(cacheHoldingLayers(32, 3)).toBe(11);
    // Mistral's window with sharing 2: 512 MiB / 2.
    expect(asRun({ ...preset('mistral-7b'), crossLayerSharing: 2 } as ModelPreset, 32768).bytes).toBe(256 * MiB);
  });

  it('sharing 1 is today exactly, for every shape, window and pattern', () => {
    fc.assert(
      fc.property(shapeArb, fc.integer({ min: 1, max: 20_000 }), fc.option(fc.integer({ min: 1, max: 8192 }), { nil: undefined }), (shape, tokens, window) => {
        const today = kvCacheMemory({ ...shape, tokens, window });
        expect(kvCacheMemory({ ...shape, tokens, window, crossLayerSharing: 1 })).toEqual(today);
      }),
    );
    for (const name of ['gemma-2-9b', 'gemma-3-4b', 'mistral-7b']) {
      expect(kvCacheMemory({ ...preset(name), tokens: 9000, crossLayerSharing: 1 })).toEqual(asRun(preset(name), 9000));
    }
  });

  it('s layers share: ⌈L/s⌉ layers hold the cache, bytes never rise with s', () => {
    fc.assert(
      fc.property(shapeArb, fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 1, max: 16 }), (shape, tokens, s) => {
        const perLayer = kvCacheMemory({ ...shape, layers: 1, tokens }).bytes;
        const bytes = kvCacheMemory({ ...shape, tokens, crossLayerSharing: s }).bytes;
        expect(bytes).toBe(Math.ceil(shape.layers / s) * perLayer);
        expect(kvCacheMemory({ ...shape, tokens, crossLayerSharing: s + 1 }).bytes).toBeLessThanOrEqual(bytes);
      }),
    );
  });

  it('refuses to share a cache between a local and a global layer', () => {
    expect(() => asRun({ ...preset('gemma-2-9b'), crossLayerSharing: 2 } as ModelPreset, 100)).toThrow(
      /layer 1 \(global\) read the cache of layer 0 \(local\)/,
    );
    expect(() => kvCacheMemory({ layers: 4, heads: 2, headDim: 8, tokens: 10, crossLayerSharing: 0 })).toThrow(/crossLayerSharing must be a whole number > 0/);
  });
});

describe('the decode-time floor', () => {
  it('Llama-2-7B in bf16 with a 32k full cache on an H100 SXM reads 30,656,700,416 bytes a token: ≥ 9.15 ms', () => {
    // Weights: 6,738,415,616 × 2 = 13,476,831,232 bytes; cache: 2 × 32 × 32 × 128 × 32768 × 2 = 16 GiB = 17,179,869,184.
    const weights = weightBytes(preset('llama-2-7b').params, 'bf16');
    expect(weights).toBe(13_476_831_232);
    const cacheBytes = asRun(preset('llama-2-7b'), 32768).bytes;
    expect(cacheBytes).toBe(16 * GiB);
    const floor = decodeTimeFloor({ weightBytes: weights, cacheBytes, bandwidth: findDevice('h100-sxm')!.bytesPerSecond });
    expect(floor.bytesPerStep).toBe(30_656_700_416);
    // 30,656,700,416 / 3.35e12 s = 9.1512538… ms; 109.27… tokens/s.
    expect(floor.msPerToken).toBeCloseTo(9.15125, 4);
    expect(floor.tokensPerSecond).toBeCloseTo(109.274, 2);
  });

  it('a batch reads the weights once and every cache: tokens/s = batch / step', () => {
    // 4 sequences of Mistral-7B's 512 MiB window cache on an RTX 4090 (1.008e12 bytes/s):
    // 14,483,464,192 + 4 × 536,870,912 = 16,630,947,840 bytes a step → 16.4989… ms, 242.44… tokens/s.
    const mistral = preset('mistral-7b');
    const cacheBytes = kvCacheMemory({ ...mistral, tokens: 32768, batch: 4 }).bytes;
    const floor = decodeTimeFloor({ weightBytes: weightBytes(mistral.params), cacheBytes, bandwidth: 1.008e12, batch: 4 });
    expect(floor.bytesPerStep).toBe(16_630_947_840);
    expect(floor.msPerToken).toBeCloseTo(16.49895, 4);
    expect(floor.tokensPerSecond).toBeCloseTo(242.440, 2);
  });

  it('decodeTimeRows: the full cache beside the model\'s own, every cache option applied to both', () => {
    const gemma = preset('gemma-3-4b');
    const { weightBytes: weights, rows } = decodeTimeRows({ ...gemma, tokens: 32768 }, { params: gemma.params, bandwidth: 1.008e12 });
    expect(weights).toBe(7_760_526_336); // 3,880,263,168 × 2
    expect(rows.map((r) => [r.cache, r.cacheBytes])).toEqual([
      ['full', 4352 * MiB],
      ['hybrid (window 1024 on local layers)', 756 * MiB],
    ]);
    // (7,760,526,336 + 792,723,456) / 1.008e12 s = 8.4853… ms.
    expect(rows[1]!.msPerToken).toBeCloseTo(8.48537, 4);
    const sinks = decodeTimeRows({ layers: 2, heads: 2, headDim: 8, tokens: 100, window: 16, sinks: 4, quantization: { format: 'int8', groupSize: 8 } }, { params: 10, weightDtype: 'int4', bandwidth: 1 });
    // weights ⌈10 · 4 / 8⌉ = 5; an int8 vector of 8 dims with one fp16 scale: 10 bytes; 2 × 2 × 2 vectors × 100 (full) or 20 (window + sinks).
    expect(sinks.rows.map((r) => [r.cache, r.cacheBytes, r.bytesPerStep])).toEqual([
      ['full', 8000, 8005],
      ['window 16 + 4 sinks', 1600, 1605],
    ]);
  });

  it('weights: ⌈params · bits / 8⌉, an odd count of int4 weights rounding up', () => {
    expect(weightBytes(7, 'int4')).toBe(4);
    expect(weightBytes(8, 'int4')).toBe(4);
    expect(weightBytes(7, 'fp32')).toBe(28);
    expect(() => weightBytes(0)).toThrow(/params must be a whole number > 0/);
  });

  it('the floor rises with the cache and the batch, and ms/token × tokens/s = 1000 × batch', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 40 }),
        fc.integer({ min: 0, max: 2 ** 40 }),
        fc.integer({ min: 1, max: 2 ** 30 }),
        fc.integer({ min: 1, max: 64 }),
        fc.double({ min: 1e9, max: 1e13, noNaN: true }),
        (weights, cache, more, batch, bandwidth) => {
          const a = decodeTimeFloor({ weightBytes: weights, cacheBytes: cache, bandwidth, batch });
          const b = decodeTimeFloor({ weightBytes: weights, cacheBytes: cache + more, bandwidth, batch });
          expect(b.msPerToken).toBeGreaterThan(a.msPerToken);
          expect(a.msPerToken * a.tokensPerSecond).toBeCloseTo(1000 * batch, 6);
        },
      ),
    );
  });

  it('reads bandwidths in bytes per second, decimal and binary, and refuses bits or no unit', () => {
    expect(parseBandwidth('3.35TB/s')).toBe(3_350_000_000_000);
    expect(parseBandwidth('900 GB/s')).toBe(900_000_000_000);
    expect(parseBandwidth('1555GB/s')).toBe(findDevice('a100-40gb-sxm')!.bytesPerSecond);
    expect(parseBandwidth('100GiB/s')).toBe(100 * GiB);
    expect(parseBandwidth('0.5B/s')).toBe(0.5);
    for (const bad of ['900Gb/s', '900', 'fast', '-1GB/s', '0GB/s', '1e3GB/s']) expect(() => parseBandwidth(bad)).toThrow(MemoryInputError);
  });

  it('every device preset has a positive whole bandwidth and a source', () => {
    expect(DEVICE_PRESETS.map((d) => d.name)).toEqual(['a100-40gb-sxm', 'a100-80gb-sxm', 'h100-sxm', 'rtx-4090', 'apple-m2', 'apple-m2-ultra']);
    for (const d of DEVICE_PRESETS) {
      expect(Number.isSafeInteger(d.bytesPerSecond) && d.bytesPerSecond > 0).toBe(true);
      expect(d.source.length).toBeGreaterThan(20);
    }
  });
});

describe('parameter counts of the presets, redone from each config.json', () => {
  /** Decoder-only count: embeddings (twice when untied), per-layer attention + MLP + norms, a final norm. */
  const dense = (c: { vocab: number; hidden: number; inter: number; layers: number; heads: number; kvHeads: number; headDim: number; tied: boolean; norms: number; extra?: number }) =>
    c.vocab * c.hidden * (c.tied ? 1 : 2) +
    c.layers * (2 * c.hidden * c.heads * c.headDim + 2 * c.hidden * c.kvHeads * c.headDim + 3 * c.hidden * c.inter + c.norms * c.hidden + (c.extra ?? 0)) +
    c.hidden;

  it('dense models', () => {
    expect(preset('llama-2-7b').params).toBe(dense({ vocab: 32000, hidden: 4096, inter: 11008, layers: 32, heads: 32, kvHeads: 32, headDim: 128, tied: false, norms: 2 }));
    expect(preset('llama-3-8b').params).toBe(dense({ vocab: 128256, hidden: 4096, inter: 14336, layers: 32, heads: 32, kvHeads: 8, headDim: 128, tied: false, norms: 2 }));
    expect(preset('mistral-7b').params).toBe(dense({ vocab: 32000, hidden: 4096, inter: 14336, layers: 32, heads: 32, kvHeads: 8, headDim: 128, tied: false, norms: 2 }));
    expect(preset('gemma-2-9b').params).toBe(dense({ vocab: 256000, hidden: 3584, inter: 14336, layers: 42, heads: 16, kvHeads: 8, headDim: 256, tied: true, norms: 4 }));
    // Gemma 3 adds a q-norm and a k-norm of head_dim each per layer.
    expect(preset('gemma-3-4b').params).toBe(dense({ vocab: 262208, hidden: 2560, inter: 10240, layers: 34, heads: 8, kvHeads: 4, headDim: 256, tied: true, norms: 4, extra: 512 }));
    // GPT-2: biases and LayerNorm weights+biases, learned positions, 4× MLP of two matrices.
    const h = 768;
    const block = 2 * 2 * h + (h * 3 * h + 3 * h) + (h * h + h) + (h * 4 * h + 4 * h) + (4 * h * h + h);
    expect(preset('gpt2').params).toBe(50257 * h + 1024 * h + 12 * block + 2 * h);
  });

  it('DeepSeek-V2-Lite: 15,706,484,224 in total, 2,661,150,208 read a token (6 of 64 routed experts)', () => {
    const h = 2048;
    // q_proj 2048 → 16 × (128 + 64); kv_a 2048 → 512 + 64; its norm 512; kv_b 512 → 16 × (128 + 128); o_proj 16 × 128 → 2048.
    const attention = h * 16 * 192 + h * 576 + 512 + 512 * 16 * 256 + 16 * 128 * h;
    const expert = 3 * h * 1408;
    const shared = 3 * h * 2816;
    const router = 64 * h;
    const denseLayer = attention + 3 * h * 10944 + 2 * h;
    const moeLayer = (routed: number) => attention + routed * expert + shared + router + 2 * h;
    const embeddings = 2 * 102400 * h + h;
    const ds = preset('deepseek-v2-lite');
    expect(ds.params).toBe(denseLayer + 26 * moeLayer(64) + embeddings);
    expect(ds.activeParams).toBe(denseLayer + 26 * moeLayer(6) + embeddings);
    // The model card rounds: 15.7B total; 2.4B active without the input embedding table.
    expect(Math.round(ds.params / 1e8) / 10).toBe(15.7);
    expect(Math.floor((ds.activeParams! - 102400 * h) / 1e8) / 10).toBe(2.4);
  });
});

describe('the paged layout over a model (pagedCacheMemory)', () => {
  it('Mistral-7B at 5000 tokens in blocks of 16: 257 blocks a layer, 538,968,064 bytes allocated for 512 MiB held', () => {
    // Held positions 904..4999: blocks ⌊4999/16⌋ − ⌊904/16⌋ + 1 = 312 − 56 + 1 = 257 a layer, 4112 slots;
    // a slot costs 2 × 8 × 128 × 2 = 4096 bytes a layer: 4112 × 4096 × 32 layers = 538,968,064 (2 MiB over 512 MiB).
    const paged = pagedCacheMemory({ ...preset('mistral-7b'), tokens: 5000 }, 16);
    expect(paged.blocks).toBe(257 * 32);
    expect(paged.allocatedBytes).toBe(538_968_064);
    expect(paged.heldBytes).toBe(512 * MiB);
    // Llama-2-7B, full, 4097 tokens: ⌈4097/16⌉ = 257 blocks, 4112 slots × 524,288 bytes = 2,155,872,256.
    expect(pagedCacheMemory({ ...preset('llama-2-7b'), tokens: 4097 }, 16).allocatedBytes).toBe(2_155_872_256);
    // Gemma-2-9B at 8192, B 16: local layers hold 4096 = 256 blocks, global 512; slots cost 2 × 8 × 256 × 2 = 8192 bytes:
    // 21 × (256 + 512) × 16 × 8192 = 2016 MiB, with no waste since 16 divides every boundary.
    expect(pagedCacheMemory({ ...preset('gemma-2-9b'), tokens: 8192 }, 16).allocatedBytes).toBe(2016 * MiB);
  });

  it('MLA, quantization and sharing page like the plain cache; KIVI is refused', () => {
    // DeepSeek-V2-Lite at 100 tokens in blocks of 64: 2 blocks a layer, 128 slots × 1152 bytes × 27 = 3,981,312.
    expect(pagedCacheMemory({ ...preset('deepseek-v2-lite'), tokens: 100 }, 64).allocatedBytes).toBe(3_981_312);
    // Llama-3-8B, int4 G 32, sharing 2, 100 tokens, B 16: 16 layers × 7 blocks × 16 slots × (2 × 8 × 72) bytes = 2,064,384.
    const q = pagedCacheMemory({ ...preset('llama-3-8b'), tokens: 100, crossLayerSharing: 2, quantization: { format: 'int4', groupSize: 32 } }, 16);
    expect(q.allocatedBytes).toBe(2_064_384);
    expect(q.layers[1]).toEqual({ layer: 1, blocks: 0, allocatedBytes: 0 });
    expect(() => pagedCacheMemory({ ...preset('llama-3-8b'), tokens: 100, quantization: { format: 'int2', groupSize: 32, layout: 'kivi' } }, 16)).toThrow(/KIVI/);
    expect(() => pagedCacheMemory({ ...preset('llama-3-8b'), tokens: 100 }, 0)).toThrow(/blockSize must be a whole number > 0/);
  });

  it('equals the paged formula of paged.ts on every uniform shape, and never allocates less than it holds', () => {
    fc.assert(
      fc.property(shapeArb, fc.integer({ min: 1, max: 20_000 }), fc.option(fc.integer({ min: 1, max: 4096 }), { nil: undefined }), fc.integer({ min: 1, max: 256 }), (shape, tokens, window, blockSize) => {
        const paged = pagedCacheMemory({ ...shape, tokens, window }, blockSize);
        const policy: CachePolicy = window === undefined ? { kind: 'full' } : { kind: 'window', window };
        const formula = pagedBytes(shape, policy, tokens, blockSize);
        expect(paged.allocatedBytes).toBe(formula.allocatedBytes);
        expect(paged.heldBytes).toBe(formula.heldBytes);
        expect(paged.allocatedBytes).toBeGreaterThanOrEqual(paged.heldBytes);
        // At most one partly filled block at each end of the held span, a layer.
        expect(paged.allocatedBytes - paged.heldBytes).toBeLessThan(2 * blockSize * bytesPerToken(shape));
      }),
    );
  });
});
