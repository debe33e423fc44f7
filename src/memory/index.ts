export * from './dtype.js';
export * from './policy.js';
export * from './bytes.js';
export * from './complexity.js';
export * from './presets.js';
export * from './format.js';
export * from './paged.js';
export { latentElementsPerToken, type LatentAttention } from './latent.js';
export {
  KIVI_DEFAULT_RESIDUAL,
  QUANT_BITS,
  QUANT_FORMATS,
  QUANT_LAYOUTS,
  SCALE_BYTES,
  SCALE_DTYPES,
  groupMetaBytes,
  quantizationProblems,
  quantizedVectorBytes,
  valuesPerByte,
  type CacheQuantization,
  type QuantFormat,
  type QuantLayout,
  type ScaleDtype,
} from './quantized.js';
export { cacheHoldingLayers, cacheOwners } from './sharing.js';
export { pagedCacheMemory, type PagedCacheReport, type PagedLayer } from './paged-memory.js';
export { DEVICE_NAMES, DEVICE_PRESETS, findDevice, type DevicePreset } from './devices.js';
export {
  WEIGHT_BITS,
  WEIGHT_DTYPES,
  decodeTimeFloor,
  decodeTimeRows,
  parseBandwidth,
  weightBytes,
  type DecodeTimeFloor,
  type DecodeTimeQuery,
  type DecodeTimeRow,
  type DecodeTimeSettings,
  type WeightDtype,
} from './decode-time.js';
