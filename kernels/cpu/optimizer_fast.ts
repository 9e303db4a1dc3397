import type { TypedArray } from "../dtype.ts";
import type { UpdateAttrs } from "../ops/optimizer_step.ts";
import { type CpuKernel, fastKernel } from "./cpu_kernel.ts";
import type { KernelConfig } from "../kernel_registry.ts";

/**
 * Fast CPU optimiser update: one loop per rule instead of the reference's per-element call
 * through a switch and a state array, which is slow on big layers (bench/README.md). Same
 * arithmetic in the same order, in
 * float64, the new state used unrounded as the reference does and rounded only on store, so
 * results equal the reference bit for bit.
 */
const optimizerStepFast: CpuKernel = (inputs, attrs, out) => {
  const h = attrs as UpdateAttrs;
  const p = inputs[0].data, g = inputs[1].data;
  const s0 = inputs[2]?.data as TypedArray, s1 = inputs[3]?.data as TypedArray;
  const { lr, wd, a, b, eps, c1, c2 } = h;
  const n = out.length;
  switch (h.kind) {
    case "sgd":
      for (let i = 0; i < n; i++) out[i] = p[i] - lr * (g[i] + wd * p[i]);
      return;
    case "momentum":
      for (let i = 0; i < n; i++) {
        const v = a * s0[i] + (g[i] + wd * p[i]);
        s0[i] = v;
        out[i] = p[i] - lr * v;
      }
      return;
    case "nesterov":
      for (let i = 0; i < n; i++) {
        const gd = g[i] + wd * p[i];
        const v = a * s0[i] + gd;
        s0[i] = v;
        out[i] = p[i] - lr * (gd + a * v);
      }
      return;
    case "ema":
      for (let i = 0; i < n; i++) {
        const v = a * s0[i] + (1 - a) * g[i];
        s0[i] = v;
        out[i] = p[i] - lr * (v + wd * p[i]);
      }
      return;
    case "rmsprop":
      for (let i = 0; i < n; i++) {
        const gd = g[i] + wd * p[i];
        const v = a * s0[i] + (1 - a) * gd * gd;
        s0[i] = v;
        out[i] = p[i] - lr * gd / (Math.sqrt(v) + eps);
      }
      return;
    case "adam":
      for (let i = 0; i < n; i++) {
        const gd = g[i] + wd * p[i];
        const m = a * s0[i] + (1 - a) * gd, v = b * s1[i] + (1 - b) * gd * gd;
        s0[i] = m;
        s1[i] = v;
        out[i] = p[i] - lr * (m * c1) / (Math.sqrt(v * c2) + eps);
      }
      return;
  }
};

/** The registry entries of this file's kernels (registered by cpu/register_all.ts). */
export const optimizerFastKernels: KernelConfig<CpuKernel>[] = [
  fastKernel("optimizerStep", optimizerStepFast, { overwrites: true }),
];
