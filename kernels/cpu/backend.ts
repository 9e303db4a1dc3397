import { type Backend, type KernelInput, newCounters } from "../backend.ts";
import { allocArray, bytesPer, type DType, dtypeOf, type TypedArray } from "../dtype.ts";
import type { CpuInput, OpDef } from "../op.ts";
import { sizeOf } from "../shape.ts";
import { cpuGemmPath } from "./gemm_dispatch.ts";

/** A CPU kernel with the same contract as an op's reference `cpu` function. */
export type CpuKernel = (
  inputs: CpuInput[],
  attrs: unknown,
  out: TypedArray,
  outShape: number[],
) => void;

const fastKernels = new Map<string, CpuKernel>();

/**
 * Registers a fast CPU kernel for an op (blocked GEMM, im2col conv). The "cpu" backend uses it;
 * "cpu-reference" never does, so the two can be compared on the same inputs.
 */
export function registerFastKernel(opName: string, kernel: CpuKernel): void {
  fastKernels.set(opName, kernel);
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

  constructor(readonly fast = true) {
    this.name = fast ? "cpu" : "cpu-reference";
  }

  /** Which GEMM runs is only known at run time (OpenBLAS installed, FFI allowed). */
  get description(): string {
    return this.fast
      ? `CPU (TypeScript fast paths, im2col conv; GEMM: ${cpuGemmPath().detail})`
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
    const out = allocArray(dtype, sizeOf(shape));
    this.counters.bufferCreations++;
    const ins = inputs.map((i) => ({ data: i.handle as TypedArray, shape: i.shape }));
    const kernel = this.fast ? fastKernels.get(op.name) : undefined;
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

  free(_handle: unknown): void {
    // Host arrays go back to the garbage collector.
  }

  sync(): Promise<void> {
    return Promise.resolve();
  }
}
