/** The engine: a tiny decoder, its attention kernels, its KV caches (one file each), prefill, the float64 reference, simulate. */
export type { AttendedRuns, BufferAllocator, CacheShape, KvCache } from './kv-cache.js';
export { Kernel, KERNEL_NAMES, type AttentionKernel } from './kernel.js';
export { createKernel, defaultKernel, defaultThreads, TWO_THREAD_WIDTH } from './create-kernel.js';
export { wasmSimdSupported } from './wasm-kernel.js';
export { createCache, type CacheOptions } from './create-cache.js';
export { PagedCache, type PagedPolicy } from './paged-cache.js';
export { attendSlots, paddedSlots, SLOT_BLOCK } from './attention.js';
export {
  decodeStepFlops,
  resolveConfig,
  type DecoderConfig,
  type DecoderWeights,
  type LayerWeights,
  type PositionEncoding,
  type ResolvedDecoderConfig,
} from './model.js';
export { Decoder, createDecoder } from './decoder.js';
export type { AttentionWeights } from './attention-weights.js';
export { keyVisible } from './prefill.js';
export { RopeAngles, RopeTable, rotateHead, ROPE_BASE } from './rope.js';
export { attendReference, checkAttendShapes } from './reference.js';
export { externalBytes, simulate, type SimulateOptions, type SimulatePoint, type SimulateResult } from './simulate.js';
export { Rng } from './rng.js';
export { dot4, matvec } from './linalg.js';
