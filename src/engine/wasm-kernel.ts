/**
 * The WebAssembly SIMD attention kernel (wasm/attention.wat) and the linear memory it works in.
 *
 * Design: a WebAssembly function can read only its own linear memory, so a cache that wants the fast
 * kernel keeps its keys and values there. KernelMemory is one WebAssembly.Memory per cache, laid out
 *
 *   [q: headDim][out: headDim][weights: padded slots][keys and values: buffers × slots × headDim]
 *
 * and the cache's buffers are Float32Array views on it: the same typed arrays the JS kernel, prefill and
 * heldBytes() read, so nothing is copied per token except one query head in and one output head out
 * (2·headDim floats, independent of how many slots are attended). A full cache that doubles makes a new
 * KernelMemory and copies its pairs over, as it would copy into a bigger Float32Array; memory.grow()
 * would detach every view instead.
 *
 * The projections (matvec) stay in JavaScript: see README "The engine" for the measured split.
 */
import { WASM_BASE64 } from './wasm/attention.wasm.js';

/** Which decode attention kernel a cache uses: plain TypeScript (attention.ts) or WebAssembly SIMD. */
export type AttentionKernel = 'js' | 'wasm';

// The few WebAssembly types used here, declared locally: ES2022's lib and @types/node 20 have none, and
// keeping them out of the public .d.ts keeps it valid whatever lib a reader compiles with.
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
type AttendFn = (q: number, keys: number, values: number, slots: number, headDim: number, weights: number, out: number) => void;
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: { attend: AttendFn } };
  Memory: new (descriptor: { initial: number }) => WasmMemory;
}

const wasmApi = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
const bytes = Uint8Array.from(Buffer.from(WASM_BASE64, 'base64'));
/** True when this runtime has WebAssembly with the SIMD proposal (Node ≥ 16.4 does). */
export const wasmSimdSupported: boolean = wasmApi !== undefined && wasmApi.validate(bytes);
/** Compiled once, instantiated per memory (cheap: instantiation links, it does not compile). */
let compiled: object | undefined;

/** The kernel used when none is asked for: WebAssembly SIMD where the runtime validates it. */
export function defaultKernel(): AttentionKernel {
  return wasmSimdSupported ? 'wasm' : 'js';
}

/** Checks a kernel name (from options or the command line) and that this runtime can run it. */
export function resolveKernel(kernel: AttentionKernel | undefined): AttentionKernel {
  if (kernel === undefined) return defaultKernel();
  if (kernel !== 'js' && kernel !== 'wasm') throw new RangeError(`kernel must be 'js' or 'wasm' (got ${String(kernel)})`);
  if (kernel === 'wasm' && !wasmSimdSupported) throw new RangeError("kernel 'wasm' needs WebAssembly SIMD, which this runtime lacks; use 'js'");
  return kernel;
}

const PAGE_BYTES = 65536;
/** Byte offsets rounded up to 16, so every region starts on a v128 boundary. */
const align16 = (bytes: number) => (bytes + 15) & ~15;

export class KernelMemory {
  /** The cache's keys and values buffers, [buffers][slots · headDim], views on the memory. */
  readonly buffers: Float32Array[];
  private readonly attendFn: AttendFn;
  private readonly q: Float32Array;
  private readonly out: Float32Array;
  private readonly qPtr: number;
  private readonly outPtr: number;
  private readonly weightsPtr: number;

  /** `slots` is already padded to whole kernel blocks. */
  constructor(
    readonly headDim: number,
    slots: number,
    bufferCount: number,
  ) {
    if (!wasmApi || !wasmSimdSupported) throw new RangeError('WebAssembly SIMD is not available in this runtime');
    compiled ??= new wasmApi.Module(bytes);
    this.qPtr = 0;
    this.outPtr = align16(headDim * 4);
    this.weightsPtr = this.outPtr + align16(headDim * 4);
    const buffersPtr = this.weightsPtr + align16(slots * 4);
    const bufferBytes = slots * headDim * 4;
    const total = buffersPtr + bufferCount * bufferBytes;
    const memory = new wasmApi.Memory({ initial: Math.max(1, Math.ceil(total / PAGE_BYTES)) });
    this.attendFn = new wasmApi.Instance(compiled, { env: { memory } }).exports.attend;
    const heap = memory.buffer;
    this.q = new Float32Array(heap, this.qPtr, headDim);
    this.out = new Float32Array(heap, this.outPtr, headDim);
    this.buffers = Array.from({ length: bufferCount }, (_, i) => new Float32Array(heap, buffersPtr + i * bufferBytes, slots * headDim));
  }

  /**
   * out[outOff..outOff+headDim) = attention of q[qOff..qOff+headDim) over the first `slots` slots of
   * keys and values, two of this memory's buffers. The query head is copied in and the output out (a
   * loop each: subarray() would allocate a view per head per token).
   */
  attend(out: Float32Array, outOff: number, q: Float32Array, qOff: number, keys: Float32Array, values: Float32Array, slots: number): void {
    const { headDim } = this;
    const qIn = this.q;
    for (let e = 0; e < headDim; e++) qIn[e] = q[qOff + e]!;
    this.attendFn(this.qPtr, keys.byteOffset, values.byteOffset, slots, headDim, this.weightsPtr, this.outPtr);
    const result = this.out;
    for (let e = 0; e < headDim; e++) out[outOff + e] = result[e]!;
  }
}
