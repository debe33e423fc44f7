/**
 * Cross-layer sharing (Cross-Layer Attention, Brandon et al. 2024, arXiv 2405.12981): adjacent layers
 * share one key/value pair. With a sharing factor s, layers are taken in consecutive groups of s; the
 * first layer of a group computes and caches K and V, the others attend over that same cache. So
 * ⌈L / s⌉ layers hold a cache (the last group may be shorter), and s = 1 is today's model.
 *
 * Layers sharing a cache must attend over the same pairs, so a group may not mix a local (windowed)
 * layer with a global one: for hybrid models that is refused rather than guessed.
 */
import { MemoryInputError } from './errors.js';

/** For each layer, the layer whose cache it reads: itself when it holds one. */
export function cacheOwners(kinds: readonly string[], sharing = 1): number[] {
  if (!Number.isSafeInteger(sharing) || sharing <= 0) {
    throw new MemoryInputError('crossLayerSharing', `crossLayerSharing must be a whole number > 0 (got ${sharing})`);
  }
  return kinds.map((kind, layer) => {
    const owner = layer - (layer % sharing);
    if (kinds[owner] !== kind) {
      throw new MemoryInputError(
        'crossLayerSharing',
        `sharing factor ${sharing} would make layer ${layer} (${kind}) read the cache of layer ${owner} (${kinds[owner]}); layers sharing a cache must be of one kind`,
      );
    }
    return owner;
  });
}

/** Layers that hold a cache when groups of `sharing` adjacent layers share one: ⌈L / s⌉. */
export function cacheHoldingLayers(layers: number, sharing = 1): number {
  if (!Number.isSafeInteger(sharing) || sharing <= 0) {
    throw new MemoryInputError('crossLayerSharing', `crossLayerSharing must be a whole number > 0 (got ${sharing})`);
  }
  return Math.ceil(layers / sharing);
}
