import { type Backend, type KernelInput, newCounters } from "../backend.ts";
import { bytesPer, type DType, dtypeOf, type TypedArray } from "../dtype.ts";
import type { CpuInput, OpDef } from "../op.ts";
import { sizeOf } from "../shape.ts";
import { ArrayPool } from "./array_pool.ts";
import { dropCols } from "./cols_cache.ts";
import { cpuGemmPath } from "./gemm_dispatch.ts";
import { helperStatus } from "./parallel/helper.ts";
import { wasmKernels, wasmKernelsStatus } from "./wasm/module.ts";

/** A CPU kernel with the same contract as an op's reference `cpu` function. */
export type CpuKernel = (
  inputs: CpuInput[],
  attrs: unknown,
  out: TypedArray,
  outShape: number[],
) => void;

const fastKernels = new Map<string, CpuKernel>();
const overwriting = new Set<string>();

/** How a fast kernel treats its output array. */
export interface FastKernelOptions {
  /**
   * True when the kernel writes every output element whatever the array held, so the backend
   * may hand it a reused array without zeroing it first (a memset of memory the kernel writes
   * anyway). Leave unset for kernels that accumulate into or scatter over their output.
   */
  overwrites?: boolean;
}

/**
 * Registers a fast CPU kernel for an op (blocked GEMM, im2col conv). The "cpu" backend uses it;
 * "cpu-reference" never does, so the two can be compared on the same inputs.
 */
export function registerFastKernel(
  opName: string,
  kernel: CpuKernel,
  options: FastKernelOptions = {},
): void {
  fastKernels.set(opName, kernel);
  if (options.overwrites) overwriting.add(opName);
  else overwriting.delete(opName);
}

/** Ops whose fast kernel is registered with `overwrites` (tests poison their outputs). */
export function overwritingKernelNames(): string[] {
  return [...overwriting];
}

/** Names of ops that have a fast CPU kernel. */
export function fastKernelNames(): string[] {
  return [...fastKernels.keys()];
}

/**
 * The CPU backend. Storage handles are host typed arrays. With `fast` it runs the registered
 * fast kernels where they exist; without, only the plain reference kernels (the oracle).
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
    const kernel = this.fast ? fastKernels.get(op.name) : undefined;
    const allocated = this.pool.stats.allocated;
    const out = this.pool.take(dtype, sizeOf(shape), !(kernel && overwriting.has(op.name)));
    // An array served from the pool is not a new buffer.
    if (this.pool.stats.allocated !== allocated) this.counters.bufferCreations++;
    const ins = inputs.map((i) => ({ data: i.handle as TypedArray, shape: i.shape }));
    // Columns cached for an input that is about to change are stale.
    for (const i of op.mutates ?? []) dropCols(ins[i]?.data);
    (kernel ?? op.cpu)(ins, attrs as never, out, shape);
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
    // the conv columns cached for this storage are stale from now on.
    dropCols(handle);
    this.pool.give(handle as TypedArray);
  }

  sync(): Promise<void> {
    return Promise.resolve();
  }
}
