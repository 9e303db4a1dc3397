import type { KernelConfig } from "../../kernel_registry.ts";
import type { TensorInfo } from "../../op.ts";
import {
  elementwise,
  type GpuKernel,
  reduction,
  u,
  webgpuKernel,
  type WebGpuKernelFn,
} from "../wgsl.ts";
import { NUMERICS_WGSL } from "./numerics.ts";

/**
 * WGSL kernels of softmax, its gradient, logSoftmax and softmaxCrossEntropy
 * (kernels/ops/softmax.ts).
 */

/**
 * WGSL `lse_(off) -> f32`: log Σ exp of the `c` values of array `src` from `off`, max-shifted;
 * NaN when a value is (maxnan_), as on the CPU.
 */
function lseFn(src: string, c: number): string {
  return `${NUMERICS_WGSL}
fn lse_(off: u32) -> f32 {
  var m = ${src}[off];
  for (var j = 1u; j < ${u(c)}; j++) { m = maxnan_(m, ${src}[off + j]); }
  var s = 0.0;
  for (var j = 0u; j < ${u(c)}; j++) { s += exp(${src}[off + j] - m); }
  return m + log(s);
}`;
}

/** One invocation per row of the last axis; `body` sees `off`, `c` and `lse`. */
function rowKernel(x: TensorInfo, body: string): GpuKernel {
  const c = x.shape[x.shape.length - 1];
  const rows = c === 0 ? 0 : x.shape.reduce((a, b) => a * b, 1) / c;
  const k = elementwise(
    rows,
    `let off = i * ${u(c)};
  let lse = lse_(off);
  for (var j = 0u; j < ${u(c)}; j++) { ${body} }`,
  );
  return { ...k, code: `${lseFn("in0", c)}\n${k.code}` };
}

/** The registry entries of this file's kernels. */
export const softmaxWebGpuKernels: KernelConfig<WebGpuKernelFn<never>>[] = [
  // exp(x − max)/Σ rather than exp(x − lse): in f32, lse = max + log Σ rounds away log Σ when
  // |max| is large (a row of attention scores masked to −1e9 would sum to 4, not 1).
  webgpuKernel<Record<string, never>>("softmax", ([x]) => {
    const c = x.shape[x.shape.length - 1];
    const rows = c === 0 ? 0 : x.shape.reduce((a, b) => a * b, 1) / c;
    const k = elementwise(
      rows,
      `let off = i * ${u(c)};
  var m = in0[off];
  for (var j = 1u; j < ${u(c)}; j++) { m = maxnan_(m, in0[off + j]); }
  var s = 0.0;
  for (var j = 0u; j < ${u(c)}; j++) { s += exp(in0[off + j] - m); }
  for (var j = 0u; j < ${u(c)}; j++) { out[off + j] = exp(in0[off + j] - m) / s; }`,
    );
    return {
      ...k,
      code: `${NUMERICS_WGSL}
${k.code}`,
    };
  }),
  // One invocation per row: y·(dy − Σ dy·y), the sum from the first product as on the CPU.
  webgpuKernel<Record<string, never>>("softmaxGrad", ([y]) => {
    const c = y.shape[y.shape.length - 1];
    const rows = c === 0 ? 0 : y.shape.reduce((a, b) => a * b, 1) / c;
    return elementwise(
      rows,
      `let off = i * ${u(c)};
  var s = in1[off] * in0[off];
  for (var j = 1u; j < ${u(c)}; j++) { s += in1[off + j] * in0[off + j]; }
  for (var j = 0u; j < ${u(c)}; j++) { out[off + j] = in0[off + j] * (in1[off + j] - s); }`,
    );
  }),
  webgpuKernel<Record<string, never>>(
    "logSoftmax",
    ([x]) => rowKernel(x, "out[off + j] = in0[off + j] - lse;"),
  ),
  // One invocation per row: (softmax·Σt − t)·dy/N, softmax as exp(z − max)/Σ like "softmax".
  webgpuKernel<Record<string, never>>("softmaxCrossEntropyGrad", ([z]) => {
    const [rows, c] = z.shape;
    const k = elementwise(
      c === 0 ? 0 : rows,
      `let off = i * ${u(c)};
  var m = in0[off];
  for (var j = 1u; j < ${u(c)}; j++) { m = maxnan_(m, in0[off + j]); }
  var s = 0.0;
  var st = 0.0;
  for (var j = 0u; j < ${u(c)}; j++) { s += exp(in0[off + j] - m); st += in1[off + j]; }
  let k = in2[0] / ${rows}.0;
  for (var j = 0u; j < ${u(c)}; j++) {
    out[off + j] = (exp(in0[off + j] - m) / s * st - in1[off + j]) * k;
  }`,
    );
    return {
      ...k,
      code: `${NUMERICS_WGSL}
${k.code}`,
    };
  }),
  // One workgroup: each invocation takes rows in turn, then a tree sums the row losses.
  webgpuKernel<Record<string, never>>("softmaxCrossEntropy", ([z]) => {
    const [rows, c] = z.shape;
    return reduction({
      outputs: 1,
      reduced: rows,
      accType: "f32",
      prelude: `${lseFn("in0", c)}
fn rowLoss_(r: u32) -> f32 {
  let off = r * ${u(c)};
  let lse = lse_(off);
  var l = 0.0;
  for (var j = 0u; j < ${u(c)}; j++) { l -= in1[off + j] * (in0[off + j] - lse); }
  return l;
}`,
      init: "var acc = 0.0;",
      load: "rowLoss_(r)",
      step: "acc += v;",
      combine: "a + b",
      // The mean over no rows is NaN, as on the CPU.
      finish: rows === 0 ? "out[0] = bitcast<f32>(0x7fc00000u);" : `out[0] = acc / ${rows}.0;`,
    });
  }),
];
