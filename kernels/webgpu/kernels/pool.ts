import type { KernelConfig } from "../../kernel_registry.ts";
import type { PoolAttrs } from "../../ops/pool_window.ts";
import { elementwise, u, webgpuKernel, type WebGpuKernelFn } from "../wgsl.ts";
import { NUMERICS_WGSL } from "./numerics.ts";

/** WGSL kernels of maxPool2d and its gradient (kernels/ops/pool.ts). */

/**
 * WGSL `argmax_(b, oy, ox, ch) -> i32`: the input index of the window maximum (first on ties,
 * the first NaN if any, padding never), the same rule as the CPU reference (ops/pool.ts).
 */
function argmaxFn(
  xShape: number[],
  { pool: [ph, pw], strides: [sh, sw], pads }: PoolAttrs,
): string {
  const [, h, w, c] = xShape;
  return `${NUMERICS_WGSL}
fn argmax_(b: u32, oy: u32, ox: u32, ch: u32) -> i32 {
  var best = -1;
  var bestV = 0.0;
  for (var ky = 0; ky < ${ph}; ky++) {
    let iy = i32(oy * ${u(sh)}) + ky - ${pads.top};
    if (iy < 0 || iy >= ${h}) { continue; }
    for (var kx = 0; kx < ${pw}; kx++) {
      let ix = i32(ox * ${u(sw)}) + kx - ${pads.left};
      if (ix < 0 || ix >= ${w}) { continue; }
      let xi = ((i32(b) * ${h} + iy) * ${w} + ix) * ${c} + i32(ch);
      let v = in0[xi];
      if (best < 0 || (!isnan_(bestV) && (v > bestV || isnan_(v)))) {
        best = xi;
        bestV = v;
      }
    }
  }
  return best;
}`;
}

/**
 * The body of a pooling gradient in gather form: input element `i` (NHWC `xShape`) sums `g`
 * over the windows that hold it (`oy`, `ox`, their dy element at `dyAt`), as `add(dyAt)` says,
 * and writes `g`. Shared by maxPool2dGrad and avgPool2dGrad.
 */
export function windowsHoldingWgsl(
  [, h, w, c]: number[],
  [, oh, ow]: number[],
  { pool: [ph, pw], strides: [sh, sw], pads }: PoolAttrs,
  add: (dyAt: string) => string,
): string {
  return `let ch = i % ${u(c)};
  let p = i / ${u(c)};
  let b = p / ${u(h * w)};
  let iy = i32((p / ${u(w)}) % ${u(h)}) + ${pads.top};
  let ix = i32(p % ${u(w)}) + ${pads.left};
  var g = 0.0;
  for (var oy = max(0, (iy - ${ph} + ${sh}) / ${sh}); oy <= min(${oh - 1}, iy / ${sh}); oy++) {
    if (oy * ${sh} > iy || oy * ${sh} + ${ph} <= iy) { continue; }
    for (var ox = max(0, (ix - ${pw} + ${sw}) / ${sw}); ox <= min(${ow - 1}, ix / ${sw}); ox++) {
      if (ox * ${sw} > ix || ox * ${sw} + ${pw} <= ix) { continue; }
      ${add(`((b * ${u(oh)} + u32(oy)) * ${u(ow)} + u32(ox)) * ${u(c)} + ch`)}
    }
  }
  out[i] = g;`;
}

/** The registry entries of this file's kernels. */
export const poolWebGpuKernels: KernelConfig<WebGpuKernelFn<never>>[] = [
  webgpuKernel<PoolAttrs>("maxPool2d", ([x], attrs, y) => {
    const [, oh, ow, c] = y.shape;
    const k = elementwise(
      y.shape.reduce((a, b) => a * b, 1),
      `let ch = i % ${u(c)};
  let p = i / ${u(c)};
  let best = argmax_(p / ${u(oh * ow)}, (p / ${u(ow)}) % ${u(oh)}, p % ${u(ow)}, ch);
  out[i] = select(0.0, in0[max(best, 0)], best >= 0);`,
    );
    return { ...k, code: argmaxFn(x.shape, attrs) + "\n" + k.code };
  }),
  // Gather form: each input element sums dy over the windows that contain it and chose it.
  webgpuKernel<PoolAttrs>("maxPool2dGrad", ([x, dy], attrs) => {
    const k = elementwise(
      x.shape.reduce((a, b) => a * b, 1),
      windowsHoldingWgsl(
        x.shape,
        dy.shape,
        attrs,
        (dyAt) => `if (argmax_(b, u32(oy), u32(ox), ch) == i32(i)) { g += in1[${dyAt}]; }`,
      ),
    );
    return { ...k, code: argmaxFn(x.shape, attrs) + "\n" + k.code };
  }),
];
