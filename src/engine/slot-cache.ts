/**
 * The base of every cache: buffers, counters and the slot write; a subclass decides which slot a token goes
 * to and which prefix a query sees.
 */
import { MemoryInputError, policyProblems, type CachePolicy } from '../memory/index.js';
import type { CacheShape, KvCache } from './kv-cache.js';
import { paddedSlots } from './attention.js';
import { KernelMemory, resolveKernel, type AttentionKernel } from './wasm-kernel.js';

export abstract class SlotCache implements KvCache {
  readonly shape: Readonly<CacheShape>;
  /** [layer · kvHeads + kvHead] → [slots][headDim]. */
  protected keyBuffers: Float32Array[] = [];
  protected valueBuffers: Float32Array[] = [];
  /** [layer] → the position each slot holds (−1: pooled, or empty). */
  protected positions: Float64Array[] = [];
  // Counters per layer as plain arrays of small integers, not Float64Arrays: V8 keeps small integers
  // unboxed, while a double returned from a method it does not inline is boxed, one allocation per call.
  /** Tokens appended so far, per layer. */
  protected readonly appended: number[];
  /** Live slots per layer: the pairs held, attended or not. */
  protected readonly held: number[];
  /** Attended slots per layer: a prefix of the buffers. */
  protected readonly attended: number[];
  readonly kernel: AttentionKernel;
  /**
   * With the WebAssembly kernel, the linear memory the buffers live in (wasm-kernel.ts); undefined
   * with the JS kernel, whose buffers are ordinary Float32Arrays.
   */
  kernelMemory: KernelMemory | undefined;

  constructor(
    shape: CacheShape,
    readonly policy: CachePolicy,
    slots: number,
    kernel?: AttentionKernel,
  ) {
    this.shape = checkCacheShape(shape);
    this.kernel = resolveKernel(kernel);
    const problems = policyProblems(policy);
    if (problems.length > 0) throw new MemoryInputError(policy.kind, problems.join('; '));
    this.appended = new Array<number>(shape.layers).fill(0);
    this.held = new Array<number>(shape.layers).fill(0);
    this.attended = new Array<number>(shape.layers).fill(0);
    this.allocate(slots);
  }

  /**
   * (Re)allocates every buffer with room for `slots` pairs, keeping what the old buffers held. Rounded up
   * to whole blocks of the attention kernel (attention.ts): up to SLOT_BLOCK − 1 padding slots, reserved
   * but never held.
   */
  protected allocate(usableSlots: number): void {
    const { layers, kvHeads, headDim } = this.shape;
    const slots = paddedSlots(usableSlots);
    // The WebAssembly kernel reads only its own memory, so its buffers are views on a new one (the old
    // contents copied over below, as grow() copies into a bigger Float32Array).
    const memory = this.kernel === 'wasm' ? new KernelMemory(headDim, slots, 2 * layers * kvHeads) : undefined;
    for (let l = 0; l < layers; l++) {
      const pos = new Float64Array(slots).fill(-1);
      const old = this.positions[l];
      if (old) pos.set(old.subarray(0, Math.min(old.length, slots)));
      this.positions[l] = pos;
      for (let h = 0; h < kvHeads; h++) {
        const i = l * kvHeads + h;
        this.keyBuffers[i] = grow(this.keyBuffers[i], slots * headDim, memory?.buffers[2 * i]);
        this.valueBuffers[i] = grow(this.valueBuffers[i], slots * headDim, memory?.buffers[2 * i + 1]);
      }
    }
    this.kernelMemory = memory;
  }

  get tokens(): number {
    return this.appended[this.shape.layers - 1]!;
  }

  abstract append(layer: number, k: Float32Array, v: Float32Array): void;

  attendedSlots(layer: number): number {
    return this.attended[layer]!;
  }

  keys(layer: number, kvHead: number): Float32Array {
    return this.keyBuffers[layer * this.shape.kvHeads + kvHead]!;
  }

  values(layer: number, kvHead: number): Float32Array {
    return this.valueBuffers[layer * this.shape.kvHeads + kvHead]!;
  }

  slotPositions(layer: number): number[] {
    return Array.from(this.positions[layer]!.subarray(0, this.attended[layer]));
  }

  heldBytes(): number {
    // Live slots × the bytes one slot takes in each buffer, summed over every keys and values buffer.
    let bytes = 0;
    for (let l = 0; l < this.shape.layers; l++) {
      for (let h = 0; h < this.shape.kvHeads; h++) {
        const i = l * this.shape.kvHeads + h;
        for (const buffer of [this.keyBuffers[i]!, this.valueBuffers[i]!]) {
          bytes += this.held[l]! * this.shape.headDim * buffer.BYTES_PER_ELEMENT;
        }
      }
    }
    return bytes;
  }

  reservedBytes(): number {
    let bytes = 0;
    for (const buffer of this.keyBuffers) bytes += buffer.byteLength;
    for (const buffer of this.valueBuffers) bytes += buffer.byteLength;
    return bytes;
  }

  /** Checks the layer and counts the token in; returns its position in the sequence. */
  protected nextPosition(layer: number): number {
    if (!(layer >= 0 && layer < this.shape.layers && Number.isInteger(layer))) {
      throw new RangeError(`layer ${layer} is out of range 0..${this.shape.layers - 1}`);
    }
    const position = this.appended[layer]!;
    this.appended[layer] = position + 1;
    return position;
  }

  /** Copies one token's [kvHeads][headDim] keys and values into `slot` of every KV head of the layer. */
  protected write(layer: number, slot: number, position: number, k: Float32Array, v: Float32Array): void {
    const { kvHeads, headDim } = this.shape;
    const at = slot * headDim;
    for (let h = 0; h < kvHeads; h++) {
      const keys = this.keyBuffers[layer * kvHeads + h]!;
      const values = this.valueBuffers[layer * kvHeads + h]!;
      const from = h * headDim;
      // A plain loop: subarray() would allocate a view object per head per token.
      for (let d = 0; d < headDim; d++) {
        keys[at + d] = k[from + d]!;
        values[at + d] = v[from + d]!;
      }
    }
    this.positions[layer]![slot] = position;
  }
}

/** A buffer of `length` floats (`into` if given) holding what `old` held. */
function grow(old: Float32Array | undefined, length: number, into?: Float32Array): Float32Array {
  const next = into ?? new Float32Array(length);
  if (old) next.set(old.subarray(0, Math.min(old.length, length)));
  return next;
}

function checkCacheShape(shape: CacheShape): CacheShape {
  for (const field of ['layers', 'kvHeads', 'headDim'] as const) {
    const value = shape[field];
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw new MemoryInputError(field, `${field} must be a whole number > 0 (got ${value})`);
    }
  }
  return { layers: shape.layers, kvHeads: shape.kvHeads, headDim: shape.headDim };
}
