/**
 * `kvlab/memory`: the KV-cache memory formula, the single source of truth for bytes (docs/memory.md), with
 * the cache designs, element types and real-model presets it reads. Loads nothing but src/memory: no quiz
 * engine, no engine, no chart renderer. Every name is described in docs/api.md.
 */
export {
  // Element types
  DTYPE_BYTES,
  DTYPES,
  isDtype,
  bytesPerElement,
  type Dtype,
  // Cache designs: how many pairs each holds and attends over
  CACHE_KINDS,
  windowSlots,
  heldPairs,
  attendedPairs,
  capacityPairs,
  policyProblems,
  type CachePolicy,
  type CacheKind,
  type WindowConvention,
  // Bytes
  kvCacheMemory,
  policyBytes,
  bytesPerToken,
  bytesPerTokenPerLayer,
  checkShape,
  MemoryInputError,
  type AttentionShape,
  type KvMemoryQuery,
  type KvMemoryReport,
  type LayerMemory,
  type LayerKind,
  // Complexity
  SPACE_COMPLEXITY,
  growsWithSequence,
  type ComplexityKey,
  // Real models
  MODEL_PRESETS,
  MODEL_NAMES,
  findModel,
  type ModelPreset,
  // Display
  formatBytes,
  // The paged layout
  pagedBytes,
  pagedBlocks,
  type PagedMemory,
} from '../memory/index.js';
