/**
 * The decode-time floor. Decoding one token (one step, for every sequence of the batch) reads every weight
 * once and every cached pair once, at about 2 FLOPs per byte or less: far below what the arithmetic units
 * can do, so memory bandwidth bounds it. A step can be no faster than
 *
 *     seconds per step ≥ (weight bytes + cache bytes of the whole batch) / bandwidth
 *
 * Each sequence gets one token a step (so ms/token is the step time), and the batch gets `batch` tokens a
 * step (tokens/s = batch / seconds per step). Byte counts are exact integers; only the times are floating.
 * Activations, the input-embedding lookup's saving and caches that hit in on-chip memory are left out: the
 * floor is what the formula can promise, not a benchmark.
 */
import { kvCacheMemory, type KvMemoryQuery } from './bytes.js';
import { MemoryInputError } from './errors.js';
import { ceilDiv, exactNumber } from './exact.js';

/** Bits a stored weight takes. */
export const WEIGHT_BITS = {
  fp32: 32,
  fp16: 16,
  bf16: 16,
  fp8: 8,
  int8: 8,
  int4: 4,
} as const;

export type WeightDtype = keyof typeof WEIGHT_BITS;
export const WEIGHT_DTYPES = Object.keys(WEIGHT_BITS) as WeightDtype[];

/** Bytes of `params` weights: ⌈params · bits / 8⌉ (an odd count of int4 weights ends in a padding nibble). */
export function weightBytes(params: number, dtype: WeightDtype = 'bf16'): number {
  if (!Number.isSafeInteger(params) || params <= 0) {
    throw new MemoryInputError('params', `params must be a whole number > 0 (got ${params})`);
  }
  if (!Object.prototype.hasOwnProperty.call(WEIGHT_BITS, dtype)) {
    throw new MemoryInputError('weightDtype', `weight dtype '${dtype}' is not known; use one of: ${WEIGHT_DTYPES.join(', ')}`);
  }
  return exactNumber('weightBytes', ceilDiv(BigInt(params) * BigInt(WEIGHT_BITS[dtype]), 8n));
}

export interface DecodeTimeQuery {
  /** Weights read once a step. */
  weightBytes: number;
  /** Cache bytes of the whole batch (kvCacheMemory's `bytes`), all read once a step. */
  cacheBytes: number;
  /** Memory bandwidth in bytes per second. */
  bandwidth: number;
  /** Sequences decoded together; default 1. */
  batch?: number;
}

export interface DecodeTimeFloor {
  /** Weights + cache: what one step reads, exact. */
  bytesPerStep: number;
  /** The floor on one step, which is one token of each sequence. */
  msPerToken: number;
  /** Tokens a second over the whole batch: batch / step time. */
  tokensPerSecond: number;
}

export function decodeTimeFloor(query: DecodeTimeQuery): DecodeTimeFloor {
  for (const [field, value] of [
    ['weightBytes', query.weightBytes],
    ['cacheBytes', query.cacheBytes],
  ] as const) {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new MemoryInputError(field, `${field} must be a whole number ≥ 0 (got ${value})`);
    }
  }
  const batch = query.batch ?? 1;
  if (!Number.isSafeInteger(batch) || batch <= 0) throw new MemoryInputError('batch', `batch must be a whole number > 0 (got ${batch})`);
  if (!Number.isFinite(query.bandwidth) || query.bandwidth <= 0) {
    throw new MemoryInputError('bandwidth', `bandwidth must be a number of bytes per second > 0 (got ${query.bandwidth})`);
  }
  const bytesPerStep = exactNumber('bytes', BigInt(query.weightBytes) + BigInt(query.cacheBytes));
  const seconds = bytesPerStep / query.bandwidth;
  return { bytesPerStep, msPerToken: seconds * 1000, tokensPerSecond: batch / seconds };
}

export interface DecodeTimeSettings {
  /** Weights read a step: a preset's `activeParams ?? params`, or a count of your own. */
  params: number;
  /** The weights' type; default bf16. */
  weightDtype?: WeightDtype;
  /** Memory bandwidth in bytes per second (a device's `bytesPerSecond`, or parseBandwidth's). */
  bandwidth: number;
}

export interface DecodeTimeRow extends DecodeTimeFloor {
  /** Which cache: 'full', 'window W' (with ' + S sinks'), or 'hybrid (window W on local layers)'. */
  cache: string;
  /** kvCacheMemory's bytes for that cache, over the batch. */
  cacheBytes: number;
}

/**
 * What `kvlab memory --time` prints: the floor for the query's full cache (every layer global) and, when
 * the query has a window, for the query as given. Every other option of the query (dtype, MLA,
 * quantization, sharing, batch) applies to both.
 */
export function decodeTimeRows(query: KvMemoryQuery, settings: DecodeTimeSettings): { weightBytes: number; rows: DecodeTimeRow[] } {
  const weights = weightBytes(settings.params, settings.weightDtype ?? 'bf16');
  const caches: { cache: string; query: KvMemoryQuery }[] = [
    { cache: 'full', query: { ...query, window: undefined, sinks: undefined, layerPattern: undefined } },
  ];
  if (query.window !== undefined) {
    const sinks = query.sinks === undefined ? '' : ` + ${query.sinks} sinks`;
    const hybrid = query.layerPattern?.includes('global') ?? false;
    caches.push({ cache: hybrid ? `hybrid (window ${query.window}${sinks} on local layers)` : `window ${query.window}${sinks}`, query });
  }
  const rows = caches.map(({ cache, query: q }) => {
    const cacheBytes = kvCacheMemory(q).bytes;
    return { cache, cacheBytes, ...decodeTimeFloor({ weightBytes: weights, cacheBytes, bandwidth: settings.bandwidth, batch: q.batch }) };
  });
  return { weightBytes: weights, rows };
}

const RATE_UNITS: Record<string, bigint> = {
  B: 1n,
  kB: 10n ** 3n,
  KB: 10n ** 3n,
  MB: 10n ** 6n,
  GB: 10n ** 9n,
  TB: 10n ** 12n,
  KiB: 2n ** 10n,
  MiB: 2n ** 20n,
  GiB: 2n ** 30n,
  TiB: 2n ** 40n,
};

/**
 * "900GB/s", "3.35 TB/s", "100 GiB/s" → bytes per second. Decimal units are powers of 10 (as the makers
 * quote bandwidth), binary ones powers of 2. A lowercase b is bits, which a bandwidth here never is:
 * "900Gb/s" is refused rather than read as bytes.
 */
export function parseBandwidth(text: string): number {
  const match = /^\s*([0-9]+)(?:\.([0-9]+))?\s*([kKMGT]i?B|B)\/s\s*$/.exec(text);
  const unit = match ? RATE_UNITS[match[3]!] : undefined;
  if (!match || unit === undefined) {
    throw new MemoryInputError(
      'bandwidth',
      `bandwidth '${text}' is not a rate in bytes per second; write it like 900GB/s, 3.35TB/s or 100GiB/s`,
    );
  }
  const fraction = match[2] ?? '';
  // Digits and unit in BigInt, one division at the end: "3.35TB/s" is exactly 3350000000000.
  const scaled = BigInt(match[1]! + fraction) * unit;
  const value = Number(scaled) / 10 ** fraction.length;
  if (!(value > 0) || !Number.isFinite(value)) {
    throw new MemoryInputError('bandwidth', `bandwidth '${text}' must be more than 0 bytes per second`);
  }
  return value;
}
