import type { KernelConfig } from "../kernel_registry.ts";
import {
  batchNormGradStatsOf,
  batchNormInputGradOf,
  batchNormTrainForward,
  batchVarianceOf,
} from "../ops/batch_norm_passes.ts";
import { type CpuKernel, fastKernel } from "./cpu_kernel.ts";
import { wasmPasses } from "./wasm/batch_norm_wasm.ts";

/**
 * Fast CPU kernels of batch normalisation's training ops (kernels/ops/batch_norm.ts): the same
 * per-channel formulas as the reference, written once in ops/batch_norm_passes.ts, with their
 * per-element loops run as WASM SIMD (wasm/batch_norm_wasm.ts), bit-identical to the reference.
 */

type Eps = { epsilon: number };

/** The registry entries of this file's kernels. */
export const batchNormFastKernels: KernelConfig<CpuKernel>[] = [
  fastKernel("batchNormTrain", ([x, g, b], attrs, out) => {
    batchNormTrainForward(wasmPasses, x.data, g.data, b.data, (attrs as Eps).epsilon, out);
  }, { overwrites: true }),
  fastKernel("batchNormGradStats", ([x, dy], attrs, out) => {
    batchNormGradStatsOf(wasmPasses, x.data, dy.data, (attrs as Eps).epsilon, out);
  }, { overwrites: true }),
  fastKernel("batchNormInputGrad", ([x, dy, g, st], _attrs, out) => {
    batchNormInputGradOf(wasmPasses, x.data, dy.data, g.data, st.data, out);
  }, { overwrites: true }),
  fastKernel("batchVariance", ([x, m], _attrs, out) => {
    batchVarianceOf(wasmPasses, x.data, m.data, out);
  }, { overwrites: true }),
];
