import type { KernelConfig } from "../kernel_registry.ts";
import { getOp } from "../op.ts";
import "../ops/softmax.ts";
import { type CpuKernel, fastKernel } from "./cpu_kernel.ts";
import { softmaxWasm } from "./wasm/softmax_wasm.ts";

/**
 * Fast CPU kernel of softmax (kernels/ops/softmax.ts): float32 through wasm/softmax_wasm.ts (one
 * exponential per value where the reference takes two, in WASM SIMD, on both cores), which agrees
 * with the reference up to float64 rounding; otherwise the reference kernel itself.
 */

const referenceSoftmax = getOp("softmax")!.cpu as CpuKernel;

const softmaxFast: CpuKernel = (inputs, attrs, out, outShape) => {
  const [x] = inputs;
  const c = x.shape[x.shape.length - 1];
  if (x.data instanceof Float32Array && out instanceof Float32Array) {
    if (softmaxWasm(x.data, c, out)) return;
  }
  referenceSoftmax(inputs, attrs, out, outShape);
};

/** The registry entries of this file's kernels (registered by cpu/register_all.ts). */
export const softmaxFastKernels: KernelConfig<CpuKernel>[] = [
  fastKernel("softmax", softmaxFast, { overwrites: true }),
];
