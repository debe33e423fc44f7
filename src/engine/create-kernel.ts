/**
 * The one place a kernel is chosen by name and validated: the decoder, createCache and the CLI all come
 * through createKernel.
 */
import { KERNEL_NAMES, type AttentionKernel, type Kernel } from './kernel.js';
import { JsKernel } from './js-kernel.js';
import { WasmKernel, wasmSimdSupported } from './wasm-kernel.js';

/** The kernel used when none is asked for: WebAssembly SIMD where the runtime validates it, else js. */
export function defaultKernel(): AttentionKernel {
  return wasmSimdSupported ? 'wasm' : 'js';
}

/**
 * A new kernel of that name (the default one when undefined), or `kernel` itself when it is already a
 * kernel object (so a cache can share its decoder's). Throws a RangeError that says what to use instead
 * for an unknown name, or for 'wasm' on a runtime without WebAssembly SIMD.
 */
export function createKernel(kernel?: AttentionKernel | Kernel): Kernel {
  if (typeof kernel === 'object' && kernel !== null && typeof kernel.attend === 'function') return kernel;
  const name = (kernel ?? defaultKernel()) as AttentionKernel;
  if (!KERNEL_NAMES.includes(name)) throw new RangeError(`kernel must be 'js' or 'wasm' (got ${String(name)})`);
  if (name === 'wasm' && !wasmSimdSupported) throw new RangeError("kernel 'wasm' needs WebAssembly SIMD, which this runtime lacks; use 'js'");
  return name === 'wasm' ? new WasmKernel() : new JsKernel();
}
