import { plainTable } from '../table.js';
import type { CommandContext, RegisterCommand } from '../command.js';
import { printJson } from '../io.js';
import { optionalCount, parseChoice, parseCount } from '../args.js';
import { UsageError } from '../errors.js';
import {
  DEVICE_NAMES,
  DTYPES,
  KIVI_DEFAULT_RESIDUAL,
  MODEL_NAMES,
  QUANT_FORMATS,
  QUANT_LAYOUTS,
  SCALE_DTYPES,
  WEIGHT_BITS,
  WEIGHT_DTYPES,
  decodeTimeRows,
  findDevice,
  findModel,
  formatBytes,
  kvCacheMemory,
  pagedCacheMemory,
  parseBandwidth,
  valuesPerByte,
  type CacheQuantization,
  type DevicePreset,
  type KvMemoryQuery,
  type LatentAttention,
  type LayerMemory,
  type QuantLayout,
  type WeightDtype,
  type WindowConvention,
} from '../../memory/index.js';
import { count } from '../count.js';

interface MemoryOptions {
  model?: string;
  layers?: string;
  heads?: string;
  kvHeads?: string;
  headDim?: string;
  tokens?: string;
  window?: string;
  sinks?: string;
  dtype: string;
  batch?: string;
  convention: string;
  kvLoraRank?: string;
  ropeHeadDim?: string;
  quant?: string;
  groupSize?: string;
  scaleDtype?: string;
  zeroPoint?: boolean;
  quantLayout?: string;
  residual?: string;
  shareLayers?: string;
  blockSize?: string;
  time?: boolean;
  device?: string;
  bandwidth?: string;
  params?: string;
  weightDtype?: string;
  json?: boolean;
}

/** Default group size of --quant: llama.cpp's q8_0/q4_0 blocks and KIVI's G. */
const DEFAULT_GROUP_SIZE = 32;

/** --quant and the flags that shape it, or undefined; a quantization flag without --quant is an error. */
function quantization(o: MemoryOptions): CacheQuantization | undefined {
  const given = (
    [
      ['--group-size', o.groupSize],
      ['--scale-dtype', o.scaleDtype],
      ['--zero-point', o.zeroPoint],
      ['--quant-layout', o.quantLayout],
      ['--residual', o.residual],
    ] as const
  ).filter(([, v]) => v !== undefined);
  if (o.quant === undefined) {
    if (given.length > 0) throw new UsageError(`${given[0]![0]} shapes a quantized cache: add --quant ${QUANT_FORMATS.join('|')}`);
    return undefined;
  }
  const format = parseChoice('--quant', o.quant, QUANT_FORMATS);
  const layout = parseChoice<QuantLayout>('--quant-layout', o.quantLayout ?? 'per-token', QUANT_LAYOUTS);
  if (o.residual !== undefined && layout !== 'kivi') {
    throw new UsageError('--residual is the full-precision tail of --quant-layout kivi; add --quant-layout kivi or drop it');
  }
  const groupSize = optionalCount('--group-size', o.groupSize) ?? DEFAULT_GROUP_SIZE;
  const perByte = valuesPerByte(format);
  if (groupSize % perByte !== 0) {
    throw new UsageError(`--group-size ${groupSize} must be a multiple of ${perByte} with --quant ${format} (${perByte} values a byte)`);
  }
  if (o.zeroPoint && format === 'fp8') throw new UsageError('--zero-point does not apply to --quant fp8 (a symmetric float format)');
  const q: CacheQuantization = {
    format,
    groupSize,
    scaleDtype: parseChoice('--scale-dtype', o.scaleDtype ?? 'fp16', SCALE_DTYPES),
    zeroPoint: o.zeroPoint ?? false,
    layout,
  };
  if (layout === 'kivi') {
    const residual = optionalCount('--residual', o.residual) ?? KIVI_DEFAULT_RESIDUAL;
    if (residual % groupSize !== 0) {
      throw new UsageError(`--residual ${residual} must be a multiple of --group-size ${groupSize} (KIVI quantizes keys a whole residual at a time)`);
    }
    q.residual = residual;
  }
  return q;
}

/** --kv-lora-rank [--rope-head-dim]: a multi-head latent attention cache, or undefined. */
function latentFlags(o: MemoryOptions): LatentAttention | undefined {
  if (o.kvLoraRank === undefined) {
    if (o.ropeHeadDim !== undefined) throw new UsageError('--rope-head-dim is part of an MLA cache: add --kv-lora-rank R');
    return undefined;
  }
  return {
    kvLoraRank: parseCount('--kv-lora-rank', o.kvLoraRank),
    ropeHeadDim: optionalCount('--rope-head-dim', o.ropeHeadDim, true) ?? 0,
  };
}

/** The options every query shares: quantization and cross-layer sharing. */
function cacheOptions(o: MemoryOptions): Pick<KvMemoryQuery, 'quantization' | 'crossLayerSharing'> {
  const options: Pick<KvMemoryQuery, 'quantization' | 'crossLayerSharing'> = {};
  const q = quantization(o);
  if (q !== undefined) options.quantization = q;
  const sharing = optionalCount('--share-layers', o.shareLayers);
  if (sharing !== undefined) options.crossLayerSharing = sharing;
  return options;
}

/** Turns the flags into a memory query, rejecting every bad combination with a UsageError. */
export function memoryQuery(o: MemoryOptions): KvMemoryQuery {
  const tokens = optionalCount('--tokens', o.tokens);
  if (tokens === undefined) throw new UsageError('--tokens is required (the sequence length m)');
  const dtype = parseChoice('--dtype', o.dtype, DTYPES);
  const convention = parseChoice<WindowConvention>('--convention', o.convention, ['w-keys', 'w-plus-one']);
  const window = optionalCount('--window', o.window);
  const sinks = optionalCount('--sinks', o.sinks);
  const batch = optionalCount('--batch', o.batch) ?? 1;
  const shapeFlags = [o.layers, o.heads, o.kvHeads, o.headDim, o.kvLoraRank, o.ropeHeadDim].some((f) => f !== undefined);
  const options = cacheOptions(o);

  if (o.model !== undefined) {
    if (shapeFlags) {
      throw new UsageError('give either --model or --layers/--heads/--kv-heads/--head-dim/--kv-lora-rank, not both');
    }
    const preset = findModel(o.model);
    if (!preset) throw new UsageError(`--model '${o.model}' is not known; use one of: ${MODEL_NAMES.join(', ')}`);
    return {
      layers: preset.layers,
      heads: preset.heads,
      kvHeads: preset.kvHeads,
      headDim: preset.headDim,
      // --window overrides the preset's window; the local/global pattern stays the model's.
      window: window ?? preset.window,
      layerPattern: preset.layerPattern,
      ...(preset.latent ? { latent: preset.latent } : {}),
      sinks,
      tokens,
      dtype,
      batch,
      convention,
      ...options,
    };
  }
  const latent = latentFlags(o);
  if (latent !== undefined) {
    // An MLA cache does not depend on heads or head dim: only --layers is needed, the others may be given.
    const layers = optionalCount('--layers', o.layers);
    if (layers === undefined) throw new UsageError('give --model NAME, or --layers L with --kv-lora-rank (missing --layers)');
    const heads = optionalCount('--heads', o.heads) ?? 1;
    return {
      layers,
      heads,
      kvHeads: optionalCount('--kv-heads', o.kvHeads) ?? heads,
      headDim: optionalCount('--head-dim', o.headDim) ?? 1,
      latent,
      window,
      sinks,
      tokens,
      dtype,
      batch,
      convention,
      ...options,
    };
  }
  const missing = [
    ['--layers', o.layers],
    ['--heads', o.heads],
    ['--head-dim', o.headDim],
  ].filter(([, v]) => v === undefined);
  if (missing.length > 0) {
    throw new UsageError(`give --model NAME, or ${missing.map(([f]) => f).join(', ')} (missing)`);
  }
  const heads = optionalCount('--heads', o.heads)!;
  const kvHeads = optionalCount('--kv-heads', o.kvHeads) ?? heads;
  if (heads % kvHeads !== 0) {
    throw new UsageError(`--kv-heads ${kvHeads} must divide --heads ${heads} (each KV head serves a whole group)`);
  }
  return {
    layers: optionalCount('--layers', o.layers)!,
    heads,
    kvHeads,
    headDim: optionalCount('--head-dim', o.headDim)!,
    window,
    sinks,
    tokens,
    dtype,
    batch,
    convention,
    ...options,
  };
}

/** What --time needs beyond the memory query: the weights and the bandwidth. */
interface TimeSettings {
  params: number;
  /** Weights one token reads (a mixture of experts: the active ones). */
  readParams: number;
  weightDtype: WeightDtype;
  bandwidth: number;
  device?: DevicePreset;
}

const TIME_FLAGS = ['--device', '--bandwidth', '--params', '--weight-dtype'] as const;

/** --time's flags, or undefined without --time (where any of them is an error). */
export function timeSettings(o: MemoryOptions): TimeSettings | undefined {
  const given = ([
    ['--device', o.device],
    ['--bandwidth', o.bandwidth],
    ['--params', o.params],
    ['--weight-dtype', o.weightDtype],
  ] as const).filter(([, v]) => v !== undefined);
  if (!o.time) {
    if (given.length > 0) throw new UsageError(`${given[0]![0]} is for the decode-time floor: add --time`);
    return undefined;
  }
  if ((o.device === undefined) === (o.bandwidth === undefined)) {
    throw new UsageError(`--time needs one of --device NAME (${DEVICE_NAMES.join(', ')}) or --bandwidth RATE (e.g. 900GB/s)`);
  }
  let device: DevicePreset | undefined;
  let bandwidth: number;
  if (o.device !== undefined) {
    device = findDevice(o.device);
    if (!device) throw new UsageError(`--device '${o.device}' is not known; use one of: ${DEVICE_NAMES.join(', ')} (or --bandwidth RATE)`);
    bandwidth = device.bytesPerSecond;
  } else {
    try {
      bandwidth = parseBandwidth(o.bandwidth!);
    } catch {
      throw new UsageError(`--bandwidth '${o.bandwidth}' is not a rate in bytes per second; write it like 900GB/s, 3.35TB/s or 100GiB/s`);
    }
  }
  const weightDtype = parseChoice<WeightDtype>('--weight-dtype', o.weightDtype ?? 'bf16', WEIGHT_DTYPES);
  const givenParams = optionalCount('--params', o.params);
  const preset = o.model === undefined ? undefined : findModel(o.model);
  if (givenParams === undefined && preset === undefined) {
    throw new UsageError('--time needs the weight count to read: give --params N (or a --model preset, which has it)');
  }
  const params = givenParams ?? preset!.params;
  // A given --params replaces the preset's count, and with it the preset's active subset.
  const readParams = givenParams ?? preset!.activeParams ?? preset!.params;
  return { params, readParams, weightDtype, bandwidth, device };
}

function printTime(io: CommandContext['io'], query: KvMemoryQuery, t: TimeSettings, model: string | undefined, json: boolean): void {
  const { weightBytes: weights, rows } = decodeTimeRows(query, { params: t.readParams, weightDtype: t.weightDtype, bandwidth: t.bandwidth });
  const batch = query.batch ?? 1;
  if (json) {
    return printJson(io, {
      tokens: query.tokens,
      batch,
      device: t.device ? { name: t.device.name, label: t.device.label, source: t.device.source } : null,
      bandwidthBytesPerSecond: t.bandwidth,
      params: t.params,
      paramsRead: t.readParams,
      weightDtype: t.weightDtype,
      weightBytes: weights,
      rows,
    });
  }
  const on = t.device ? `${t.device.label} (${t.device.bytesPerSecond} bytes/s)` : `${t.bandwidth} bytes/s`;
  io.stdout(`Decode-time floor: ${model ?? 'this shape'} at ${count(query.tokens, 'token')}, batch ${batch}, on ${on}\n`);
  const active = t.readParams === t.params ? `${t.params} params` : `${t.readParams} active of ${t.params} params`;
  io.stdout(`weights read a step: ${active} × ${WEIGHT_BITS[t.weightDtype]} bits (${t.weightDtype}) = ${weights} bytes (${formatBytes(weights)})\n`);
  const table = plainTable(['cache', 'cache bytes', 'bytes read a step', 'ms/token (floor)', 'tokens/s (ceiling)']);
  for (const r of rows) {
    table.push([r.cache, `${r.cacheBytes} (${formatBytes(r.cacheBytes)})`, r.bytesPerStep, r.msPerToken.toFixed(3), r.tokensPerSecond.toFixed(1)]);
  }
  io.stdout(`${table.toString()}\n`);
  io.stdout('floor = (weight bytes + cache bytes of the batch) / bandwidth: every weight and cached pair read once a step\n');
  if (t.device) io.stdout(`bandwidth source: ${t.device.source}\n`);
}

export const registerMemory: RegisterCommand = (program, { io }) => {
  program
    .command('memory')
    .description('KV-cache bytes of a model: full, windowed, with sinks, hybrid, MLA, quantized, shared across layers; --time for the decode-time floor')
    .option('--model <name>', `a preset (${MODEL_NAMES.join(', ')})`)
    .option('--layers <L>', 'layers')
    .option('--heads <H>', 'query heads τ')
    .option('--kv-heads <G>', 'KV heads (GQA groups); defaults to --heads')
    .option('--head-dim <D>', 'head dimension d_h')
    .option('--kv-lora-rank <R>', 'multi-head latent attention: the cached latent per token and layer (with --layers)')
    .option('--rope-head-dim <D>', 'MLA: the decoupled RoPE key cached beside the latent (default 0)')
    .option('--tokens <M>', 'sequence length m')
    .option('--window <W>', 'window: W keys per query, its own included')
    .option('--sinks <S>', 'attention sinks kept beside the window')
    .option('--dtype <type>', `element type (${DTYPES.join(', ')})`, 'fp16')
    .option('--batch <B>', 'sequences in the batch', '1')
    .option('--convention <c>', 'window convention: w-keys (i−W<j≤i) or w-plus-one (i−W≤j≤i)', 'w-keys')
    .option('--quant <format>', `quantized cache with per-group scales (${QUANT_FORMATS.join(', ')})`)
    .option('--group-size <G>', `--quant: elements sharing one scale (default ${DEFAULT_GROUP_SIZE})`)
    .option('--scale-dtype <type>', `--quant: the scales' type (${SCALE_DTYPES.join(', ')}; default fp16)`)
    .option('--zero-point', '--quant: asymmetric, a zero-point per group beside its scale')
    .option('--quant-layout <layout>', `--quant: ${QUANT_LAYOUTS.join(' or ')} (keys per channel, values per token; default per-token)`)
    .option('--residual <R>', `--quant-layout kivi: recent tokens kept in --dtype (default ${KIVI_DEFAULT_RESIDUAL})`)
    .option('--share-layers <S>', 'cross-layer sharing: groups of S adjacent layers share one cache (default 1)')
    .option('--block-size <B>', 'paged layout: the cache is allocated in whole blocks of B token slots (vLLM: 16)')
    .option('--time', 'the decode-time floor: bytes read a token over a memory bandwidth')
    .option('--device <name>', `--time: a device's peak bandwidth (${DEVICE_NAMES.join(', ')})`)
    .option('--bandwidth <rate>', '--time: a memory bandwidth, e.g. 900GB/s, 3.35TB/s, 100GiB/s')
    .option('--params <N>', "--time: weights read a token (default: the --model preset's)")
    .option('--weight-dtype <type>', `--time: the weights' type (${WEIGHT_DTYPES.join(', ')}; default bf16)`)
    .option('--json', 'print one JSON document')
    .action((options: MemoryOptions) => {
      const query = memoryQuery(options);
      if (query.sinks !== undefined && query.window === undefined) {
        throw new UsageError('--sinks needs a window: add --window W (or a --model with one)');
      }
      const time = timeSettings(options);
      const blockSize = optionalCount('--block-size', options.blockSize);
      if (time !== undefined) {
        if (blockSize !== undefined) {
          throw new UsageError('--block-size changes what is allocated, not what a decode step reads: drop it with --time');
        }
        return printTime(io, query, time, options.model, Boolean(options.json));
      }
      const report = kvCacheMemory(query);
      const paged = blockSize === undefined ? undefined : pagedCacheMemory(query, blockSize);
      if (options.json) {
        if (paged === undefined) return printJson(io, report);
        return printJson(io, { ...report, paged: { blockSize: paged.blockSize, blocks: paged.blocks, allocatedBytes: paged.allocatedBytes } });
      }
      io.stdout(`KV cache: ${formatBytes(report.bytes)} (${report.bytes} bytes)\n`);
      io.stdout(`cached tokens (largest layer): ${report.cachedTokens}\n`);
      io.stdout(`bytes per token (all layers): ${report.bytesPerToken}\n`);
      const table = plainTable(['layer kind', 'layers', 'cached tokens', 'bytes per layer', 'bytes, all such layers']);
      for (const group of groupLayers(report.layers)) {
        table.push([group.kind, group.count, group.cachedTokens, group.bytesPerLayer, `${group.bytes} (${formatBytes(group.bytes)})`]);
      }
      io.stdout(`${table.toString()}\n`);
      io.stdout(`formula: ${report.formula}\n`);
      if (paged !== undefined) {
        const waste = paged.allocatedBytes - paged.heldBytes;
        io.stdout(
          `paged, blocks of ${paged.blockSize} slots: ${paged.blocks} blocks a sequence, ${paged.allocatedBytes} bytes allocated (${formatBytes(paged.allocatedBytes)}), ${waste} of them empty or evicted slots\n`,
        );
      }
    });
};

/** Layers grouped by kind and size, so a 42-layer hybrid model prints as two rows. */
function groupLayers(layers: readonly LayerMemory[]) {
  const groups = new Map<string, { kind: string; count: number; cachedTokens: number; bytesPerLayer: number; bytes: number }>();
  for (const l of layers) {
    const shares = l.sharesCacheOf !== undefined;
    const key = `${l.kind}:${l.cachedTokens}:${shares}`;
    const kind = shares ? `${l.kind}, reads a shared cache` : l.kind;
    const group = groups.get(key) ?? { kind, count: 0, cachedTokens: l.cachedTokens, bytesPerLayer: l.bytes, bytes: 0 };
    group.count += 1;
    group.bytes += l.bytes;
    groups.set(key, group);
  }
  return [...groups.values()];
}
