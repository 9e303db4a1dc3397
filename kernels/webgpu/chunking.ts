import type { GpuKernel } from "./wgsl.ts";

/** One run of a kernel over a row range of its `chunked` input. */
export interface BindingChunk {
  /** The chunked input's index. */
  input: number;
  /** Byte offset and size of the range bound. */
  offset: number;
  size: number;
  /** The kernel's u32 parameters with the chunk's first row and row count filled in. */
  u32: number[];
}

/**
 * The row ranges to bind a `chunked` input in when it is larger than one storage binding may be
 * (128 MiB on some adapters: the 60 000 MNIST images as float32 are 188 MB); `[undefined]` when
 * it fits, so the kernel runs once over the whole buffer. Chunk starts fall on the adapter's
 * storage offset alignment.
 */
export function bindingChunks(
  kernel: GpuKernel,
  limits: { maxStorageBufferBindingSize: number; minStorageBufferOffsetAlignment: number },
): (BindingChunk | undefined)[] {
  const c = kernel.chunked;
  const limit = limits.maxStorageBufferBindingSize;
  if (!c || c.rows * c.rowBytes <= limit) return [undefined];
  const align = limits.minStorageBufferOffsetAlignment;
  const gcd = (a: number, b: number): number => (b ? gcd(b, a % b) : a);
  const step = align / gcd(c.rowBytes, align);
  const per = Math.floor(Math.floor(limit / c.rowBytes) / step) * step;
  const out: BindingChunk[] = [];
  for (let start = 0; start < c.rows; start += per) {
    const count = Math.min(per, c.rows - start);
    const u32 = [...(kernel.u32 ?? [])];
    u32[c.param] = start;
    u32[c.param + 1] = count;
    out.push({ input: c.input, offset: start * c.rowBytes, size: count * c.rowBytes, u32 });
  }
  return out;
}
