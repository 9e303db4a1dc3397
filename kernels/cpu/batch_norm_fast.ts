import type { KernelConfig } from "../kernel_registry.ts";
import {
  batchNormGradStatsOf,
  batchNormInputGradOf,
  batchNormTrainForward,
  batchVarianceOf,
} from "../ops/batch_norm_passes.ts";
import { type CpuKernel, fastKernel } from "./cpu_kernel.ts";
import { wasmPasses } from "./wasm/batch_norm_wasm.ts";
import { wasmKernels } from "./wasm/module.ts";
import { findStats, keepStats } from "./bn_stats_cache.ts";
import { gradEnabled } from "../engine.ts";

/**
 * Fast CPU kernels of batch normalisation's training ops (kernels/ops/batch_norm.ts): the same
 * per-channel formulas as the reference, written once in ops/batch_norm_passes.ts, with their
 * per-element loops run as WASM SIMD (wasm/batch_norm_wasm.ts), bit-identical to the reference.
 * The backward takes the forward's statistics from bn_stats_cache.ts instead of two more passes.
 */

type Eps = { epsilon: number };

/** The registry entries of this file's kernels. */
export const batchNormFastKernels: KernelConfig<CpuKernel>[] = [
  fastKernel("batchNormTrain", ([x, g, b], attrs, out) => {
    const eps = (attrs as Eps).epsilon;
    const stats = batchNormTrainForward(wasmPasses, x.data, g.data, b.data, eps, out);
    // Kept for the backward only while autograd records (as conv columns are).
    if (gradEnabled()) keepStats(x.data, g.data.length, eps, wasmKernels() !== undefined, stats);
  }, { overwrites: true }),
  fastKernel("batchNormGradStats", ([x, dy], attrs, out) => {
    const eps = (attrs as Eps).epsilon, c = out.length / 4;
    const kept = findStats(x.data, c, eps, wasmKernels() !== undefined);
    batchNormGradStatsOf(wasmPasses, x.data, dy.data, eps, out, kept);
  }, { overwrites: true }),
  fastKernel("batchNormInputGrad", ([x, dy, g, st], _attrs, out) => {
    batchNormInputGradOf(wasmPasses, x.data, dy.data, g.data, st.data, out);
  }, { overwrites: true }),
  fastKernel("batchVariance", ([x, m], _attrs, out) => {
    batchVarianceOf(wasmPasses, x.data, m.data, out);
  }, { overwrites: true }),
];
