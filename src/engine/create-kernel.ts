/**
 * The one place a kernel is chosen by name and validated: the decoder, createCache and the CLI all come
 * through createKernel.
 */
import { KERNEL_NAMES, type AttentionKernel, type Kernel } from './kernel.js';
import { JsKernel } from './js-kernel.js';
import { availableParallelism } from 'node:os';
import { WasmKernel, wasmSimdSupported, wasmThreadsSupported } from './wasm-kernel.js';

/** The kernel used when none is asked for: WebAssembly SIMD where the runtime validates it, else js. */
export function defaultKernel(): AttentionKernel {
  return wasmSimdSupported ? 'wasm' : 'js';
}

/**
 * Model width (τ·d_h) from which a decoder splits its steps over two threads by default. Below it a step's
 * halves take a few µs each, and handing one to the other thread and waiting for it costs about as much;
 * `npm run bench -- engine` prints both sides of it.
 */
export const TWO_THREAD_WIDTH = 512;

/**
 * Threads a decoder of this width runs its steps on when none is asked for: 2 with the wasm kernel, at
 * least TWO_THREAD_WIDTH wide, on a machine with two or more cores; else 1.
 */
export function defaultThreads(width: number, kernel?: AttentionKernel | Kernel): 1 | 2 {
  const name = typeof kernel === 'object' ? kernel.name : (kernel ?? defaultKernel());
  return name === 'wasm' && wasmThreadsSupported && width >= TWO_THREAD_WIDTH && availableParallelism() >= 2 ? 2 : 1;
}

/**
 * A new kernel of that name (the default one when undefined), or `kernel` itself when it is already a
 * kernel object (so a cache can share its decoder's). `threads` 2 splits every matvec and attention with
 * a helper thread (wasm only; decode-helper.ts); undefined means 1 for a new kernel and whatever a given
 * kernel object has. Throws a RangeError that says what to use instead for an unknown name or thread
 * count, a kernel object with other threads than asked, or what this runtime lacks.
 */
export function createKernel(kernel?: AttentionKernel | Kernel, threads?: 1 | 2): Kernel {
  // null, as a JavaScript caller may pass for "not given", is not given (as createDecoder's ?? reads it).
  if (threads !== undefined && threads !== null && (threads as unknown) !== 1 && (threads as unknown) !== 2) {
    const shown = typeof threads === 'string' ? `'${threads as string}'` : String(threads);
    throw new RangeError(`threads must be 1 or 2 (got ${shown})`);
  }
  threads ??= undefined;
  if (typeof kernel === 'object' && kernel !== null && typeof kernel.attend === 'function') {
    if (kernel.name === 'js' && threads === 2) throw new RangeError("threads: 2 needs the 'wasm' kernel; the 'js' kernel runs on one thread");
    if (threads !== undefined && threads !== kernel.threads) {
      throw new RangeError(`threads: ${threads} asks for another kernel than the one given, which runs on ${kernel.threads} thread${kernel.threads === 1 ? '' : 's'}; pass createKernel('${kernel.name}', ${threads}) or leave threads out`);
    }
    return kernel;
  }
  const name = (kernel ?? defaultKernel()) as AttentionKernel;
  if (!KERNEL_NAMES.includes(name)) throw new RangeError(`kernel must be 'js' or 'wasm' (got ${String(name)})`);
  if (name === 'wasm' && !wasmSimdSupported) throw new RangeError("kernel 'wasm' needs WebAssembly SIMD, which this runtime lacks; use 'js'");
  if (name === 'js' && threads === 2) throw new RangeError("threads: 2 needs the 'wasm' kernel; the 'js' kernel runs on one thread");
  return name === 'wasm' ? new WasmKernel(threads ?? 1) : new JsKernel();
}
