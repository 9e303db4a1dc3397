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

/** WGSL kernels of sum, max and broadcastTo (kernels/ops/reduce.ts, reduce_derived.ts). */

/** A reduction kernel: one workgroup per output element, a tree over its reduced elements. */
function reduceKernel(
  x: TensorInfo,
  axes: number[],
  kind: "sum" | "max",
): GpuKernel {
  const t = wgslType(x.dtype);
  const reduced = sizeOf(axes.map((a) => x.shape[a]));
  const outputs = sizeOf(x.shape) / Math.max(reduced, 1) || 0;
  return reduction({
    outputs,
    reduced,
    accType: t,
    prelude: reduceOffsetFn(x.shape, axes),
    init: kind === "sum" ? `var acc = ${t}(0);` : "var acc = bitcast<f32>(0xff800000u);",
    load: "in0[offset_(o, r)]",
    // max keeps NaN like the CPU reference (WGSL's max may drop it).
    step: kind === "sum" ? "acc += v;" : "acc = select(max(acc, v), v, v != v);",
    combine: kind === "sum" ? "a + b" : "select(max(a, b), a, a != a)",
    finish: "out[o] = acc;",
    // Sums of few outputs over many terms are split so every core gets work.
    splits: kind === "sum" && reduced >= 8192 && outputs < 1024
      ? Math.min(32, Math.floor(reduced / 4096))
      : 1,
  });
}

/** The registry entries of this file's kernels. */
export const reduceWebGpuKernels: KernelConfig<WebGpuKernelFn<never>>[] = [
  webgpuKernel<ReduceAttrs>("sum", ([x], { axes }) => reduceKernel(x, axes, "sum")),
  webgpuKernel<ReduceAttrs>("max", ([x], { axes }) => reduceKernel(x, axes, "max")),
  webgpuKernel("broadcastTo", (ins, _a, out) => mapKernel(ins, out, ([v]) => v)),
];
