import type { KernelConfig } from "../../kernel_registry.ts";
import type { CumsumAttrs } from "../../ops/axis_reduce.ts";
import type { ReduceAttrs } from "../../ops/reduce.ts";
import { sizeOf, stridesOf } from "../../shape.ts";
import {
  elementwise,
  reduceOffsetFn,
  reduction,
  unravel,
  webgpuKernel,
  type WebGpuKernelFn,
} from "../wgsl.ts";

/** WGSL kernels of prod, prodGrad and cumsum (kernels/ops/axis_reduce.ts). */

const prod: WebGpuKernelFn<ReduceAttrs> = ([x], { axes }, out) =>
  reduction({
    outputs: sizeOf(out.shape),
    reduced: sizeOf(axes.map((a) => x.shape[a])),
    accType: "f32",
    prelude: reduceOffsetFn(x.shape, axes),
    init: "var acc = 1.0;",
    load: "in0[offset_(o, r)]",
    step: "acc *= v;",
    combine: "a * b",
    finish: "out[o] = acc;",
  });

// One invocation per element: dy of its group times every other value of the group, in order.
const prodGrad: WebGpuKernelFn<ReduceAttrs> = ([, x], { axes }) => {
  const kept = x.shape.map((_, k) => k).filter((k) => !axes.includes(k));
  const red = x.shape.map((_, k) => k).filter((k) => axes.includes(k));
  const keptSt = stridesOf(kept.map((k) => x.shape[k]));
  const redSt = stridesOf(red.map((k) => x.shape[k]));
  const ko = x.shape.map((_, k) => (kept.includes(k) ? keptSt[kept.indexOf(k)] : 0));
  const ro = x.shape.map((_, k) => (red.includes(k) ? redSt[red.indexOf(k)] : 0));
  const k = elementwise(
    sizeOf(x.shape),
    `${unravel("i", x.shape, { o_: ko, r_: ro })}
  var p = in0[o_];
  for (var r2 = 0u; r2 < ${sizeOf(red.map((a) => x.shape[a]))}u; r2++) {
    if (r2 != r_) { p *= in1[offset_(o_, r2)]; }
  }
  out[i] = p;`,
  );
  return { ...k, code: `${reduceOffsetFn(x.shape, axes)}\n${k.code}` };
};

// One invocation per line along the axis, adding in order like the CPU reference.
const cumsum: WebGpuKernelFn<CumsumAttrs> = ([x], { axis, exclusive, reverse }) => {
  const n = x.shape[axis];
  const inner = sizeOf(x.shape.slice(axis + 1));
  const lines = n === 0 ? 0 : sizeOf(x.shape) / n;
  const pos = reverse ? `${n - 1}u - t` : "t";
  // select, not 0 + x: the first sum is the element itself, −0 included, as on the CPU.
  const step = "acc = select(acc + in0[at], in0[at], t == 0u);";
  const body = exclusive ? `out[at] = acc;\n    ${step}` : `${step}\n    out[at] = acc;`;
  return elementwise(
    lines,
    `let o = i / ${inner}u;
  let r = i % ${inner}u;
  var acc = 0.0;
  for (var t = 0u; t < ${n}u; t++) {
    let at = (o * ${n}u + ${pos}) * ${inner}u + r;
    ${body}
  }`,
  );
};

/** The registry entries of this file's kernels. */
export const axisReduceWebGpuKernels: KernelConfig<WebGpuKernelFn<never>>[] = [
  webgpuKernel("prod", prod),
  webgpuKernel("prodGrad", prodGrad),
  webgpuKernel("cumsum", cumsum),
];
