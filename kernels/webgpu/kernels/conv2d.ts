import type { KernelConfig } from "../../kernel_registry.ts";
import {
  type BackpropFilterAttrs,
  type BackpropInputAttrs,
  type Conv2dAttrs,
  dilationsOf,
} from "../../ops/conv2d.ts";
import { gemmKernel } from "../gemm.ts";
import { u, webgpuKernel, type WebGpuKernelFn } from "../wgsl.ts";

/** WGSL kernels of conv2d and its backprops (kernels/ops/conv2d.ts): implicit GEMMs over patches. */

/**
 * WGSL for the implicit-GEMM view of a convolution: `patch_(m, k)` is element (m, k) of the
 * im2col matrix of input `src` (m = output pixel b·OH·OW + oy·OW + ox, k = (ky·KW + kx)·Cin + c),
 * read straight from NHWC memory, 0 in the padding.
 */
function patchFn(src: string, x: number[], w: number[], y: number[], a: Conv2dAttrs): string {
  return patchCode(src, x, w, y, a, false);
}

/**
 * `patch4_(m, k)`: the vec4 of patch elements (m, k…k+3) for Cin a multiple of 4, where those
 * are 4 adjacent channels of one tap, read with one 16-byte load (`src` bound as vec4s).
 */
function patch4Fn(src: string, x: number[], w: number[], y: number[], a: Conv2dAttrs): string {
  return patchCode(src, x, w, y, a, true);
}

function patchCode(
  src: string,
  x: number[],
  w: number[],
  y: number[],
  a: Conv2dAttrs,
  vec4: boolean,
): string {
  const [, h, wd, cin] = x;
  const [, kw] = w;
  const [, oh, ow] = y;
  const [dh, dw] = dilationsOf(a);
  const [type, zero, load] = vec4
    ? [
      "vec4f",
      "vec4f(0.0)",
      `${src}[(((b * ${u(h)} + u32(iy)) * ${u(wd)} + u32(ix)) * ${u(cin)} + c) / 4u]`,
    ]
    : ["f32", "0.0", `${src}[((b * ${u(h)} + u32(iy)) * ${u(wd)} + u32(ix)) * ${u(cin)} + c]`];
  return `fn ${vec4 ? "patch4_" : "patch_"}(m: u32, k: u32) -> ${type} {
  let b = m / ${u(oh * ow)};
  let p = m % ${u(oh * ow)};
  let c = k % ${u(cin)};
  let t = k / ${u(cin)};
  let iy = i32((p / ${u(ow)}) * ${u(a.strides[0])} + (t / ${u(kw)}) * ${u(dh)}) - ${a.pads.top};
  let ix = i32((p % ${u(ow)}) * ${u(a.strides[1])} + (t % ${u(kw)}) * ${u(dw)}) - ${a.pads.left};
  if (iy < 0 || iy >= ${h} || ix < 0 || ix >= ${wd}) { return ${zero}; }
  return ${load};
}`;
}

/**
 * The vec4 B loader of a GEMM whose B is input `i` stored row-major with `cols` columns (the
 * filter [K, Cout], or dy [pixels, Cout]): 16-byte loads when Cout is a multiple of 4.
 */
function vec4Rows(i: number, cols: number): { loadB4?: string; vec4Inputs?: number[] } {
  if (cols % 4 !== 0) return {};
  return { loadB4: `in${i}[k * ${u(cols / 4)} + n / 4u]`, vec4Inputs: [i] };
}

/** The registry entries of this file's kernels. */
export const conv2dWebGpuKernels: KernelConfig<WebGpuKernelFn<never>>[] = [
  // y[m, o] = Σₖ patch(m, k) · w[k, o]: the filter [KH,KW,Cin,Cout] is already a K×Cout matrix.
  // With Cin a multiple of 4, patches are read as vec4s of 4 channels.
  webgpuKernel<Conv2dAttrs>("conv2d", ([x, w, b], attrs, y) => {
    const [n, oh, ow, cout] = y.shape;
    const a4 = x.shape[3] % 4 === 0, b4 = vec4Rows(1, cout);
    return gemmKernel({
      addColumn: b ? "in2[n]" : undefined,
      relu: attrs.activation === "relu",
      M: n * oh * ow,
      N: cout,
      K: w.shape[0] * w.shape[1] * w.shape[2],
      prelude: (a4 ? patch4Fn : patchFn)("in0", x.shape, w.shape, y.shape, attrs),
      loadA: "patch_(m, k)",
      loadA4: a4 ? "patch4_(m, k)" : undefined,
      loadB: `in1[k * ${u(cout)} + n]`,
      loadB4: b4.loadB4,
      vec4Inputs: [...(a4 ? [0] : []), ...(b4.vec4Inputs ?? [])],
      aKContiguous: true,
      bNContiguous: true,
    });
  }),
  // dx[p, c] = Σ over (ky, kx, o) of dy at the output pixel that tap reads p from, times
  // w[ky, kx, c, o]: a GEMM whose A loader inverts the stride (no atomics, no col2im). A tap
  // whose output pixel does not exist adds nothing (PyTorch's col2im): A is 0 there, and
  // presentA has the GEMM sum again without it an output made NaN by 0 times a non-finite w.
  // With Cout a multiple of 4, dy is read as vec4s of 4 output channels of one tap.
  webgpuKernel<BackpropInputAttrs>("conv2dBackpropInput", ([dy, w], attrs, dx) => {
    const [n, h, wd, cin] = dx.shape;
    const [, kw, , cout] = w.shape;
    const [, oh, ow] = dy.shape;
    const [sh, sw] = attrs.strides;
    const [dh, dw] = dilationsOf(attrs);
    const a4 = cout % 4 === 0;
    const at = `((b * ${u(oh)} + oy) * ${u(ow)} + ox) * ${u(cout)} + o`;
    return gemmKernel({
      M: n * h * wd,
      N: cin,
      K: w.shape[0] * kw * cout,
      prelude: `// The index in dy of A(m, k), or 0xffffffff where that window does not exist.
fn dyIndex_(m: u32, k: u32) -> u32 {
  let b = m / ${u(h * wd)};
  let p = m % ${u(h * wd)};
  let o = k % ${u(cout)};
  let t = k / ${u(cout)};
  let ty = i32(p / ${u(wd)}) + ${attrs.pads.top} - i32((t / ${u(kw)}) * ${u(dh)});
  let tx = i32(p % ${u(wd)}) + ${attrs.pads.left} - i32((t % ${u(kw)}) * ${u(dw)});
  if (ty < 0 || tx < 0 || ty % ${sh} != 0 || tx % ${sw} != 0) { return 0xffffffffu; }
  let oy = u32(ty / ${sh});
  let ox = u32(tx / ${sw});
  if (oy >= ${u(oh)} || ox >= ${u(ow)}) { return 0xffffffffu; }
  return ${at};
}
fn dyAt_(m: u32, k: u32) -> f32 {
  let i = dyIndex_(m, k);
  if (i == 0xffffffffu) { return 0.0; }
  return in0[${a4 ? "i / 4u][i % 4u" : "i"}];
}${
        a4
          ? `
fn dyAt4_(m: u32, k: u32) -> vec4f {
  let i = dyIndex_(m, k);
  if (i == 0xffffffffu) { return vec4f(0.0); }
  return in0[i / 4u];
}`
          : ""
      }`,
      loadA: "dyAt_(m, k)",
      loadA4: a4 ? "dyAt4_(m, k)" : undefined,
      presentA: "dyIndex_(m, k) != 0xffffffffu",
      vec4Inputs: a4 ? [0] : [],
      loadB: `in1[((k / ${u(cout)}) * ${u(cin)} + n) * ${u(cout)} + k % ${u(cout)}]`,
      aKContiguous: true,
      bNContiguous: false,
    });
  }),
  // dw[k, o] = Σₘ patch(m, k) · dy[m, o]: the forward GEMM with the patch matrix transposed.
  webgpuKernel<BackpropFilterAttrs>("conv2dBackpropFilter", ([x, dy], attrs, dw) => {
    const [n, oh, ow, cout] = dy.shape;
    return gemmKernel({
      M: dw.shape[0] * dw.shape[1] * dw.shape[2],
      N: cout,
      K: n * oh * ow,
      prelude: patchFn("in0", x.shape, attrs.wShape, dy.shape, attrs),
      loadA: "patch_(k, m)",
      loadB: `in1[k * ${u(cout)} + n]`,
      ...vec4Rows(1, cout),
      aKContiguous: false,
      bNContiguous: true,
    });
  }),
];
