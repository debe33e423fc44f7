/**
 * Timing decode steps so that a chart of the result shows what the lesson says, run after run, on a shared and
 * noisy machine. One block mean of one run is at the mercy of a garbage collection or another process (a
 * 1,236 µs "outlier" once made the full cache look three times slower than an identical window). So:
 *
 * 1. every decoder is warmed up first, so the JIT has compiled the step before anything is timed;
 * 2. the decoders being compared step in turn (full, window, full, window, …), so both see the same machine;
 * 3. each block's figure in one run is the MEDIAN of its per-step times, which a single slow step cannot move;
 * 4. the whole measurement is repeated `runs` times with fresh decoders, and the chart plots the median of the
 *    runs with their minimum and maximum as the spread.
 */
import { createDecoder, type DecoderConfig } from '../engine/index.js';
import type { CachePolicy } from '../memory/index.js';

export interface TimedBlock {
  /** Tokens in the cache at the end of the block. */
  m: number;
  /** Median over runs of each run's median µs per step in this block. */
  median: number;
  /** The smallest and largest of the runs' figures. */
  low: number;
  high: number;
  /** Each run's figure (µs per step), in run order. */
  runs: number[];
}

export interface TimedPolicy {
  policy: CachePolicy;
  blocks: TimedBlock[];
  /** Bytes the cache held after the last step (the same every run). */
  heldBytes: number;
}

export interface TimingOptions {
  /** Tokens each decoder decodes per run. */
  tokens: number;
  /** Steps per block: one point of the chart per block. */
  block: number;
  /** Repetitions with fresh decoders; at least 5 so the median means something. */
  runs?: number;
  /** Tokens each policy decodes once, untimed, before the runs. Defaults to one block. */
  warmupTokens?: number;
}

/** The median of a non-empty list (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('the median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Blocks from per-run figures: runFigures[run][block] in µs per step. */
export function summarizeRuns(runFigures: readonly (readonly number[])[], block: number): TimedBlock[] {
  const blocks = runFigures[0]?.length ?? 0;
  return Array.from({ length: blocks }, (_, b) => {
    const runs = runFigures.map((figures) => figures[b]!);
    return { m: (b + 1) * block, median: median(runs), low: Math.min(...runs), high: Math.max(...runs), runs };
  });
}

/**
 * Times one decode step of each policy, interleaved, over `tokens` tokens in blocks of `block` steps, `runs`
 * times. Tokens fed are 0, 1, 2, … modulo the vocabulary; what they are does not change the work of a step.
 */
export function timeDecodeSteps(config: DecoderConfig, policies: readonly CachePolicy[], options: TimingOptions): TimedPolicy[] {
  const { tokens, block } = options;
  const runs = options.runs ?? 5;
  if (!(Number.isInteger(block) && block >= 1 && Number.isInteger(tokens) && tokens >= block && tokens % block === 0)) {
    throw new RangeError(`tokens (${tokens}) must be a whole multiple of block (${block}) ≥ 1`);
  }
  if (!(Number.isInteger(runs) && runs >= 1)) throw new RangeError(`runs must be a whole number ≥ 1 (got ${runs})`);
  const vocab = config.vocab ?? 256;
  for (const policy of policies) {
    const warm = createDecoder(config, policy);
    for (let t = 0; t < (options.warmupTokens ?? block); t++) warm.step(t % vocab);
  }
  const figures: number[][][] = policies.map(() => []); // [policy][run][block]
  const heldBytes: number[] = policies.map(() => 0);
  const stepTimes = new Float64Array(policies.length * block); // [policy][step in block], µs
  for (let run = 0; run < runs; run++) {
    const decoders = policies.map((policy) => createDecoder(config, policy));
    const perBlock: number[][] = policies.map(() => []);
    for (let start = 0; start < tokens; start += block) {
      for (let i = 0; i < block; i++) {
        decoders.forEach((decoder, p) => {
          const t0 = performance.now();
          decoder.step((start + i) % vocab);
          stepTimes[p * block + i] = (performance.now() - t0) * 1000;
        });
      }
      policies.forEach((_, p) => perBlock[p]!.push(median(Array.from(stepTimes.subarray(p * block, (p + 1) * block)))));
    }
    decoders.forEach((decoder, p) => {
      figures[p]!.push(perBlock[p]!);
      heldBytes[p] = decoder.cache.heldBytes();
    });
  }
  return policies.map((policy, p) => ({ policy, blocks: summarizeRuns(figures[p]!, block), heldBytes: heldBytes[p]! }));
}
