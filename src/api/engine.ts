/**
 * `kvlab/engine`: the small decoder and its KV caches, to measure what the formula predicts
 * (docs/engine.md). Every name is described in docs/api.md.
 */
export {
  createDecoder,
  decodeStepFlops,
  type Decoder,
  type AttentionWeights,
  type DecoderConfig,
  createCache,
  type KvCache,
  type CacheShape,
  type CacheOptions,
  type AttentionKernel,
  createKernel,
  type Kernel,
  PagedCache,
  type PositionEncoding,
  simulate,
  type SimulateOptions,
  type SimulatePoint,
  type SimulateResult,
  attendReference,
} from '../engine/index.js';
