/**
 * `kvlab memory`'s options for MLA, quantized caches, cross-layer sharing and the decode-time floor, and
 * `kvlab models --devices`, run in process with a fake CliIO: the figures the memory module gives, and
 * every bad input refused with one line and exit 2.
 */
import { describe, expect, it } from 'vitest';
import { expectRejected, kvlab } from './quiz/helpers.js';
import { DEVICE_NAMES, decodeTimeFloor, findModel, kvCacheMemory, weightBytes } from '../src/memory/index.js';

async function json(argv: string[]): Promise<any> {
  const result = await kvlab([...argv, '--json']);
  expect(result.code, result.stderr).toBe(0);
  expect(result.stderr).toBe('');
  return JSON.parse(result.stdout);
}

describe('kvlab memory: MLA', () => {
  it('--model deepseek-v2-lite: 31,104 bytes a token, 127,401,984 at 4096', async () => {
    const doc = await json(['memory', '--model', 'deepseek-v2-lite', '--tokens', '4096']);
    expect(doc.bytesPerToken).toBe(31_104);
    expect(doc.bytes).toBe(127_401_984);
    const text = await kvlab(['memory', '--model', 'deepseek-v2-lite', '--tokens', '4096']);
    expect(text.stdout).toContain('formula: 27 layers × (512 latent + 64 RoPE-key dims) × 4096 tokens × 2 bytes × batch 1 = 127401984 bytes');
  });

  it('--kv-lora-rank and --rope-head-dim on a custom shape need only --layers, and ignore heads', async () => {
    const a = await json(['memory', '--layers', '27', '--kv-lora-rank', '512', '--rope-head-dim', '64', '--tokens', '4096']);
    const b = await json(['memory', '--layers', '27', '--heads', '64', '--head-dim', '256', '--kv-lora-rank', '512', '--rope-head-dim', '64', '--tokens', '4096']);
    expect(a.bytes).toBe(127_401_984);
    expect(b.bytes).toBe(a.bytes);
    // Without a RoPE key: 27 × 512 × 2 × 10 = 276,480.
    expect((await json(['memory', '--layers', '27', '--kv-lora-rank', '512', '--tokens', '10'])).bytes).toBe(276_480);
  });

  it('refuses MLA flags that do not fit', async () => {
    await expectRejected(['memory', '--layers', '2', '--rope-head-dim', '64', '--tokens', '10'], /--rope-head-dim is part of an MLA cache: add --kv-lora-rank R/);
    await expectRejected(['memory', '--kv-lora-rank', '512', '--tokens', '10'], /--layers L with --kv-lora-rank/);
    await expectRejected(['memory', '--model', 'llama-3-8b', '--kv-lora-rank', '512', '--tokens', '10'], /either --model or --layers/);
    await expectRejected(['memory', '--layers', '2', '--kv-lora-rank', '0', '--tokens', '10'], /--kv-lora-rank must be a whole number > 0, got '0'/);
    await expectRejected(['memory', '--layers', '2', '--kv-lora-rank', '8', '--rope-head-dim', 'x', '--tokens', '10'], /--rope-head-dim must be a whole number ≥ 0, got 'x'/);
  });
});

describe('kvlab memory: quantized caches', () => {
  it('--quant int4 (group 32, fp16 scales by default): Llama-3-8B at 8192 is 301,989,888 bytes (288 MiB)', async () => {
    const doc = await json(['memory', '--model', 'llama-3-8b', '--tokens', '8192', '--quant', 'int4']);
    expect(doc.bytes).toBe(301_989_888);
    const explicit = await json(['memory', '--model', 'llama-3-8b', '--tokens', '8192', '--quant', 'int4', '--group-size', '32', '--scale-dtype', 'fp16']);
    expect(explicit.bytes).toBe(doc.bytes);
    // int8, G 128, fp32 scale + zero-point: 136 bytes a vector → 570,425,344.
    const int8 = await json(['memory', '--model', 'llama-3-8b', '--tokens', '8192', '--quant', 'int8', '--group-size', '128', '--scale-dtype', 'fp32', '--zero-point']);
    expect(int8.bytes).toBe(570_425_344);
  });

  it('--quant-layout kivi: Llama-2-7B, int2, G 32, R 128, zero-point, at 4096 is 429,916,160 bytes', async () => {
    const doc = await json(['memory', '--model', 'llama-2-7b', '--tokens', '4096', '--quant', 'int2', '--zero-point', '--quant-layout', 'kivi']);
    expect(doc.bytes).toBe(429_916_160);
    const r = await json(['memory', '--model', 'llama-2-7b', '--tokens', '4096', '--quant', 'int2', '--zero-point', '--quant-layout', 'kivi', '--residual', '128']);
    expect(r.bytes).toBe(doc.bytes);
  });

  it('refuses quantization flags that do not fit, each in one line', async () => {
    const base = ['memory', '--model', 'llama-3-8b', '--tokens', '100'];
    await expectRejected([...base, '--quant', 'int3'], /--quant 'int3' is not known; use one of: int8, fp8, int4, int2/);
    await expectRejected([...base, '--group-size', '32'], /--group-size shapes a quantized cache: add --quant/);
    await expectRejected([...base, '--zero-point'], /--zero-point shapes a quantized cache: add --quant/);
    await expectRejected([...base, '--quant', 'int4', '--group-size', '33'], /--group-size 33 must be a multiple of 2 with --quant int4/);
    await expectRejected([...base, '--quant', 'int4', '--group-size', '0'], /--group-size must be a whole number > 0, got '0'/);
    await expectRejected([...base, '--quant', 'int4', '--scale-dtype', 'fp64'], /--scale-dtype 'fp64' is not known; use one of: fp16, bf16, fp32/);
    await expectRejected([...base, '--quant', 'fp8', '--zero-point'], /--zero-point does not apply to --quant fp8/);
    await expectRejected([...base, '--quant', 'int4', '--residual', '64'], /--residual is the full-precision tail of --quant-layout kivi/);
    await expectRejected([...base, '--quant', 'int4', '--quant-layout', 'kivi', '--residual', '48'], /--residual 48 must be a multiple of --group-size 32/);
    await expectRejected([...base, '--quant', 'int4', '--quant-layout', 'rows'], /--quant-layout 'rows' is not known; use one of: per-token, kivi/);
    await expectRejected(['memory', '--model', 'deepseek-v2-lite', '--tokens', '10', '--quant', 'int4', '--quant-layout', 'kivi'], /latent \(MLA\) cache has neither/);
  });
});

describe('kvlab memory: cross-layer sharing', () => {
  it('--share-layers 2 halves Llama-3-8B at 8192 to 512 MiB; --share-layers 1 is the plain figure', async () => {
    const shared = await json(['memory', '--model', 'llama-3-8b', '--tokens', '8192', '--share-layers', '2']);
    expect(shared.bytes).toBe(536_870_912);
    expect(shared.layers[1]).toEqual({ layer: 1, kind: 'global', cachedTokens: 0, bytes: 0, sharesCacheOf: 0 });
    const one = await json(['memory', '--model', 'llama-3-8b', '--tokens', '8192', '--share-layers', '1']);
    expect(one).toEqual(await json(['memory', '--model', 'llama-3-8b', '--tokens', '8192']));
    const text = await kvlab(['memory', '--model', 'llama-3-8b', '--tokens', '8192', '--share-layers', '2']);
    expect(text.stdout).toContain('global, reads a shared cache');
    expect(text.stdout).toContain('(cross-layer sharing: 16 of 32 layers hold a cache)');
  });

  it('refuses a bad factor and sharing across local and global layers', async () => {
    await expectRejected(['memory', '--model', 'llama-3-8b', '--tokens', '10', '--share-layers', '0'], /--share-layers must be a whole number > 0, got '0'/);
    await expectRejected(['memory', '--model', 'gemma-2-9b', '--tokens', '10', '--share-layers', '2'], /layers sharing a cache must be of one kind/);
  });
});

describe('kvlab memory --time', () => {
  it('Llama-2-7B at 32k on an H100 SXM: 30,656,700,416 bytes a step, 9.151 ms, 109.3 tokens/s', async () => {
    const doc = await json(['memory', '--model', 'llama-2-7b', '--tokens', '32768', '--time', '--device', 'h100-sxm']);
    expect(doc.device.name).toBe('h100-sxm');
    expect(doc.device.source).toMatch(/H100 Tensor Core GPU datasheet/);
    expect(doc.bandwidthBytesPerSecond).toBe(3_350_000_000_000);
    expect(doc.weightBytes).toBe(13_476_831_232);
    expect(doc.rows).toHaveLength(1);
    expect(doc.rows[0]).toMatchObject({ cache: 'full', cacheBytes: 17_179_869_184, bytesPerStep: 30_656_700_416 });
    expect(doc.rows[0].msPerToken).toBeCloseTo(9.15125, 4);
    const text = await kvlab(['memory', '--model', 'llama-2-7b', '--tokens', '32768', '--time', '--device', 'h100-sxm']);
    expect(text.stdout).toMatch(/│ full +│ 17179869184 \(16 GiB\) +│ 30656700416 +│ 9\.151 +│ 109\.3 +│/);
    expect(text.stdout).toContain('bandwidth source: NVIDIA H100');
  });

  it('a model with a window gets a full row and a window row; the bytes are the memory module\'s', async () => {
    const doc = await json(['memory', '--model', 'mistral-7b', '--tokens', '32768', '--time', '--bandwidth', '900GB/s', '--weight-dtype', 'int4']);
    const mistral = findModel('mistral-7b')!;
    const weights = weightBytes(mistral.params, 'int4');
    expect(doc.weightBytes).toBe(3_620_866_048); // 7,241,732,096 / 2
    expect(doc.rows.map((r: { cache: string }) => r.cache)).toEqual(['full', 'window 4096']);
    for (const [i, window] of [undefined, 4096].entries()) {
      const cacheBytes = kvCacheMemory({ ...mistral, window, tokens: 32768 }).bytes;
      expect(doc.rows[i]).toEqual({ cache: doc.rows[i].cache, cacheBytes, ...decodeTimeFloor({ weightBytes: weights, cacheBytes, bandwidth: 9e11 }) });
    }
    // 3,620,866,048 + 536,870,912 = 4,157,736,960 bytes / 9e11 = 4.6197… ms.
    expect(doc.rows[1].bytesPerStep).toBe(4_157_736_960);
    expect(doc.rows[1].msPerToken).toBeCloseTo(4.61971, 4);
  });

  it('DeepSeek-V2-Lite reads its active experts; --params replaces the preset; a custom shape needs --params', async () => {
    const ds = await json(['memory', '--model', 'deepseek-v2-lite', '--tokens', '32768', '--time', '--device', 'apple-m2']);
    expect(ds.params).toBe(15_706_484_224);
    expect(ds.paramsRead).toBe(2_661_150_208);
    // 2 × 2,661,150,208 + 31,104 × 32768 = 5,322,300,416 + 1,019,215,872 = 6,341,516,288 bytes over 100 GB/s.
    expect(ds.rows[0].bytesPerStep).toBe(6_341_516_288);
    expect(ds.rows[0].msPerToken).toBeCloseTo(63.41516, 4);
    const custom = await json(['memory', '--layers', '2', '--heads', '4', '--head-dim', '8', '--tokens', '100', '--time', '--bandwidth', '1GiB/s', '--params', '1000']);
    // weights 2,000 bytes; cache 2 × 2 × 4 × 8 × 100 × 2 = 25,600; 27,600 bytes / 2^30 bytes/s.
    expect(custom.rows[0].bytesPerStep).toBe(27_600);
    expect(custom.rows[0].msPerToken).toBeCloseTo((27_600 / 2 ** 30) * 1000, 9);
  });

  it('with a batch: weights once, every sequence\'s cache, tokens/s over the batch', async () => {
    const doc = await json(['memory', '--model', 'mistral-7b', '--tokens', '32768', '--batch', '4', '--time', '--device', 'rtx-4090']);
    // 14,483,464,192 + 4 × 536,870,912 = 16,630,947,840.
    expect(doc.rows[1].bytesPerStep).toBe(16_630_947_840);
    expect(doc.rows[1].tokensPerSecond).toBeCloseTo(242.44, 1);
  });

  it('refuses bad --time input, naming the known devices', async () => {
    const base = ['memory', '--model', 'llama-2-7b', '--tokens', '100'];
    await expectRejected([...base, '--time', '--device', 'tpu'], new RegExp(`--device 'tpu' is not known; use one of: ${DEVICE_NAMES.join(', ')}`));
    await expectRejected([...base, '--time'], /--time needs one of --device NAME .* or --bandwidth RATE/);
    await expectRejected([...base, '--time', '--device', 'h100-sxm', '--bandwidth', '1TB/s'], /--time needs one of --device/);
    await expectRejected([...base, '--time', '--bandwidth', '900Gb/s'], /--bandwidth '900Gb\/s' is not a rate in bytes per second/);
    await expectRejected([...base, '--time', '--bandwidth', '0GB/s'], /--bandwidth '0GB\/s' is not a rate/);
    await expectRejected([...base, '--device', 'h100-sxm'], /--device is for the decode-time floor: add --time/);
    await expectRejected([...base, '--bandwidth', '1TB/s'], /--bandwidth is for the decode-time floor: add --time/);
    await expectRejected([...base, '--time', '--device', 'h100-sxm', '--weight-dtype', 'int3'], /--weight-dtype 'int3' is not known; use one of: fp32, fp16, bf16, fp8, int8, int4/);
    await expectRejected([...base, '--time', '--device', 'h100-sxm', '--params', '7.5e9'], /--params must be a whole number written in digits/);
    await expectRejected([...base, '--time', '--device', 'h100-sxm', '--params', 'many'], /--params must be a whole number > 0, got 'many'/);
    await expectRejected(['memory', '--layers', '2', '--heads', '4', '--head-dim', '8', '--tokens', '100', '--time', '--device', 'h100-sxm'], /--time needs the weight count to read: give --params N/);
  });
});

describe('kvlab models', () => {
  it('lists params, MLA and the bytes a token per preset', async () => {
    const doc = await json(['models']);
    const ds = doc.models.find((m: { name: string }) => m.name === 'deepseek-v2-lite');
    expect(ds).toMatchObject({ layers: 27, latent: { kvLoraRank: 512, ropeHeadDim: 64 }, bytesPerToken: 31_104, params: 15_706_484_224, activeParams: 2_661_150_208 });
    expect(doc.models.find((m: { name: string }) => m.name === 'llama-2-7b')).toMatchObject({ bytesPerToken: 524_288, params: 6_738_415_616, activeParams: null, latent: null });
  });

  it('--devices lists the bandwidth presets with their sources', async () => {
    const doc = await json(['models', '--devices']);
    expect(doc.devices.map((d: { name: string }) => d.name)).toEqual(DEVICE_NAMES);
    expect(doc.devices.find((d: { name: string }) => d.name === 'a100-40gb-sxm').bytesPerSecond).toBe(1_555_000_000_000);
    const text = await kvlab(['models', '--devices']);
    expect(text.stdout).toMatch(/rtx-4090 +│ NVIDIA GeForce RTX 4090 +│ 1008 GB\/s/);
  });
});

describe('kvlab memory --block-size (paged layout)', () => {
  it('prints the allocated blocks beside the held bytes', async () => {
    const doc = await json(['memory', '--model', 'mistral-7b', '--tokens', '5000', '--block-size', '16']);
    expect(doc.bytes).toBe(536_870_912);
    expect(doc.paged).toEqual({ blockSize: 16, blocks: 8224, allocatedBytes: 538_968_064 });
    const text = await kvlab(['memory', '--model', 'mistral-7b', '--tokens', '5000', '--block-size', '16']);
    expect(text.stdout).toContain('paged, blocks of 16 slots: 8224 blocks a sequence, 538968064 bytes allocated (514 MiB), 2097152 of them empty or evicted slots');
    const plain = await json(['memory', '--model', 'mistral-7b', '--tokens', '5000']);
    expect(plain.paged).toBeUndefined();
  });

  it('refuses a bad block size, KIVI, and --time', async () => {
    const base = ['memory', '--model', 'mistral-7b', '--tokens', '5000'];
    await expectRejected([...base, '--block-size', '0'], /--block-size must be a whole number > 0, got '0'/);
    await expectRejected([...base, '--block-size', '16', '--quant', 'int2', '--quant-layout', 'kivi'], /KIVI's key groups run along tokens/);
    await expectRejected([...base, '--block-size', '16', '--time', '--device', 'h100-sxm'], /--block-size changes what is allocated/);
  });
});
