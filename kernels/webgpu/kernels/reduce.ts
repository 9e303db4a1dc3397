import type { KernelConfig } from "../../kernel_registry.ts";
import type { TensorInfo } from "../../op.ts";
import type { ReduceAttrs } from "../../ops/reduce.ts";
import { sizeOf } from "../../shape.ts";
import {
  type GpuKernel,
  mapKernel,
  reduceOffsetFn,
  reduction,
  webgpuKernel,
  type WebGpuKernelFn,
  wgslType,
} from "../wgsl.ts";
import { withNumerics } from "./numerics.ts";

/** WGSL kernels of sum, max, min and broadcastTo (kernels/ops/reduce.ts, reduce_derived.ts). */

/** A reduction kernel: one workgroup per output element, a tree over its reduced elements. */
function reduceKernel(
  x: TensorInfo,
  axes: number[],
  kind: "sum" | "max" | "min",
): GpuKernel {
  const t = wgslType(x.dtype);
  const reduced = sizeOf(axes.map((a) => x.shape[a]));
  // The kept axes' size, not size / reduced: over an empty axis that is 0/0, and the outputs
  // (a sum of nothing is 0) would never be written.
  const outputs = sizeOf(x.shape.filter((_, i) => !axes.includes(i)));
  // max and min keep NaN like the CPU reference (WGSL's max and min may drop it).
  const pick = kind === "max" ? "maxnan_" : "minnan_";
  const init = kind === "sum"
    ? `var acc = ${t}(0);`
    : `var acc = bitcast<f32>(${kind === "max" ? "0xff800000u" : "0x7f800000u"});`;
  return withNumerics(reduction({
    outputs,
    reduced,
    accType: t,
    prelude: reduceOffsetFn(x.shape, axes),
    init,
    load: "in0[offset_(o, r)]",
    step: kind === "sum" ? "acc += v;" : `acc = ${pick}(acc, v);`,
    combine: kind === "sum" ? "a + b" : `${pick}(a, b)`,
    finish: "out[o] = acc;",
    // Sums of few outputs over many terms are split so every core gets work.
    splits: kind === "sum" && reduced >= 8192 && outputs < 1024
      ? Math.min(32, Math.floor(reduced / 4096))
      : 1,
  }));
}

/** The registry entries of this file's kernels. */
export const reduceWebGpuKernels: KernelConfig<WebGpuKernelFn<never>>[] = [
  webgpuKernel<ReduceAttrs>("sum", ([x], { axes }) => reduceKernel(x, axes, "sum")),
  webgpuKernel<ReduceAttrs>("max", ([x], { axes }) => reduceKernel(x, axes, "max")),
  webgpuKernel<ReduceAttrs>("min", ([x], { axes }) => reduceKernel(x, axes, "min")),
  webgpuKernel("broadcastTo", (ins, _a, out) => mapKernel(ins, out, ([v]) => v)),
];
