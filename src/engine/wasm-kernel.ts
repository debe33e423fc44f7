/**
 * The 'wasm' kernel: wasm/attention.wat, WebAssembly SIMD, and the linear memories it works in.
 *
 * A WebAssembly function reads only its own linear memory, so this kernel's allocate() makes one
 * WebAssembly.Memory per call (an arena) laid out
 *
 *   [q: headDim][out: headDim + 2][weights: padded slots][buffers: count × padded slots × headDim]
 *
 * and returns Float32Array views on it: the same typed arrays the JS kernel, prefill and the caches read,
 * so nothing is copied per token except one query head in and one output head out (2·headDim floats,
 * independent of how many slots are attended). A full cache that doubles allocates a new arena and copies
 * its pairs over, as it would copy into a bigger Float32Array; memory.grow() would detach every view.
 * A decoder's weights and activations are one more arena (allocateFloats), which matvec works in.
 *
 * With threads = 2 the arenas are shared memories and every matvec and attention is split with a helper
 * thread (decode-helper.ts): this thread takes the first half of the rows or heads, the helper the rest.
 * Each arena then holds a second query/output/weights scratch, the helper's.
 */
import { WASM_BASE64, WASM_SHARED_BASE64 } from './wasm/attention.wasm.js';
import { paddedSlots } from './attention.js';
import { DecodeHelper } from './decode-helper.js';
import { Kernel } from './kernel.js';
import type { KvCache } from './kv-cache.js';

// The few WebAssembly types used here, declared locally: ES2022's lib and @types/node 20 have none, and
// keeping them out of the public .d.ts keeps it valid whatever lib a reader compiles with.
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
type AttendFn = (q: number, keys: number, values: number, slots: number, headDim: number, weights: number, out: number) => void;
type MatvecFn = (out: number, w: number, x: number, rows: number, cols: number) => void;
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: { attend: AttendFn; matvec: MatvecFn } };
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
}

const wasmApi = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
const bytes = Uint8Array.from(Buffer.from(WASM_BASE64, 'base64'));
const sharedBytes = Uint8Array.from(Buffer.from(WASM_SHARED_BASE64, 'base64'));
/** True when this runtime has WebAssembly with the SIMD proposal (Node ≥ 16.4 does). */
export const wasmSimdSupported: boolean = wasmApi !== undefined && wasmApi.validate(bytes);
/** True when it also has shared memories (the threads proposal; Node ≥ 16.4), which two threads need. */
export const wasmThreadsSupported: boolean = wasmSimdSupported && typeof SharedArrayBuffer === 'function' && wasmApi!.validate(sharedBytes);
/** Each module compiled once, instantiated per arena (cheap: instantiation links, it does not compile). */
let compiled: object | undefined;
let compiledShared: object | undefined;

const PAGE_BYTES = 65536;
/** Byte offsets rounded up to 16, so every region starts on a v128 boundary. */
const align16 = (n: number) => (n + 15) & ~15;
const align4k = (n: number) => (n + 4095) & ~4095;

/** Where one thread's attention works in an arena: its query, output and weights regions (byte offsets). */
interface Scratch {
  q: number;
  out: number;
  weights: number;
}

/**
 * One linear memory, the module instance bound to it, the attention scratch of each thread that works in
 * it (empty regions when headDim is 0: an arena of model weights), and its buffers, each starting on 16
 * bytes.
 */
class Arena {
  readonly memory: WasmMemory;
  readonly attendFn: AttendFn;
  readonly matvecFn: MatvecFn;
  /** This thread's query and output regions, as views. */
  readonly q: Float32Array;
  /** [headDim] output, then the run's largest score and weight sum. */
  readonly out: Float32Array;
  /** [0]: this thread's scratch; [1]: the helper thread's, in a shared arena. */
  readonly scratch: Scratch[] = [];
  readonly buffers: Float32Array[];

  constructor(
    readonly headDim: number,
    slots: number,
    lengths: readonly number[],
    shared: boolean,
  ) {
    let end = 0;
    for (let thread = 0; thread < (shared ? 2 : 1); thread++) {
      const q = end;
      const out = q + align16(headDim * 4);
      const weights = out + align16((headDim + 2) * 4);
      end = weights + align16(slots * 4);
      this.scratch.push({ q, out, weights });
    }
    const starts: number[] = [];
    for (const length of lengths) {
      if (length * 4 >= 4096) end = align4k(end);
      starts.push(end);
      end += align16(length * 4);
    }
    const pages = Math.max(1, Math.ceil(end / PAGE_BYTES));
    let module: object;
    if (shared) {
      compiledShared ??= new wasmApi!.Module(sharedBytes);
      module = compiledShared;
      this.memory = new wasmApi!.Memory({ initial: pages, maximum: pages, shared: true });
    } else {
      compiled ??= new wasmApi!.Module(bytes);
      module = compiled;
      this.memory = new wasmApi!.Memory({ initial: pages });
    }
    const { exports } = new wasmApi!.Instance(module, { env: { memory: this.memory } });
    this.attendFn = exports.attend;
    this.matvecFn = exports.matvec;
    const heap = this.memory.buffer;
    this.q = new Float32Array(heap, this.scratch[0]!.q, headDim);
    this.out = new Float32Array(heap, this.scratch[0]!.out, headDim + 2);
    this.buffers = lengths.map((length, i) => new Float32Array(heap, starts[i]!, length));
  }
}

/** Rows or heads below which a split costs more than it saves: the helper then sits the command out. */
const MIN_SPLIT_ROWS = 64;

export class WasmKernel extends Kernel {
  readonly name = 'wasm' as const;
  /** Threads a decode step runs on: 1, or 2 with the helper thread (decode-helper.ts). */
  readonly threads: 1 | 2;
  private readonly helper: DecodeHelper | undefined;
  // Head h's keys and values pointers for the helper's heads, reused.
  private pairs = new Int32Array(0);
  /** Each arena by the ArrayBuffer its views share; weak, so an arena a cache dropped can be collected. */
  private readonly arenas = new WeakMap<ArrayBufferLike, Arena>();
  // The last arena used: a decode step asks for the same one head after head.
  private lastHeap: ArrayBufferLike | undefined;
  private lastArena: Arena | undefined;

  constructor(threads: 1 | 2 = 1) {
    super();
    if (!wasmSimdSupported) throw new RangeError('WebAssembly SIMD is not available in this runtime');
    if (threads === 2 && !wasmThreadsSupported) throw new RangeError('two threads need WebAssembly shared memory, which this runtime lacks; use threads: 1');
    this.threads = threads;
    if (threads === 2) {
      compiledShared ??= new wasmApi!.Module(sharedBytes);
      this.helper = DecodeHelper.get(compiledShared);
    }
  }

  /**
   * Resolves true once the helper thread takes commands (false with one thread, or if it has not within
   * `ms`). A decode loop need not wait: until then its steps run whole on this thread. Tests and the
   * benchmark wait, so what they measure is the split step.
   */
  async helperReady(ms = 10_000): Promise<boolean> {
    const start = Date.now();
    while (this.helper !== undefined && !this.helper.ready && Date.now() - start < ms) await new Promise((resolve) => setTimeout(resolve, 5));
    return this.helper?.ready ?? false;
  }

  /** Commands handed to the helper thread so far, and those of them done here after all (0 with one thread). */
  get helperCommands(): { sent: number; takenBack: number } {
    return { sent: this.helper?.commands ?? 0, takenBack: this.helper?.taken ?? 0 };
  }

  allocate(headDim: number, slots: number, count: number): Float32Array[] {
    const padded = paddedSlots(slots);
    return this.register(new Arena(headDim, padded, new Array<number>(count).fill(padded * headDim), this.threads === 2));
  }

  allocateFloats(lengths: readonly number[]): Float32Array[] {
    return this.register(new Arena(0, 0, lengths, this.threads === 2));
  }

  private register(arena: Arena): Float32Array[] {
    this.arenas.set(arena.memory.buffer, arena);
    return arena.buffers;
  }

  matvec(out: Float32Array, outOff: number, w: Float32Array, x: Float32Array, xOff: number, rows: number, cols: number): void {
    const heap = w.buffer;
    const arena = heap === this.lastHeap ? this.lastArena : this.arenas.get(heap);
    if (!arena || out.buffer !== heap || x.buffer !== heap) {
      throw new RangeError('the wasm kernel multiplies only weights and vectors it allocated together (allocateFloats)');
    }
    if (rows * cols > w.length || outOff + rows > out.length || xOff + cols > x.length || outOff < 0 || xOff < 0) {
      throw new RangeError(`matvec of [${rows}][${cols}] does not fit its buffers`);
    }
    this.lastHeap = heap;
    this.lastArena = arena;
    const outPtr = out.byteOffset + outOff * 4;
    const wPtr = w.byteOffset;
    const xPtr = x.byteOffset + xOff * 4;
    const helper = this.helper;
    if (helper === undefined || rows < 2 * MIN_SPLIT_ROWS || !helper.ready) {
      arena.matvecFn(outPtr, wPtr, xPtr, rows, cols);
      return;
    }
    // The helper takes the second half of the rows (a multiple of 8 in the first, matvec's block).
    const half = (rows >> 1) & ~7;
    helper.matvec(helper.memoryId(arena.memory), outPtr + half * 4, wPtr + half * cols * 4, xPtr, rows - half, cols);
    arena.matvecFn(outPtr, wPtr, xPtr, half, cols);
    if (!helper.finish()) arena.matvecFn(outPtr + half * 4, wPtr + half * cols * 4, xPtr, rows - half, cols);
  }

  /**
   * Every query head over a cache that shows one run of slots (a prefix or a ring) in one loop here: one
   * lookup of the arena and one bounds check a layer instead of one a head (Kernel.attend's per-head path
   * stays for a paged cache's several runs). With the helper, the second half of the heads goes to it when
   * q and out live in shared memory (the decoder's activations).
   */
  override attend(out: Float32Array, q: Float32Array, cache: KvCache, layer: number, heads: number): void {
    const runs = cache.attendedRuns(layer);
    if (runs.count !== 1) {
      super.attend(out, q, cache, layer, heads);
      return;
    }
    const { kvHeads, headDim } = cache.shape;
    const keys0 = cache.keys(layer, 0);
    const arena = this.arenaOf(keys0, cache.values(layer, 0), headDim);
    const first = runs.starts[0]!;
    const slots = runs.ends[0]! - first;
    if (slots <= 0 || (first + paddedSlots(slots)) * headDim > keys0.length) {
      throw new RangeError(`keys and values must hold ${paddedSlots(slots)} slots from slot ${first} (${slots} rounded up to a multiple of 8)`);
    }
    const group = heads / kvHeads;
    const helper = this.helper;
    const qArena = helper?.ready && heads >= 2 ? this.arenas.get(q.buffer) : undefined;
    const outArena = qArena ? this.arenas.get(out.buffer) : undefined;
    if (helper === undefined || qArena === undefined || outArena === undefined || !(q.buffer instanceof SharedArrayBuffer)) {
      this.attendHeads(out, q, cache, layer, 0, heads, group, arena, first, slots);
      return;
    }
    const split = heads >> 1;
    if (this.pairs.length < 2 * (heads - split)) this.pairs = new Int32Array(2 * (heads - split));
    const row = headDim * 4;
    for (let h = split; h < heads; h++) {
      const g = Math.floor(h / group);
      this.pairs[2 * (h - split)] = this.inArena(cache.keys(layer, g), arena).byteOffset + first * row;
      this.pairs[2 * (h - split) + 1] = this.inArena(cache.values(layer, g), arena).byteOffset + first * row;
    }
    helper.attend(
      helper.memoryId(arena.memory),
      helper.memoryId(qArena.memory),
      q.byteOffset,
      helper.memoryId(outArena.memory),
      out.byteOffset,
      headDim,
      slots,
      split,
      heads,
      arena.scratch[1]!,
      this.pairs,
    );
    this.attendHeads(out, q, cache, layer, 0, split, group, arena, first, slots);
    // The helper had not started (asleep, or not scheduled on a busy machine): its heads are done here.
    if (!helper.finish()) this.attendHeads(out, q, cache, layer, split, heads, group, arena, first, slots);
  }

  /** Query heads [h0, h1) over the slots [first, first + slots) of the cache's layer, on this thread. */
  private attendHeads(out: Float32Array, q: Float32Array, cache: KvCache, layer: number, h0: number, h1: number, group: number, arena: Arena, first: number, slots: number): void {
    const { headDim } = cache.shape;
    const row = headDim * 4;
    const scratch = arena.scratch[0]!;
    const qIn = arena.q;
    const result = arena.out;
    for (let h = h0; h < h1; h++) {
      const g = Math.floor(h / group);
      const keys = this.inArena(cache.keys(layer, g), arena);
      const values = this.inArena(cache.values(layer, g), arena);
      // Loops, not set(subarray(…)): subarray() would allocate a view per head per token.
      for (let e = 0; e < headDim; e++) qIn[e] = q[h * headDim + e]!;
      arena.attendFn(scratch.q, keys.byteOffset + first * row, values.byteOffset + first * row, slots, headDim, scratch.weights, scratch.out);
      for (let e = 0; e < headDim; e++) out[h * headDim + e] = result[e]!;
    }
  }

  /** `buffer` itself, checked to be a view on the arena's memory (a cache keeps all its pairs in one). */
  private inArena(buffer: Float32Array, arena: Arena): Float32Array {
    if (buffer.buffer !== arena.memory.buffer) throw new RangeError('the wasm kernel attends only over keys and values it allocated together (create the cache with this kernel)');
    return buffer;
  }

  attendRun(
    out: Float32Array,
    outOff: number,
    q: Float32Array,
    qOff: number,
    keys: Float32Array,
    values: Float32Array,
    first: number,
    slots: number,
    headDim: number,
    stats: Float64Array,
  ): void {
    const arena = this.arenaOf(keys, values, headDim);
    const row = headDim * 4;
    if (slots <= 0 || first < 0 || (first + paddedSlots(slots)) * headDim > Math.min(keys.length, values.length)) {
      throw new RangeError(`keys and values must hold ${paddedSlots(slots)} slots from slot ${first} (${slots} rounded up to a multiple of 8)`);
    }
    // Loops, not set(subarray(…)): subarray() would allocate a view per head per token.
    const qIn = arena.q;
    for (let e = 0; e < headDim; e++) qIn[e] = q[qOff + e]!;
    const scratch = arena.scratch[0]!;
    arena.attendFn(scratch.q, keys.byteOffset + first * row, values.byteOffset + first * row, slots, headDim, scratch.weights, scratch.out);
    const result = arena.out;
    for (let e = 0; e < headDim; e++) out[outOff + e] = result[e]!;
    stats[0] = result[headDim]!;
    stats[1] = result[headDim + 1]!;
  }

  /** The arena both buffers are views on; refuses buffers this kernel did not allocate together. */
  private arenaOf(keys: Float32Array, values: Float32Array, headDim: number): Arena {
    const heap = keys.buffer;
    let arena = heap === this.lastHeap ? this.lastArena : this.arenas.get(heap);
    if (!arena || values.buffer !== heap || arena.headDim !== headDim) {
      throw new RangeError("the wasm kernel attends only over keys and values it allocated together (create the cache with this kernel)");
    }
    this.lastHeap = heap;
    this.lastArena = arena;
    return arena;
  }
}
