/**
 * `kvlab simulate`: streams M tokens through the engine's decoder and prints, every K tokens, the bytes
 * the cache holds (counted from its occupied slots) beside the memory formula's bytes (dtype fp32), and
 * what the process holds outside V8's heap beyond what it held before the first token.
 */
import type { Command } from 'commander';
import { optionalCount, parseChoice, parseCount } from '../args.js';
import { UsageError } from '../errors.js';
import { printJson } from '../io.js';
import { startProgress } from '../progress.js';
import type { RegisterCommand } from '../command.js';
import { plainTable } from '../table.js';
import {
  CACHE_KINDS,
  formatBytes,
  policyBytes,
  policyProblems,
  type CacheKind,
  type CachePolicy,
  type WindowConvention,
} from '../../memory/index.js';
import { KERNEL_NAMES, createKernel, defaultKernel, simulate, type AttentionKernel, type SimulateOptions } from '../../engine/index.js';

export interface SimulateFlags {
  layers?: string;
  heads?: string;
  kvHeads?: string;
  headDim?: string;
  tokens?: string;
  cache?: string;
  window?: string;
  sinks?: string;
  segment?: string;
  compression?: string;
  compressedSlots?: string;
  convention?: string;
  kernel?: string;
  blockSize?: string;
  seed: string;
  every?: string;
  json?: boolean;
}

/** StreamingLLM keeps four sink tokens; used when --cache sinks comes without --sinks. */
const DEFAULT_SINKS = 4;
/** The engine holds everything in this process: refuse caches or weights past these sizes up front. */
const MAX_CACHE_BYTES = 2 * 1024 ** 3;
const MAX_WEIGHT_BYTES = 1024 ** 3;
const VOCAB = 256;

/** The flags each cache kind takes beyond the shape. */
const CACHE_FLAGS: Record<CacheKind, readonly string[]> = {
  full: [],
  window: ['--window', '--convention'],
  sinks: ['--window', '--sinks', '--convention'],
  'moving-average': ['--window'],
  cumulative: [],
  compressive: ['--window', '--segment', '--compression', '--compressed-slots'],
};

/** Checks every flag and builds the run; throws a UsageError naming the flag at the first problem. */
export function simulateOptions(o: SimulateFlags): SimulateOptions {
  const layers = parseCount('--layers', o.layers);
  const heads = parseCount('--heads', o.heads);
  const kvHeads = optionalCount('--kv-heads', o.kvHeads) ?? heads;
  const headDim = parseCount('--head-dim', o.headDim);
  const tokens = parseCount('--tokens', o.tokens);
  if (heads % kvHeads !== 0) {
    throw new UsageError(`--kv-heads ${kvHeads} must divide --heads ${heads} (each KV head serves a whole group)`);
  }
  if (o.cache === undefined) throw new UsageError(`--cache is required; use one of: ${CACHE_KINDS.join(', ')}`);
  const kind = parseChoice('--cache', o.cache, CACHE_KINDS);
  const given: Record<string, string | undefined> = {
    '--window': o.window,
    '--sinks': o.sinks,
    '--segment': o.segment,
    '--compression': o.compression,
    '--compressed-slots': o.compressedSlots,
    '--convention': o.convention,
  };
  for (const [flag, value] of Object.entries(given)) {
    if (value !== undefined && !CACHE_FLAGS[kind].includes(flag)) {
      throw new UsageError(`${flag} does not apply to --cache ${kind}; it takes ${CACHE_FLAGS[kind].join(', ') || 'no cache flags'}`);
    }
  }
  const policy = cachePolicy(kind, o);
  const blockSize = optionalCount('--block-size', o.blockSize);
  if (blockSize !== undefined && kind !== 'full' && kind !== 'window' && kind !== 'sinks') {
    throw new UsageError(`--block-size (a paged cache) applies to --cache full, window or sinks, not ${kind}`);
  }
  const problems = policyProblems(policy);
  if (problems.length > 0) throw new UsageError(`--cache ${kind}: ${problems.join('; ')}`);

  const shape = { layers, heads, kvHeads, headDim };
  // Throws MemoryInputError (exit 2) past 2^53 bytes; a cache only grows, so the last token is the most.
  const bytes = policyBytes(shape, policy, tokens, 'fp32');
  if (bytes > MAX_CACHE_BYTES) {
    throw new UsageError(
      `the cache would hold ${formatBytes(bytes)} at ${tokens} tokens; the engine keeps it in memory, so stay under ${formatBytes(MAX_CACHE_BYTES)} (fewer --tokens, a smaller shape or a fixed-size --cache)`,
    );
  }
  const d = heads * headDim;
  const weightBytes = 4 * (VOCAB * d + layers * (2 * heads * headDim * d + 2 * kvHeads * headDim * d));
  if (weightBytes > MAX_WEIGHT_BYTES) {
    throw new UsageError(`the model's weights would take ${formatBytes(weightBytes)}; keep them under ${formatBytes(MAX_WEIGHT_BYTES)} with fewer --layers, --heads or a smaller --head-dim`);
  }
  return {
    ...shape,
    vocab: VOCAB,
    tokens,
    policy,
    seed: parseCount('--seed', o.seed, true),
    every: optionalCount('--every', o.every),
    kernel: attentionKernel(o.kernel),
    blockSize,
  };
}

/** --kernel: the decode attention kernel; WebAssembly SIMD where the runtime has it, else plain TypeScript. */
function attentionKernel(text: string | undefined): AttentionKernel {
  if (text === undefined) return defaultKernel();
  const kernel = parseChoice<AttentionKernel>('--kernel', text, KERNEL_NAMES);
  try {
    createKernel(kernel); // the engine's one check, e.g. that this Node.js has WebAssembly SIMD
  } catch (error) {
    throw new UsageError(`--kernel ${kernel}: ${(error as Error).message}`);
  }
  return kernel;
}

/** The cache design the flags describe (also what the lessons' pair-count tags are read with). */
export function cachePolicy(kind: CacheKind, o: SimulateFlags): CachePolicy {
  const window = () => {
    if (o.window === undefined) throw new UsageError(`--cache ${kind} needs --window W (the tokens it keeps)`);
    return parseCount('--window', o.window);
  };
  const convention = () =>
    parseChoice<WindowConvention>('--convention', o.convention ?? 'w-keys', ['w-keys', 'w-plus-one']);
  switch (kind) {
    case 'full':
      return { kind };
    case 'cumulative':
      return { kind };
    case 'window':
      return { kind, window: window(), convention: convention() };
    case 'sinks':
      return { kind, window: window(), sinks: optionalCount('--sinks', o.sinks) ?? DEFAULT_SINKS, convention: convention() };
    case 'moving-average':
      return { kind, window: window() };
    case 'compressive': {
      const w = window();
      if (o.compression === undefined || o.compressedSlots === undefined) {
        throw new UsageError('--cache compressive needs --compression C and --compressed-slots NCM (and optionally --segment NS, a multiple of C)');
      }
      const compression = parseCount('--compression', o.compression);
      const compressedSlots = parseCount('--compressed-slots', o.compressedSlots);
      const segment = optionalCount('--segment', o.segment) ?? compression;
      return { kind, window: w, segment, compression, compressedSlots };
    }
  }
}

export const registerSimulate: RegisterCommand = (program: Command, { io }) => {
  program
    .command('simulate')
    .description('stream tokens through the engine and compare the bytes its cache holds with the formula')
    .option('--layers <L>', 'layers')
    .option('--heads <H>', 'query heads τ')
    .option('--kv-heads <G>', 'KV heads (GQA groups); defaults to --heads')
    .option('--head-dim <D>', 'head dimension d_h')
    .option('--tokens <M>', 'tokens to stream')
    .option('--cache <kind>', `cache design (${CACHE_KINDS.join(', ')})`)
    .option('--window <W>', 'window: W tokens (keys per query, its own included)')
    .option('--sinks <S>', `sink tokens kept by --cache sinks (default ${DEFAULT_SINKS})`)
    .option('--segment <NS>', 'compressive: segment size n_s, a multiple of --compression (default: --compression)')
    .option('--compression <C>', 'compressive: evicted pairs pooled into one')
    .option('--compressed-slots <NCM>', 'compressive: compressed slots n_cm')
    .option('--convention <c>', 'window convention: w-keys (i−W<j≤i, default) or w-plus-one (i−W≤j≤i)')
    .option('--block-size <B>', 'store the cache in blocks of B slots (paged, as vLLM): also shows the allocated bytes')
    .option('--kernel <k>', 'decode attention kernel: wasm (WebAssembly SIMD, the default where supported) or js (plain TypeScript)')
    .option('--seed <N>', 'seed of the weights and the token stream', '0')
    .option('--every <K>', 'report every K tokens (default: about 20 reports)')
    .option('--json', 'print one JSON document')
    .action((flags: SimulateFlags) => {
      const options = simulateOptions(flags);
      const bar = startProgress(io, options.tokens, 'simulating [{bar}] {value}/{total} tokens', flags.json);
      const result = simulate({ ...options, onProgress: bar ? (done) => bar.update(done) : undefined });
      bar?.stop();
      if (flags.json) return printJson(io, result);
      // process Δ: what the whole process holds outside V8's heap beyond what it held before token 1.
      const paged = options.blockSize !== undefined;
      const table = plainTable(['tokens', 'measured bytes', 'formula bytes', 'match', ...(paged ? ['allocated bytes', 'formula allocated', 'match'] : []), 'process Δ bytes']);
      const same = (a: number | undefined, b: number | undefined) => (a === b ? 'yes' : 'NO');
      for (const p of result.points) {
        table.push([
          p.tokens,
          `${p.measuredBytes} (${formatBytes(p.measuredBytes)})`,
          p.formulaBytes,
          same(p.measuredBytes, p.formulaBytes),
          ...(paged ? [`${p.allocatedBytes} (${formatBytes(p.allocatedBytes!)})`, p.formulaAllocatedBytes!, same(p.allocatedBytes, p.formulaAllocatedBytes)] : []),
          p.processBytes,
        ]);
      }
      io.stdout(`${table.toString()}\n`);
      io.stdout(`${result.tokensPerSecond.toFixed(0)} tokens/s, ${result.gflops.toFixed(2)} GFLOP/s (float32 cache, one thread, ${options.kernel} kernel)\n`);
    });
};
