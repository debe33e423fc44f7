/**
 * Quantized KV caches: elements stored in a few bits, with one scale (and, when asymmetric, one zero-point)
 * for each group of elements. The scales are part of the cache, so they are part of its bytes.
 *
 * Two layouts:
 *
 * - `per-token` (the default; llama.cpp's q8_0 / q4_0 / q4_1 blocks, vLLM's and HF's group-wise caches):
 *   every cached vector (one head's key or value of one token; with MLA, the latent and the RoPE key) is
 *   cut into groups of G consecutive channels, the last one shorter when G does not divide the length n.
 *   A vector of n elements takes
 *
 *       ⌈n · bits / 8⌉ + ⌈n / G⌉ · (scale bytes + zero-point bytes)
 *
 *   Packing: int4 stores two values a byte and int2 four, along the vector; a vector whose bit count is not
 *   a whole number of bytes ends in padding, hence the ⌈ ⌉ (n = 127 at int4 takes 64 bytes). G must be a
 *   multiple of the values a byte holds (even for int4, a multiple of 4 for int2) so no byte straddles two
 *   groups. Example: int4, G = 32, fp16 scale, 128 dims: 64 + 4 × 2 = 72 bytes, llama.cpp's four 18-byte
 *   q4_0 blocks; with a zero-point (q4_1) 64 + 4 × 4 = 80.
 *
 * - `kivi` (KIVI, Liu et al., ICML 2024, arXiv 2402.02750): keys are quantized per channel (a group is G
 *   consecutive tokens of one channel: key outliers live in fixed channels) and values per token (groups of
 *   G channels, as above). The most recent tokens stay in the cache's own dtype: keys are quantized R
 *   tokens at a time once R have gathered (R, the residual, a multiple of G), so (m mod R) keys are in full
 *   precision; values enter a full-precision FIFO of R and are quantized one by one as they leave it, so
 *   min(m, R) values are in full precision. Per layer and KV head of d channels after m cached tokens:
 *
 *       keys   = (m mod R) · d · dtype bytes + d · q_k · bits / 8 + d · (q_k / G) · meta,  q_k = m − (m mod R)
 *       values = min(m, R) · d · dtype bytes + q_v · (⌈d · bits / 8⌉ + ⌈d / G⌉ · meta),   q_v = m − min(m, R)
 *
 *   (meta = scale bytes + zero-point bytes; KIVI itself is asymmetric: fp16 scale and zero-point.) q_k is a
 *   multiple of G, and G of the values a byte holds, so every term is a whole number of bytes.
 *
 * A zero-point, when asked for, has the scale's type (KIVI and llama.cpp's q4_1 keep both in fp16). fp8 is a
 * float format and symmetric: it takes no zero-point.
 */
import { MemoryInputError } from './errors.js';
import { ceilDiv, exactNumber, requireWhole } from './exact.js';

/** Bits one quantized element takes. */
export const QUANT_BITS = {
  int8: 8,
  fp8: 8,
  int4: 4,
  int2: 2,
} as const;

export type QuantFormat = keyof typeof QUANT_BITS;
export const QUANT_FORMATS = Object.keys(QUANT_BITS) as QuantFormat[];

/** Bytes of one scale (or zero-point). */
export const SCALE_BYTES = {
  fp16: 2,
  bf16: 2,
  fp32: 4,
} as const;

export type ScaleDtype = keyof typeof SCALE_BYTES;
export const SCALE_DTYPES = Object.keys(SCALE_BYTES) as ScaleDtype[];

export type QuantLayout = 'per-token' | 'kivi';
export const QUANT_LAYOUTS: readonly QuantLayout[] = ['per-token', 'kivi'];

export interface CacheQuantization {
  format: QuantFormat;
  /** Elements that share one scale: G channels (per-token), or G tokens of one channel (KIVI keys). */
  groupSize: number;
  /** The scales' type; default fp16. */
  scaleDtype?: ScaleDtype;
  /** Asymmetric quantization: one zero-point per group beside its scale, in the scale's type. Default false. */
  zeroPoint?: boolean;
  /** Default 'per-token'. */
  layout?: QuantLayout;
  /** KIVI only: R, the recent tokens kept in full precision; a multiple of groupSize. Default 128 (the paper's). */
  residual?: number;
}

/** KIVI's residual length in the paper's experiments (with G = 32). */
export const KIVI_DEFAULT_RESIDUAL = 128;

/** Values one byte holds at this format: 1, 2 (int4) or 4 (int2). */
export function valuesPerByte(format: QuantFormat): number {
  return 8 / QUANT_BITS[format];
}

/** Bytes of the metadata of one group: its scale, and its zero-point when asymmetric. */
export function groupMetaBytes(q: CacheQuantization): number {
  return SCALE_BYTES[q.scaleDtype ?? 'fp16'] * (q.zeroPoint ? 2 : 1);
}

/** Checks a quantization's settings; returns the problems in words (empty when valid). */
export function quantizationProblems(q: CacheQuantization): string[] {
  const problems: string[] = [];
  if (!Object.prototype.hasOwnProperty.call(QUANT_BITS, q.format)) {
    problems.push(`format '${q.format}' is not known; use one of: ${QUANT_FORMATS.join(', ')}`);
    return problems;
  }
  if (q.scaleDtype !== undefined && !Object.prototype.hasOwnProperty.call(SCALE_BYTES, q.scaleDtype)) {
    problems.push(`scaleDtype '${q.scaleDtype}' is not known; use one of: ${SCALE_DTYPES.join(', ')}`);
  }
  const layout = q.layout ?? 'per-token';
  if (!QUANT_LAYOUTS.includes(layout)) problems.push(`layout '${layout}' is not known; use one of: ${QUANT_LAYOUTS.join(', ')}`);
  if (!Number.isSafeInteger(q.groupSize) || q.groupSize <= 0) {
    problems.push(`groupSize must be a whole number > 0 (got ${q.groupSize})`);
  } else if (q.groupSize % valuesPerByte(q.format) !== 0) {
    problems.push(
      `groupSize ${q.groupSize} must be a multiple of ${valuesPerByte(q.format)} at ${q.format} (${valuesPerByte(q.format)} values a byte), so no byte straddles two groups`,
    );
  }
  if (q.zeroPoint && q.format === 'fp8') problems.push('fp8 is symmetric: it takes no zero-point');
  if (layout !== 'kivi' && q.residual !== undefined) problems.push("residual applies to the 'kivi' layout only");
  if (layout === 'kivi' && problems.length === 0) {
    const residual = q.residual ?? KIVI_DEFAULT_RESIDUAL;
    if (!Number.isSafeInteger(residual) || residual <= 0 || residual % q.groupSize !== 0) {
      problems.push(`residual must be a whole multiple of groupSize ${q.groupSize} (got ${residual})`);
    }
  }
  return problems;
}

/** Throws the first problem of a quantization as a MemoryInputError. */
export function checkQuantization(q: CacheQuantization): void {
  const problems = quantizationProblems(q);
  if (problems.length > 0) throw new MemoryInputError('quantization', `quantization: ${problems.join('; ')}`);
}

/** Bytes of one vector of `length` elements in the per-token layout: ⌈n·bits/8⌉ + ⌈n/G⌉ · meta. */
export function quantizedVectorBytes(length: number, q: CacheQuantization): number {
  requireWhole('length', length);
  return exactNumber('bytes', vectorBytes(length, q));
}

/** quantizedVectorBytes in BigInt, for the sums of storage.ts. */
export function vectorBytes(length: number, q: CacheQuantization): bigint {
  checkQuantization(q);
  const n = BigInt(length);
  const data = ceilDiv(n * BigInt(QUANT_BITS[q.format]), 8n);
  const groups = ceilDiv(n, BigInt(q.groupSize));
  return data + groups * BigInt(groupMetaBytes(q));
}

/** One KV head's keys and values of one layer under KIVI after `tokens` cached tokens (formula above). */
export function kiviHeadBytes(
  headDim: number,
  tokens: number,
  fullPrecisionBytes: number,
  q: CacheQuantization,
): { keys: bigint; values: bigint } {
  checkQuantization(q);
  const d = BigInt(headDim);
  const m = BigInt(tokens);
  const r = BigInt(q.residual ?? KIVI_DEFAULT_RESIDUAL);
  const g = BigInt(q.groupSize);
  const bits = BigInt(QUANT_BITS[q.format]);
  const meta = BigInt(groupMetaBytes(q));
  const elementBytes = BigInt(fullPrecisionBytes);

  const keysFull = m % r;
  const keysQuantized = m - keysFull; // a multiple of R, hence of G
  const keys = keysFull * d * elementBytes + (d * keysQuantized * bits) / 8n + d * (keysQuantized / g) * meta;

  const valuesFull = m < r ? m : r;
  const valuesQuantized = m - valuesFull;
  const values = valuesFull * d * elementBytes + valuesQuantized * vectorBytes(headDim, { ...q, layout: 'per-token', residual: undefined });
  return { keys, values };
}
