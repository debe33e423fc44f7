/**
 * The base of every cache: buffers, positions, occupancy and the slot write; a subclass decides which
 * slot a token goes to and which slots a query sees.
 *
 * What the cache holds is measured, not restated: every slot has an occupancy flag, set when the cache
 * writes a pair into it and cleared when it frees one, and heldPairs counts the flags. The memory module's
 * formula (../memory/policy.ts) is never consulted here, so comparing the two tests something.
 */
import { MemoryInputError, policyProblems, type CachePolicy } from '../memory/index.js';
import type { AttendedRuns, BufferAllocator, CacheShape, KvCache } from './kv-cache.js';

export abstract class SlotCache implements KvCache {
  readonly shape: Readonly<CacheShape>;
  /** [layer · kvHeads + kvHead] → [slots][headDim]. */
  protected keyBuffers: Float32Array[] = [];
  protected valueBuffers: Float32Array[] = [];
  /** [layer] → the position each slot holds (−1: pooled, or empty). */
  protected positions: Float64Array[] = [];
  /** [layer] → 1 where the slot holds a pair, 0 where it is empty or freed. */
  protected occupied: Uint8Array[] = [];
  // Counters per layer as plain arrays of small integers, not Float64Arrays: V8 keeps small integers
  // unboxed, while a double returned from a method it does not inline is boxed, one allocation per call.
  /** Tokens appended so far, per layer. */
  protected readonly appended: number[];
  /** Attended slots per layer: the run [0, attended) of the buffers. */
  protected readonly attended: number[];
  /** [layer] → its runs; one prefix run here, a paged cache keeps several. */
  protected readonly runs: AttendedRuns[];

  constructor(
    shape: CacheShape,
    readonly policy: CachePolicy,
    slots: number,
    protected readonly allocator: BufferAllocator,
  ) {
    this.shape = checkCacheShape(shape);
    const problems = policyProblems(policy);
    if (problems.length > 0) throw new MemoryInputError(policy.kind, problems.join('; '));
    this.appended = new Array<number>(shape.layers).fill(0);
    this.attended = new Array<number>(shape.layers).fill(0);
    this.runs = Array.from({ length: shape.layers }, () => ({ count: 0, starts: new Int32Array(1), ends: new Int32Array(1) }));
    this.allocate(slots);
  }

  /**
   * (Re)allocates every buffer with room for `slots` pairs through the allocator (the kernel, which pads
   * to whole blocks of its loops: padding slots are reserved but never held), keeping what the old
   * buffers, positions and occupancy held.
   */
  protected allocate(usableSlots: number): void {
    const { layers, kvHeads, headDim } = this.shape;
    const buffers = this.allocator.allocate(headDim, usableSlots, 2 * layers * kvHeads);
    const slots = buffers[0]!.length / headDim;
    for (let l = 0; l < layers; l++) {
      this.positions[l] = grow(this.positions[l], new Float64Array(slots).fill(-1));
      this.occupied[l] = grow(this.occupied[l], new Uint8Array(slots));
      for (let h = 0; h < kvHeads; h++) {
        const i = l * kvHeads + h;
        this.keyBuffers[i] = grow(this.keyBuffers[i], buffers[2 * i]!);
        this.valueBuffers[i] = grow(this.valueBuffers[i], buffers[2 * i + 1]!);
      }
    }
  }

  get tokens(): number {
    return this.appended[this.shape.layers - 1]!;
  }

  abstract append(layer: number, k: Float32Array, v: Float32Array): void;

  attendedPairs(layer: number): number {
    return this.attended[layer]!;
  }

  attendedRuns(layer: number): AttendedRuns {
    const runs = this.runs[layer]!;
    const n = this.attended[layer]!;
    runs.count = n > 0 ? 1 : 0;
    runs.ends[0] = n;
    return runs;
  }

  keys(layer: number, kvHead: number): Float32Array {
    return this.keyBuffers[layer * this.shape.kvHeads + kvHead]!;
  }

  values(layer: number, kvHead: number): Float32Array {
    return this.valueBuffers[layer * this.shape.kvHeads + kvHead]!;
  }

  positionAt(layer: number, slot: number): number {
    return this.positions[layer]![slot]!;
  }

  slotPositions(layer: number): number[] {
    const runs = this.attendedRuns(layer);
    const out: number[] = [];
    for (let r = 0; r < runs.count; r++) {
      for (let s = runs.starts[r]!; s < runs.ends[r]!; s++) out.push(this.positions[layer]![s]!);
    }
    return out;
  }

  heldPairs(layer: number): number {
    let held = 0;
    for (const flag of this.occupied[layer]!) held += flag;
    return held;
  }

  heldBytes(): number {
    // Held slots × the bytes one slot takes in each of the layer's keys and values buffers.
    const { layers, kvHeads, headDim } = this.shape;
    let bytes = 0;
    for (let l = 0; l < layers; l++) {
      const held = this.heldPairs(l);
      for (let h = 0; h < kvHeads; h++) {
        for (const buffer of [this.keys(l, h), this.values(l, h)]) bytes += held * headDim * buffer.BYTES_PER_ELEMENT;
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
    this.occupied[layer]![slot] = 1;
  }

  /** Marks a slot as holding a pooled pair (a mean the cache wrote in place): held, no single position. */
  protected markPooled(layer: number, slot: number): void {
    this.positions[layer]![slot] = -1;
    this.occupied[layer]![slot] = 1;
  }

  /** Frees a slot: it no longer holds a pair (its bytes stay reserved). */
  protected release(layer: number, slot: number): void {
    this.positions[layer]![slot] = -1;
    this.occupied[layer]![slot] = 0;
  }
}

/** `into`, holding what `old` held (as much as fits). */
function grow<T extends Float32Array | Float64Array | Uint8Array>(old: T | undefined, into: T): T {
  if (old) into.set(old.subarray(0, Math.min(old.length, into.length)) as never);
  return into;
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
