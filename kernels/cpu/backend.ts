import { type Backend, type KernelInput, newCounters } from "../backend.ts";
import { bytesPer, type DType, dtypeOf, type TypedArray } from "../dtype.ts";
import { getKernel } from "../kernel_registry.ts";
import { mutatedInputs, type OpDef } from "../op.ts";
import { sizeOf } from "../shape.ts";
import { ArrayPool } from "./array_pool.ts";
import { dropCols } from "./cols_cache.ts";
import { dropStats } from "./bn_stats_cache.ts";
import { cpuGemmPath } from "./gemm_dispatch.ts";
import { helperStatus } from "./parallel/helper.ts";
import { wasmKernels, wasmKernelsStatus } from "./wasm/module.ts";
import type { CpuKernel } from "./cpu_kernel.ts";
// The fast kernels this backend looks up in the registry.
import "./register_all.ts";

export type { CpuKernel } from "./cpu_kernel.ts";

/**
 * The CPU backend. Storage handles are host typed arrays. With `fast` it runs the kernels
 * registered for backend "cpu" (cpu/register_all.ts) where they exist; without, only the ops'
 * plain reference kernels (the oracle).
 */
export class CpuBackend implements Backend {
  readonly name: string;
  counters = newCounters();
  /** Output arrays of freed tensors, reused by later ops (the reference backend keeps none). */
  readonly pool: ArrayPool;

  constructor(readonly fast = true) {
    this.name = fast ? "cpu" : "cpu-reference";
    this.pool = new ArrayPool(fast ? undefined : 0);
  }

  /** Which GEMM runs is only known at run time (OpenBLAS installed, FFI allowed). */
  get description(): string {
    return this.fast
      ? `CPU (TypeScript fast paths, ${helperStatus(wasmKernels())}, ` +
        `${wasmKernelsStatus()} im2col/col2im/pooling; ` +
        `GEMM: ${cpuGemmPath().detail})`
      : "CPU reference kernels (plain TypeScript)";
  }

  upload(data: TypedArray): unknown {
    this.counters.bufferCreations++;
    this.counters.bytesUploaded += data.length * bytesPer(dtypeOf(data));
    return data;
  }

  exec(
    op: OpDef,
    inputs: KernelInput[],
    attrs: unknown,
    shape: number[],
    dtype: DType,
  ): unknown {
    this.counters.dispatches++;
    const fast = this.fast ? getKernel<CpuKernel>(op.name, "cpu") : undefined;
    const allocated = this.pool.stats.allocated;
    const out = this.pool.take(dtype, sizeOf(shape), !fast?.overwrites);
    // An array served from the pool is not a new buffer.
    if (this.pool.stats.allocated !== allocated) this.counters.bufferCreations++;
    const ins = inputs.map((i) => ({ data: i.handle as TypedArray, shape: i.shape }));
    // Columns and statistics cached for an input that is about to change are stale.
    for (const i of mutatedInputs(op, attrs, ins.length)) {
      dropCols(ins[i]?.data);
      dropStats(ins[i]?.data);
    }
    (fast?.kernelFunc ?? op.cpu)(ins, attrs as never, out, shape);
    return out;
  }

  read(handle: unknown, dtype: DType, size: number): Promise<TypedArray> {
    return Promise.resolve(this.readSync(handle, dtype, size));
  }

  readSync(handle: unknown, _dtype: DType, size: number): TypedArray {
    this.counters.readbacks++;
    return (handle as TypedArray).slice(0, size);
  }

  free(handle: unknown): void {
    // Arrays this backend made go to its pool; uploaded ones stay with their owner. Either way
    // the conv columns and batch-norm statistics cached for this storage are stale from now on.
    dropCols(handle);
    dropStats(handle);
    this.pool.give(handle as TypedArray);
  }

  sync(): Promise<void> {
    return Promise.resolve();
  }
}
