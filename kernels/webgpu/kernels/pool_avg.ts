import type { KernelConfig } from "../../kernel_registry.ts";
import type { AvgPoolGradAttrs } from "../../ops/pool_avg.ts";
import type { PoolAttrs } from "../../ops/pool.ts";
import { elementwise, u, webgpuKernel, type WebGpuKernelFn } from "../wgsl.ts";

/** WGSL kernels of avgPool2d and avgPool2dGrad (kernels/ops/pool_avg.ts). */

/**
 * WGSL `span_(o, stride, k, pad, n) -> vec2i`: the real rows of window `o`, [start, end)
 * clipped to [0, n), as the CPU's windowSpan.
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
const avgPool2dGrad: WebGpuKernelFn<AvgPoolGradAttrs> = (
  [dy],
  { pool: [ph, pw], strides: [sh, sw], pads, inHW: [h, w] },
  dx,
) => {
  const [, oh, ow, c] = dy.shape;
  const k = elementwise(
    dx.shape.reduce((a, b) => a * b, 1),
    `let ch = i % ${u(c)};
  let p = i / ${u(c)};
  let b = p / ${u(h * w)};
  let iy = i32((p / ${u(w)}) % ${u(h)}) + ${pads.top};
  let ix = i32(p % ${u(w)}) + ${pads.left};
  var g = 0.0;
  for (var oy = max(0, (iy - ${ph} + ${sh}) / ${sh}); oy <= min(${oh - 1}, iy / ${sh}); oy++) {
    if (oy * ${sh} > iy || oy * ${sh} + ${ph} <= iy) { continue; }
    let ys = span_(oy, ${sh}, ${ph}, ${pads.top}, ${h});
    for (var ox = max(0, (ix - ${pw} + ${sw}) / ${sw}); ox <= min(${ow - 1}, ix / ${sw}); ox++) {
      if (ox * ${sw} > ix || ox * ${sw} + ${pw} <= ix) { continue; }
      let xs = span_(ox, ${sw}, ${pw}, ${pads.left}, ${w});
      let count = f32((ys.y - ys.x) * (xs.y - xs.x));
      g += in0[((b * ${u(oh)} + u32(oy)) * ${u(ow)} + u32(ox)) * ${u(c)} + ch] / count;
    }
  }
  out[i] = g;`,
  );
  return { ...k, code: `${SPAN_WGSL}\n${k.code}` };
};

/** The registry entries of this file's kernels. */
export const avgPoolWebGpuKernels: KernelConfig<WebGpuKernelFn<never>>[] = [
  webgpuKernel("avgPool2d", avgPool2d),
  webgpuKernel("avgPool2dGrad", avgPool2dGrad),
];
