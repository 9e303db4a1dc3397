import type { KernelConfig } from "../../kernel_registry.ts";
import type { AvgPoolGradAttrs } from "../../ops/pool_avg.ts";
import type { PoolAttrs } from "../../ops/pool_window.ts";
import { elementwise, u, webgpuKernel, type WebGpuKernelFn } from "../wgsl.ts";
import { windowsHoldingWgsl } from "./pool.ts";

/** WGSL kernels of avgPool2d and avgPool2dGrad (kernels/ops/pool_avg.ts). */

/**
 * WGSL `span_(o, stride, k, pad, n) -> vec2i`: the real rows of window `o`, [start, end)
 * clipped to [0, n), as the CPU's forEachWindow (ops/pool_window.ts).
 */
const SPAN_WGSL = `fn span_(o: i32, stride: i32, k: i32, pad: i32, n: i32) -> vec2i {
  let s = o * stride - pad;
  return vec2i(max(0, s), min(n, s + k));
}`;

const avgPool2d: WebGpuKernelFn<PoolAttrs> = ([x], { pool: [ph, pw], strides, pads }, y) => {
  const [, h, w, c] = x.shape;
  const [, oh, ow] = y.shape;
  const [sh, sw] = strides;
  const k = elementwise(
    y.shape.reduce((a, b) => a * b, 1),
    `let ch = i % ${u(c)};
  let p = i / ${u(c)};
  let b = i32(p / ${u(oh * ow)});
  let ys = span_(i32((p / ${u(ow)}) % ${u(oh)}), ${sh}, ${ph}, ${pads.top}, ${h});
  let xs = span_(i32(p % ${u(ow)}), ${sw}, ${pw}, ${pads.left}, ${w});
  var s = 0.0;
  for (var iy = ys.x; iy < ys.y; iy++) {
    for (var ix = xs.x; ix < xs.y; ix++) {
      s += in0[((b * ${h} + iy) * ${w} + ix) * ${c} + i32(ch)];
    }
  }
  out[i] = s / f32((ys.y - ys.x) * (xs.y - xs.x));`,
  );
  return { ...k, code: `${SPAN_WGSL}\n${k.code}` };
};

// Gather form: each input element sums dy/count over the windows that hold it, in output order.
const avgPool2dGrad: WebGpuKernelFn<AvgPoolGradAttrs> = ([dy], { inHW: [h, w], ...attrs }, dx) => {
  const { pool: [ph, pw], strides: [sh, sw], pads } = attrs;
  const k = elementwise(
    dx.shape.reduce((a, b) => a * b, 1),
    windowsHoldingWgsl(
      dx.shape,
      dy.shape,
      attrs,
      (dyAt) =>
        `let ys = span_(oy, ${sh}, ${ph}, ${pads.top}, ${h});
      let xs = span_(ox, ${sw}, ${pw}, ${pads.left}, ${w});
      g += in0[${dyAt}] / f32((ys.y - ys.x) * (xs.y - xs.x));`,
    ),
  );
  return { ...k, code: `${SPAN_WGSL}\n${k.code}` };
};

/** The registry entries of this file's kernels. */
export const avgPoolWebGpuKernels: KernelConfig<WebGpuKernelFn<never>>[] = [
  webgpuKernel("avgPool2d", avgPool2d),
  webgpuKernel("avgPool2dGrad", avgPool2dGrad),
];
