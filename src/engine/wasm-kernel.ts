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
 */
import { WASM_BASE64 } from './wasm/attention.wasm.js';
import { paddedSlots } from './attention.js';
import { Kernel } from './kernel.js';

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
  Memory: new (descriptor: { initial: number }) => WasmMemory;
}

const wasmApi = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
const bytes = Uint8Array.from(Buffer.from(WASM_BASE64, 'base64'));
/** True when this runtime has WebAssembly with the SIMD proposal (Node ≥ 16.4 does). */
export const wasmSimdSupported: boolean = wasmApi !== undefined && wasmApi.validate(bytes);
/** Compiled once, instantiated per arena (cheap: instantiation links, it does not compile). */
let compiled: object | undefined;

const PAGE_BYTES = 65536;
/** Byte offsets rounded up to 16, so every region starts on a v128 boundary. */
const align16 = (n: number) => (n + 15) & ~15;

/**
 * One linear memory, the module instance bound to it, its query, output and weights regions for attention
 * (empty when headDim is 0: an arena of model weights), and its buffers, each starting on 16 bytes.
 */
class Arena {
  readonly attendFn: AttendFn;
  readonly matvecFn: MatvecFn;
  readonly q: Float32Array;
  /** [headDim] output, then the run's largest score and weight sum. */
  readonly out: Float32Array;
  readonly qPtr = 0;
  readonly outPtr: number;
  readonly weightsPtr: number;
  readonly buffers: Float32Array[];

  constructor(
    readonly headDim: number,
    slots: number,
    lengths: readonly number[],
  ) {
    compiled ??= new wasmApi!.Module(bytes);
    this.outPtr = align16(headDim * 4);
    this.weightsPtr = this.outPtr + align16((headDim + 2) * 4);
    const starts: number[] = [];
    let end = this.weightsPtr + align16(slots * 4);
    for (const length of lengths) {
      starts.push(end);
      end += align16(length * 4);
    }
    const memory = new wasmApi!.Memory({ initial: Math.max(1, Math.ceil(end / PAGE_BYTES)) });
    const { exports } = new wasmApi!.Instance(compiled, { env: { memory } });
    this.attendFn = exports.attend;
    this.matvecFn = exports.matvec;
    const heap = memory.buffer;
    this.q = new Float32Array(heap, this.qPtr, headDim);
    this.out = new Float32Array(heap, this.outPtr, headDim + 2);
    this.buffers = lengths.map((length, i) => new Float32Array(heap, starts[i]!, length));
  }
}

export class WasmKernel extends Kernel {
  readonly name = 'wasm' as const;
  /** Each arena by the ArrayBuffer its views share; weak, so an arena a cache dropped can be collected. */
  private readonly arenas = new WeakMap<ArrayBuffer, Arena>();
  // The last arena used: a decode step asks for the same one head after head.
  private lastHeap: ArrayBufferLike | undefined;
  private lastArena: Arena | undefined;

  constructor() {
    super();
    if (!wasmSimdSupported) throw new RangeError('WebAssembly SIMD is not available in this runtime');
  }

  allocate(headDim: number, slots: number, count: number): Float32Array[] {
    const padded = paddedSlots(slots);
    return this.register(new Arena(headDim, padded, new Array<number>(count).fill(padded * headDim)));
  }

  allocateFloats(lengths: readonly number[]): Float32Array[] {
    return this.register(new Arena(0, 0, lengths));
  }

  private register(arena: Arena): Float32Array[] {
    this.arenas.set(arena.q.buffer as ArrayBuffer, arena);
    return arena.buffers;
  }

  matvec(out: Float32Array, outOff: number, w: Float32Array, x: Float32Array, xOff: number, rows: number, cols: number): void {
    const heap = w.buffer;
    const arena = heap === this.lastHeap ? this.lastArena : this.arenas.get(heap as ArrayBuffer);
    if (!arena || out.buffer !== heap || x.buffer !== heap) {
      throw new RangeError('the wasm kernel multiplies only weights and vectors it allocated together (allocateFloats)');
    }
    if (rows * cols > w.length || outOff + rows > out.length || xOff + cols > x.length || outOff < 0 || xOff < 0) {
      throw new RangeError(`matvec of [${rows}][${cols}] does not fit its buffers`);
    }
    this.lastHeap = heap;
    this.lastArena = arena;
    arena.matvecFn(out.byteOffset + outOff * 4, w.byteOffset, x.byteOffset + xOff * 4, rows, cols);
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
    arena.attendFn(arena.qPtr, keys.byteOffset + first * row, values.byteOffset + first * row, slots, headDim, arena.weightsPtr, arena.outPtr);
    const result = arena.out;
    for (let e = 0; e < headDim; e++) out[outOff + e] = result[e]!;
    stats[0] = result[headDim]!;
    stats[1] = result[headDim + 1]!;
  }

  /** The arena both buffers are views on; refuses buffers this kernel did not allocate together. */
  private arenaOf(keys: Float32Array, values: Float32Array, headDim: number): Arena {
    const heap = keys.buffer;
    let arena = heap === this.lastHeap ? this.lastArena : this.arenas.get(heap as ArrayBuffer);
    if (!arena || values.buffer !== heap || arena.headDim !== headDim) {
      throw new RangeError("the wasm kernel attends only over keys and values it allocated together (create the cache with this kernel)");
    }
    this.lastHeap = heap;
    this.lastArena = arena;
    return arena;
  }
}
