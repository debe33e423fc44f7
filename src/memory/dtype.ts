/**
 * Storage types a KV cache may use, and how many bytes one element takes.
 * fp8 and int8 are the quantized caches of serving stacks (vLLM, TensorRT-LLM): one byte an element.
 */
export const DTYPE_BYTES = {
  fp32: 4,
  fp16: 2,
  bf16: 2,
  fp8: 1,
  int8: 1,
} as const;

export type Dtype = keyof typeof DTYPE_BYTES;

export const DTYPES = Object.keys(DTYPE_BYTES) as Dtype[];

export function isDtype(name: string): name is Dtype {
  return Object.prototype.hasOwnProperty.call(DTYPE_BYTES, name);
}

/** Bytes of one element of `dtype`. */
export function bytesPerElement(dtype: Dtype): number {
  return DTYPE_BYTES[dtype];
}
