/**
 * The paged cache (vLLM's PagedAttention layout): each layer's pairs live in fixed blocks of B slots taken
 * from a pool, and a block table maps the sequence's logical block ⌊position / B⌋ to the physical block
 * that holds it. A block is taken when its first token arrives and given back once every pair in it has
 * left the window (with sinks: once it holds neither a sink nor a recent pair). Under full attention
 * nothing leaves, so nothing is freed.
 *
 * What it costs is whole blocks: the block being filled wastes up to B − 1 slots, and a block the window
 * is leaving keeps its already-evicted slots until its last pair goes (internal fragmentation).
 * allocatedBytes() counts the blocks in the table, heldBytes() the occupied slots; the memory module's
 * pagedBytes (../memory/paged.ts) is the formula both are tested against after every token.
 *
 * A query attends over the occupied slots block by block: runs of consecutive slots, which the kernel
 * attends separately and merges (kernel.ts). Blocks freed and taken again come back in any order, which
 * softmax does not mind.
 */
import { windowSlots, type CachePolicy } from '../memory/index.js';
import { SLOT_BLOCK } from './attention.js';
import type { AttendedRuns, BufferAllocator, CacheShape } from './kv-cache.js';
import { SlotCache } from './slot-cache.js';

/** The policies a block table serves: those whose slots hold single tokens. */
export type PagedPolicy = Extract<CachePolicy, { kind: 'full' | 'window' | 'sinks' }>;

/** Blocks the pool of an unbounded (full) cache starts with; it doubles when they run out. */
const INITIAL_FULL_BLOCKS = 4;

export class PagedCache extends SlotCache {
  readonly blockSize: number;
  /** Pairs a query sees besides the sinks (Infinity for full attention), and the sinks kept forever. */
  private readonly recent: number;
  private readonly sinks: number;
  /** Physical blocks the pool has room for, per layer. */
  private poolBlocks: number;
  /** [layer] → logical block → physical block, in logical order (a Map keeps insertion order). */
  private readonly tables: Map<number, number>[];
  /** [layer] → physical blocks given back, to be taken again. */
  private readonly freeBlocks: number[][];
  /** [layer] → the next physical block never used yet. */
  private readonly fresh: number[];
  /** [layer] → pairs attended: the total length of its runs. */
  private readonly attendedCount: number[];
  private readonly pagedRuns: AttendedRuns[];

  constructor(shape: CacheShape, policy: PagedPolicy, blockSize: number, allocator: BufferAllocator) {
    if (!Number.isSafeInteger(blockSize) || blockSize <= 0) throw new RangeError(`blockSize must be a whole number > 0 (got ${blockSize})`);
    const recent = policy.kind === 'full' ? Infinity : windowSlots(policy.window, policy.convention);
    const sinks = policy.kind === 'sinks' ? policy.sinks : 0;
    // Enough blocks for the most a window ever spans (its pairs straddle one block more than they fill).
    const pool =
      policy.kind === 'full' ? INITIAL_FULL_BLOCKS : Math.ceil(sinks / blockSize) + Math.ceil(recent / blockSize) + 1;
    super(shape, policy, pool * blockSize + SLOT_BLOCK, allocator);
    this.blockSize = blockSize;
    this.recent = recent;
    this.sinks = sinks;
    this.poolBlocks = pool;
    this.tables = Array.from({ length: shape.layers }, () => new Map<number, number>());
    this.freeBlocks = Array.from({ length: shape.layers }, () => []);
    this.fresh = new Array<number>(shape.layers).fill(0);
    this.attendedCount = new Array<number>(shape.layers).fill(0);
    this.pagedRuns = Array.from({ length: shape.layers }, () => ({ count: 0, starts: new Int32Array(4), ends: new Int32Array(4) }));
  }

  append(layer: number, k: Float32Array, v: Float32Array): void {
    const position = this.nextPosition(layer);
    // First the pair that leaves the window (so its block can be taken again at once), then the new one.
    const leaving = position - this.recent;
    if (leaving >= this.sinks) this.evict(layer, leaving);
    const B = this.blockSize;
    const logical = Math.floor(position / B);
    let physical = this.tables[layer]!.get(logical);
    if (physical === undefined) physical = this.takeBlock(layer, logical);
    this.write(layer, physical * B + (position % B), position, k, v);
    this.rebuildRuns(layer);
  }

  /** Blocks this layer's table holds now. */
  blocks(layer: number): number {
    return this.tables[layer]!.size;
  }

  /** Bytes of the blocks the tables hold, whole blocks: held pairs plus the empty and evicted slots in them. */
  allocatedBytes(): number {
    const { layers, kvHeads, headDim } = this.shape;
    let bytes = 0;
    for (let l = 0; l < layers; l++) {
      const slots = this.blocks(l) * this.blockSize;
      for (let h = 0; h < kvHeads; h++) {
        for (const buffer of [this.keys(l, h), this.values(l, h)]) bytes += slots * headDim * buffer.BYTES_PER_ELEMENT;
      }
    }
    return bytes;
  }

  override attendedPairs(layer: number): number {
    return this.attendedCount[layer]!;
  }

  override attendedRuns(layer: number): AttendedRuns {
    return this.pagedRuns[layer]!;
  }

  /** Frees the slot of `position`, and its block once no pair in it is held. */
  private evict(layer: number, position: number): void {
    const B = this.blockSize;
    const logical = Math.floor(position / B);
    const physical = this.tables[layer]!.get(logical)!;
    this.release(layer, physical * B + (position % B));
    const occupied = this.occupied[layer]!;
    for (let s = physical * B; s < (physical + 1) * B; s++) if (occupied[s] === 1) return;
    this.tables[layer]!.delete(logical);
    this.freeBlocks[layer]!.push(physical);
  }

  /** Maps `logical` to a free physical block, growing the pool (doubling, as the full cache does) if none is left. */
  private takeBlock(layer: number, logical: number): number {
    let physical = this.freeBlocks[layer]!.pop();
    if (physical === undefined) {
      physical = this.fresh[layer]!;
      this.fresh[layer] = physical + 1;
      if (physical >= this.poolBlocks) {
        this.poolBlocks *= 2;
        this.allocate(this.poolBlocks * this.blockSize + SLOT_BLOCK);
      }
    }
    this.tables[layer]!.set(logical, physical);
    return physical;
  }

  /** The occupied slots of the layer's blocks, in logical order, as runs (adjacent runs joined). */
  private rebuildRuns(layer: number): void {
    const B = this.blockSize;
    const occupied = this.occupied[layer]!;
    let runs = this.pagedRuns[layer]!;
    let count = 0;
    let total = 0;
    for (const physical of this.tables[layer]!.values()) {
      for (let s = physical * B; s < (physical + 1) * B; s++) {
        if (occupied[s] !== 1) continue;
        total += 1;
        if (count > 0 && runs.ends[count - 1] === s) {
          runs.ends[count - 1] = s + 1;
          continue;
        }
        if (count === runs.starts.length) {
          runs = { count, starts: grown(runs.starts), ends: grown(runs.ends) };
          this.pagedRuns[layer] = runs;
        }
        runs.starts[count] = s;
        runs.ends[count] = s + 1;
        count += 1;
      }
    }
    runs.count = count;
    this.attendedCount[layer] = total;
  }
}

function grown(a: Int32Array): Int32Array {
  const b = new Int32Array(2 * a.length);
  b.set(a);
  return b;
}
