/**
 * A param as loading lays it out for drawing. A leaf module: the type modules (question-types/) and the
 * compiled-bank store (compiled.ts) both need it, and neither may import the other.
 */
export type CompiledParam =
  | { name: string; kind: 'constant'; value: number }
  | { name: string; kind: 'list'; values: readonly number[] }
  /** value = min + i·step for i in [0, count); decimals fixes float noise (0.1·3 = 0.30000000000000004). */
  | { name: string; kind: 'range'; min: number; step: number; count: number; decimals: number };
