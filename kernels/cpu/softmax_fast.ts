import type { KernelConfig } from "../kernel_registry.ts";
import { getOp } from "../op.ts";
import "../ops/softmax.ts";
import { type CpuKernel, fastKernel } from "./cpu_kernel.ts";
import { softmaxWasm } from "./wasm/softmax_wasm.ts";

/**
 * Fast CPU kernels of softmax and softmaxGrad (kernels/ops/softmax.ts). softmax: float32 through
 * wasm/softmax_wasm.ts (one exponential per value where the reference takes two, in WASM SIMD, on
 * both cores), which agrees with the reference up to float64 rounding; otherwise the reference
 * kernel itself. softmaxGrad: the reference's loop in a loop of its own (the reference's row
 * closure is shared with the other row ops, a call site V8 cannot inline), bit for bit.
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

const softmaxGradFast: CpuKernel = ([y, dy], _a, out) => {
  const c = y.shape[y.shape.length - 1], Y = y.data, G = dy.data, n = out.length;
  if (c === 0) return;
  for (let off = 0; off < n; off += c) {
    let s = G[off] * Y[off];
    for (let j = off + 1; j < off + c; j++) s += G[j] * Y[j];
    for (let j = off; j < off + c; j++) out[j] = Y[j] * (G[j] - s);
  }
};

/** The registry entries of this file's kernels (registered by cpu/register_all.ts). */
export const softmaxFastKernels: KernelConfig<CpuKernel>[] = [
  fastKernel("softmax", softmaxFast, { overwrites: true }),
  fastKernel("softmaxGrad", softmaxGradFast, { overwrites: true }),
];
