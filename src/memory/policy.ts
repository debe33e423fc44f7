/**
 * What a KV cache keeps, as a count of (key, value) pairs per KV head per layer after m tokens.
 *
 * This is the one place that says how many pairs each memory design holds. The engine's caches are
 * tested against it token by token, and the byte formula (bytes.ts) multiplies it out.
 *
 * Window convention: by default a window of W means query i sees keys j with i − W < j ≤ i
 * (W keys, its own included: HF transformers, llama.cpp). `convention: 'w-plus-one'` is the
 * Mistral-reference / FlashAttention window_size=(W, 0) reading: i − W ≤ j ≤ i, W + 1 keys.
 */

export type WindowConvention = 'w-keys' | 'w-plus-one';

export type CachePolicy =
  /** Every past token: grows with m. */
  | { kind: 'full' }
  /** The last W tokens (a ring buffer). */
  | { kind: 'window'; window: number; convention?: WindowConvention }
  /** The first `sinks` tokens kept forever, then the last W (StreamingLLM). */
  | { kind: 'sinks'; window: number; sinks: number; convention?: WindowConvention }
  /**
   * Attention reads one pair: the mean of the last W keys and values. Keeping that mean exact as tokens
   * leave the window needs the W raw pairs too (to subtract the oldest), so the cache holds W + 1 pairs.
   */
  | { kind: 'moving-average'; window: number }
  /** One pair: the running mean of every pair so far, Mem_i = ((k_i, v_i) + i · Mem_{i−1}) / (i + 1). */
  | { kind: 'cumulative' }
  /**
   * Dual memory (Compressive Transformer): a local FIFO of W raw pairs, and a FIFO of `compressedSlots`
   * pairs, each the mean of `compression` consecutive pairs evicted from the local FIFO. `segment` (n_s)
   * is the eviction unit of the book; it must be a multiple of `compression`, and pooling a segment of
   * n_s pairs with stride c yields the same n_s / c pairs as pooling each group of c as it leaves, which
   * is what the engine does (no n_s staging buffer). One extra pair accumulates the group in progress.
   */
  | {
      kind: 'compressive';
      window: number;
      segment: number;
      compression: number;
      compressedSlots: number;
    };

export type CacheKind = CachePolicy['kind'];

export const CACHE_KINDS: readonly CacheKind[] = [
  'full',
  'window',
  'sinks',
  'moving-average',
  'cumulative',
  'compressive',
];

/** Keys a query can see under a window of W with the given convention. */
export function windowSlots(window: number, convention: WindowConvention = 'w-keys'): number {
  return convention === 'w-plus-one' ? window + 1 : window;
}

/** Pairs the cache holds in memory (per KV head, per layer) after `tokens` tokens. */
export function heldPairs(policy: CachePolicy, tokens: number): number {
  const m = tokens;
  switch (policy.kind) {
    case 'full':
      return m;
    case 'window':
      return Math.min(m, windowSlots(policy.window, policy.convention));
    case 'sinks':
      return Math.min(m, policy.sinks + windowSlots(policy.window, policy.convention));
    case 'moving-average':
      return m === 0 ? 0 : Math.min(m, policy.window) + 1;
    case 'cumulative':
      return m === 0 ? 0 : 1;
    case 'compressive': {
      const local = Math.min(m, policy.window);
      const evicted = Math.max(0, m - policy.window);
      const compressed = Math.min(Math.floor(evicted / policy.compression), policy.compressedSlots);
      const inProgress = evicted % policy.compression === 0 ? 0 : 1;
      return local + compressed + inProgress;
    }
  }
}

/** Pairs a query attends over after `tokens` tokens (what the softmax runs across). */
export function attendedPairs(policy: CachePolicy, tokens: number): number {
  switch (policy.kind) {
    case 'moving-average':
    case 'cumulative':
      return tokens === 0 ? 0 : 1;
    case 'compressive': {
      const evicted = Math.max(0, tokens - policy.window);
      return (
        Math.min(tokens, policy.window) +
        Math.min(Math.floor(evicted / policy.compression), policy.compressedSlots)
      );
    }
    default:
      return heldPairs(policy, tokens);
  }
}

/** The most pairs this cache can ever hold, or Infinity for a full cache. */
export function capacityPairs(policy: CachePolicy): number {
  switch (policy.kind) {
    case 'full':
      return Infinity;
    case 'window':
      return windowSlots(policy.window, policy.convention);
    case 'sinks':
      return policy.sinks + windowSlots(policy.window, policy.convention);
    case 'moving-average':
      return policy.window + 1;
    case 'cumulative':
      return 1;
    case 'compressive':
      return policy.window + policy.compressedSlots + 1;
  }
}

/** Checks a policy's sizes; returns a list of problems in words (empty when valid). */
export function policyProblems(policy: CachePolicy): string[] {
  const problems: string[] = [];
  const positive = (name: string, value: number) => {
    if (!Number.isSafeInteger(value) || value <= 0) problems.push(`${name} must be a whole number > 0 (got ${value})`);
  };
  switch (policy.kind) {
    case 'full':
    case 'cumulative':
      break;
    case 'window':
    case 'moving-average':
      positive('window', policy.window);
      break;
    case 'sinks':
      positive('window', policy.window);
      positive('sinks', policy.sinks);
      break;
    case 'compressive':
      positive('window', policy.window);
      positive('segment', policy.segment);
      positive('compression', policy.compression);
      positive('compressedSlots', policy.compressedSlots);
      if (problems.length === 0 && policy.segment % policy.compression !== 0) {
        problems.push(`segment (${policy.segment}) must be a multiple of compression (${policy.compression})`);
      }
      break;
  }
  return problems;
}
