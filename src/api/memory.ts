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
  // Beyond the window: MLA, quantized caches, cross-layer sharing
  type CheckedShape,
  latentElementsPerToken,
  type LatentAttention,
  quantizedVectorBytes,
  quantizationProblems,
  QUANT_FORMATS,
  QUANT_LAYOUTS,
  SCALE_DTYPES,
  KIVI_DEFAULT_RESIDUAL,
  type CacheQuantization,
  type QuantFormat,
  type QuantLayout,
  type ScaleDtype,
  cacheHoldingLayers,
  // The decode-time floor
  decodeTimeFloor,
  decodeTimeRows,
  weightBytes,
  parseBandwidth,
  WEIGHT_DTYPES,
  DEVICE_PRESETS,
  DEVICE_NAMES,
  findDevice,
  type WeightDtype,
  type DecodeTimeQuery,
  type DecodeTimeFloor,
  type DecodeTimeRow,
  type DecodeTimeSettings,
  type DevicePreset,
  // Display
  formatBytes,
  // The paged layout
  pagedBytes,
  pagedBlocks,
  pagedCacheMemory,
  type PagedCacheReport,
  type PagedLayer,
  type PagedMemory,
} from '../memory/index.js';
