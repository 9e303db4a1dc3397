import type { KernelConfig } from "../../kernel_registry.ts";
import type { TensorInfo } from "../../op.ts";
import { sizeOf } from "../../shape.ts";
import { elementwise, f, reduction, u, webgpuKernel, type WebGpuKernelFn } from "../wgsl.ts";

/** WGSL kernels of batchVariance and batchNormApply (kernels/ops/batch_norm.ts). */

/** Channels (last axis) and the rows every channel reduces over; the shape rule checked them. */
function channelsOf(x: TensorInfo): { c: number; rows: number } {
  const c = x.shape[x.shape.length - 1];
  return { c, rows: sizeOf(x.shape) / c };
}

/** The registry entries of this file's kernels. */
export const batchNormWebGpuKernels: KernelConfig<WebGpuKernelFn<never>>[] = [
  webgpuKernel("batchVariance", ([x]) => {
    const { c, rows } = channelsOf(x);
    return reduction({
      outputs: c,
      reduced: rows,
      accType: "f32",
      init: "var acc = 0.0;",
      load: `in0[r * ${u(c)} + o] - in1[o]`,
      step: "acc += v * v;",
      combine: "a + b",
      finish: `out[o] = acc * ${f(1 / rows)};`,
      // Linear finish: the backend may add partial sums of a long reduction.
      splits: rows >= 8192 && c < 1024 ? Math.min(32, Math.floor(rows / 4096)) : 1,
    });
  }),
  webgpuKernel<{ epsilon: number }>("batchNormApply", ([x], { epsilon }, out) => {
    const { c } = channelsOf(x);
    return elementwise(
      sizeOf(out.shape),
      `let k = i % ${u(c)};
  out[i] = (in0[i] - in1[k]) / sqrt(in2[k] + ${f(epsilon)}) * in3[k] + in4[k];`,
    );
  }),
];
