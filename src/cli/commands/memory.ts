import { plainTable } from '../table.js';
import type { RegisterCommand } from '../command.js';
import { printJson } from '../io.js';
import { optionalCount, parseChoice } from '../args.js';
import { UsageError } from '../errors.js';
import {
  DTYPES,
  MODEL_NAMES,
  findModel,
  formatBytes,
  kvCacheMemory,
  type KvMemoryQuery,
  type LayerMemory,
  type WindowConvention,
} from '../../memory/index.js';

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
  json?: boolean;
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
  const shapeFlags = [o.layers, o.heads, o.kvHeads, o.headDim].some((f) => f !== undefined);

  if (o.model !== undefined) {
    if (shapeFlags) {
      throw new UsageError('give either --model or --layers/--heads/--kv-heads/--head-dim, not both');
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
      sinks,
      tokens,
      dtype,
      batch,
      convention,
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
  };
}

export const registerMemory: RegisterCommand = (program, { io }) => {
  program
    .command('memory')
    .description('KV-cache bytes of a model: full, windowed, with sinks, hybrid local/global')
    .option('--model <name>', `a preset (${MODEL_NAMES.join(', ')})`)
    .option('--layers <L>', 'layers')
    .option('--heads <H>', 'query heads τ')
    .option('--kv-heads <G>', 'KV heads (GQA groups); defaults to --heads')
    .option('--head-dim <D>', 'head dimension d_h')
    .option('--tokens <M>', 'sequence length m')
    .option('--window <W>', 'window: W keys per query, its own included')
    .option('--sinks <S>', 'attention sinks kept beside the window')
    .option('--dtype <type>', `element type (${DTYPES.join(', ')})`, 'fp16')
    .option('--batch <B>', 'sequences in the batch', '1')
    .option('--convention <c>', 'window convention: w-keys (i−W<j≤i) or w-plus-one (i−W≤j≤i)', 'w-keys')
    .option('--json', 'print one JSON document')
    .action((options: MemoryOptions) => {
      const query = memoryQuery(options);
      if (query.sinks !== undefined && query.window === undefined) {
        throw new UsageError('--sinks needs a window: add --window W (or a --model with one)');
      }
      const report = kvCacheMemory(query);
      if (options.json) {
        return printJson(io, report);
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
    });
};

/** Layers grouped by kind and size, so a 42-layer hybrid model prints as two rows. */
function groupLayers(layers: readonly LayerMemory[]) {
  const groups = new Map<string, { kind: string; count: number; cachedTokens: number; bytesPerLayer: number; bytes: number }>();
  for (const l of layers) {
    const key = `${l.kind}:${l.cachedTokens}`;
    const group = groups.get(key) ?? { kind: l.kind, count: 0, cachedTokens: l.cachedTokens, bytesPerLayer: l.bytes, bytes: 0 };
    group.count += 1;
    group.bytes += l.bytes;
    groups.set(key, group);
  }
  return [...groups.values()];
}
