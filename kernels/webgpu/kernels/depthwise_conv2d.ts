import type { KernelConfig } from "../../kernel_registry.ts";
import type {
  DepthwiseAttrs,
  DepthwiseFilterAttrs,
  DepthwiseInputAttrs,
} from "../../ops/depthwise_conv2d.ts";
import { elementwise, reduction, u, webgpuKernel, type WebGpuKernelFn } from "../wgsl.ts";
import { PLUS_ZERO_WGSL } from "./numerics.ts";

/**
 * WGSL kernels of depthwiseConv2d and its backprop ops (kernels/ops/depthwise_conv2d.ts): direct
 * loops, one invocation per output element (a depthwise tap has no channel sum to tile as a
 * GEMM), the filter gradient a reduction over the batch and output pixels. The same rules as the
 * reference: a padded tap adds 0·w forward and 0·dy to the filter gradient, and the input
 * gradient sums only the taps whose output exists.
 */

/** The geometry constants every kernel here bakes in. */
function geometry(x: number[], w: number[], y: number[], a: DepthwiseAttrs) {
  const [, h, wd, c] = x;
  const [kh, kw, , m] = w;
  const [, oh, ow] = y;
  const [dh, dw] = a.dilations ?? [1, 1];
  return { h, wd, c, kh, kw, m, oh, ow, dh, dw, sh: a.strides[0], sw: a.strides[1], ...a.pads };
}

/**
 * WGSL `fn xAt_(b, iy, ix, ch) -> f32`: input x (binding `in${k}`) at a pixel, 0 in the padding
 * (the index is clamped so the read stays in bounds).
 */
function xAtFn(k: number, h: number, w: number, c: number): string {
  return `fn xAt_(b: i32, iy: i32, ix: i32, ch: i32) -> f32 {
  let inside = iy >= 0 && iy < ${h} && ix >= 0 && ix < ${w};
  let v = in${k}[select(0, ((b * ${h} + iy) * ${w} + ix) * ${c} + ch, inside)];
  return select(0.0, v, inside);
}`;
}

const forward: WebGpuKernelFn<DepthwiseAttrs> = ([x, w], attrs, y) => {
  const g = geometry(x.shape, w.shape, y.shape, attrs);
  const cm = g.c * g.m;
  const k = elementwise(
    y.shape.reduce((a, b) => a * b, 1),
    `let j = i32(i);
  let oc = j % ${cm};
  let ch = oc / ${g.m};
  let p = j / ${cm};
  let ox = p % ${g.ow};
  let oy = (p / ${g.ow}) % ${g.oh};
  let b = p / ${g.ow * g.oh};
  var s = 0.0;
  for (var ky = 0; ky < ${g.kh}; ky++) {
    let iy = oy * ${g.sh} + ky * ${g.dh} - ${g.top};
    for (var kx = 0; kx < ${g.kw}; kx++) {
      let ix = ox * ${g.sw} + kx * ${g.dw} - ${g.left};
      s += xAt_(b, iy, ix, ch) * in1[(ky * ${g.kw} + kx) * ${cm} + oc];
    }
  }
  out[i] = plusZero_(s);`,
  );
  return { ...k, code: `${PLUS_ZERO_WGSL}\n${xAtFn(0, g.h, g.wd, g.c)}\n${k.code}` };
};

// Gather form: each input element sums dy·w over the taps (and multipliers) that read it.
const backpropInput: WebGpuKernelFn<DepthwiseInputAttrs> = ([dy, w], attrs, dx) => {
  const g = geometry(attrs.xShape, w.shape, dy.shape, attrs);
  const cm = g.c * g.m;
  const k = elementwise(
    dx.shape.reduce((a, b) => a * b, 1),
    `let j = i32(i);
  let ch = j % ${g.c};
  let p = j / ${g.c};
  let ix = p % ${g.wd};
  let iy = (p / ${g.wd}) % ${g.h};
  let b = p / ${g.wd * g.h};
  var s = 0.0;
  for (var ky = 0; ky < ${g.kh}; ky++) {
    let ty = iy + ${g.top} - ky * ${g.dh};
    if (ty < 0 || ty % ${g.sh} != 0 || ty / ${g.sh} >= ${g.oh}) { continue; }
    for (var kx = 0; kx < ${g.kw}; kx++) {
      let tx = ix + ${g.left} - kx * ${g.dw};
      if (tx < 0 || tx % ${g.sw} != 0 || tx / ${g.sw} >= ${g.ow}) { continue; }
      let yBase = ((b * ${g.oh} + ty / ${g.sh}) * ${g.ow} + tx / ${g.sw}) * ${cm} + ch * ${g.m};
      let wBase = (ky * ${g.kw} + kx) * ${cm} + ch * ${g.m};
      for (var m = 0; m < ${g.m}; m++) {
        s += in0[yBase + m] * in1[wBase + m];
      }
    }
  }
  out[i] = plusZero_(s);`,
  );
  return { ...k, code: `${PLUS_ZERO_WGSL}\n${k.code}` };
};

// One reduction per filter element over the batch and the output pixels.
const backpropFilter: WebGpuKernelFn<DepthwiseFilterAttrs> = ([x, dy], attrs, dw) => {
  const g = geometry(x.shape, attrs.wShape, dy.shape, attrs);
  const cm = g.c * g.m;
  const outputs = dw.shape.reduce((a, b) => a * b, 1);
  const reduced = dy.shape[0] * g.oh * g.ow;
  return reduction({
    outputs,
    reduced,
    accType: "f32",
    prelude: `${PLUS_ZERO_WGSL}\n${xAtFn(0, g.h, g.wd, g.c)}
fn tap_(o: u32, r: u32) -> f32 {
  let oc = i32(o % ${u(cm)});
  let t = i32(o / ${u(cm)});
  let kx = t % ${g.kw};
  let ky = t / ${g.kw};
  let q = i32(r);
  let ox = q % ${g.ow};
  let oy = (q / ${g.ow}) % ${g.oh};
  let b = q / ${g.ow * g.oh};
  let xv = xAt_(b, oy * ${g.sh} + ky * ${g.dh} - ${g.top}, ox * ${g.sw} + kx * ${g.dw} - ${g.left}, oc / ${g.m});
  return xv * in1[q * ${cm} + oc];
}`,
    init: "var acc = 0.0;",
    load: "tap_(o, r)",
    step: "acc += v;",
    combine: "a + b",
    finish: "out[o] = plusZero_(acc);",
    // Few filter elements over many pixels: split so every core gets work (as reduce.ts's sums).
    splits: reduced >= 8192 && outputs < 1024 ? Math.min(32, Math.floor(reduced / 4096)) : 1,
  });
};

/** The registry entries of this file's kernels. */
export const depthwiseConv2dWebGpuKernels: KernelConfig<WebGpuKernelFn<never>>[] = [
  webgpuKernel("depthwiseConv2d", forward),
  webgpuKernel("depthwiseConv2dBackpropInput", backpropInput),
  webgpuKernel("depthwiseConv2dBackpropFilter", backpropFilter),
];
