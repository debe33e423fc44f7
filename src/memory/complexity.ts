/**
 * Space complexity of the KV cache in the book's notation (Xiao & Zhu, Foundations of LLMs, Ch. 2):
 * L layers, τ heads, d_h head dimension, m tokens so far, n_c window size (also written m_w),
 * n_g KV groups, n_cm compressed slots.
 */
export const SPACE_COMPLEXITY = {
  full: 'O(L·τ·d_h·m)',
  window: 'O(L·τ·d_h·n_c)',
  sinks: 'O(L·τ·d_h·(n_sink + n_c))',
  'moving-average': 'O(L·τ·d_h·n_c)',
  cumulative: 'O(L·τ·d_h)',
  compressive: 'O(L·τ·d_h·(n_c + n_cm))',
  mqa: 'O(L·d_h·m)',
  gqa: 'O(L·n_g·d_h·m)',
} as const;

export type ComplexityKey = keyof typeof SPACE_COMPLEXITY;

/** Does the cache grow with the sequence length m? */
export function growsWithSequence(key: ComplexityKey): boolean {
  // m appears only as the last factor of the growing forms; n_cm is a fixed size, not m.
  return SPACE_COMPLEXITY[key].endsWith('·m)');
}
