/** The engine: a tiny decoder, its KV caches (one file each), prefill, the float64 reference, simulate. */
export type { CacheOptions, CacheShape, KvCache } from './kv-cache.js';
export { defaultKernel, wasmSimdSupported, type AttentionKernel } from './wasm-kernel.js';
export { createCache } from './kv-cache.js';
export { attendCache, attendSlots, AttentionScratch, paddedSlots, SLOT_BLOCK } from './attention.js';
export {
  Decoder,
  createDecoder,
  decodeStepFlops,
  resolveConfig,
  type DecoderConfig,
  type DecoderWeights,
  type LayerWeights,
  type ResolvedDecoderConfig,
} from './decoder.js';
export { keyVisible } from './prefill.js';
export { attendReference, checkAttendShapes } from './reference.js';
export { simulate, type SimulateOptions, type SimulatePoint, type SimulateResult } from './simulate.js';
export { Rng } from './rng.js';
export { dot4, matvec } from './linalg.js';
