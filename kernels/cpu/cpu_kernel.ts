import type { TypedArray } from "../dtype.ts";
import type { KernelConfig } from "../kernel_registry.ts";
import type { CpuInput } from "../op.ts";

/** A CPU kernel with the same contract as an op's reference `cpu` function. */
export type CpuKernel = (
  inputs: CpuInput[],
  attrs: unknown,
  out: TypedArray,
  outShape: number[],
) => void;

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
 * The registry entry of a fast CPU kernel for op `kernelName` (registered by
 * cpu/register_all.ts). The "cpu" backend runs it; "cpu-reference" never does, so the two can
 * be compared on the same inputs. Example: `fastKernel("relu", reluFast, { overwrites: true })`.
 */
export function fastKernel(
  kernelName: string,
  kernelFunc: CpuKernel,
  options: FastKernelOptions = {},
): KernelConfig<CpuKernel> {
  return { kernelName, backendName: "cpu", kernelFunc, overwrites: options.overwrites };
}
