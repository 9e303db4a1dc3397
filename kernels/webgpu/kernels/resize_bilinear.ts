import type { KernelConfig } from "../../kernel_registry.ts";
import type { ResizeAttrs, ResizeGradAttrs } from "../../ops/resize_bilinear.ts";
import { elementwise, webgpuKernel, type WebGpuKernelFn } from "../wgsl.ts";
import { PLUS_ZERO_WGSL } from "./numerics.ts";

/**
 * WGSL kernels of resizeBilinear and its gradient (kernels/ops/resize_bilinear.ts). The taps
 * come from the same integer source position as the reference's `bilinearTaps`, so both pick
 * the same pixels; the gradient is the gather form: each input pixel sums dy·weight over the
 * outputs that read it (a zero-weight read too, as the reference adds 0·dy).
 */

/**
 * WGSL `fn taps_(o, outLen, inLen) -> vec4f`: (i0, i1, w0, w1) of output position `o`, the
 * reference's `bilinearTaps`.
 */
const TAPS_WGSL = `fn taps_(o: i32, outLen: i32, inLen: i32) -> vec4f {
  let num = max((2 * o + 1) * inLen - outLen, 0);
  let den = 2 * outLen;
  let i0 = min(num / den, inLen - 1);
  let l1 = f32(num - i0 * den) / f32(den);
  return vec4f(f32(i0), f32(min(i0 + 1, inLen - 1)), 1.0 - l1, l1);
}`;

const forward: WebGpuKernelFn<ResizeAttrs> = ([x], { size: [oh, ow] }, y) => {
  const [, h, w, c] = x.shape;
  const k = elementwise(
    y.shape.reduce((a, b) => a * b, 1),
    `let j = i32(i);
  let ch = j % ${c};
  let p = j / ${c};
  let ty = taps_((p / ${ow}) % ${oh}, ${oh}, ${h});
  let tx = taps_(p % ${ow}, ${ow}, ${w});
  let b = p / ${ow * oh};
  let r0 = (b * ${h} + i32(ty.x)) * ${w};
  let r1 = (b * ${h} + i32(ty.y)) * ${w};
  let a = in0[(r0 + i32(tx.x)) * ${c} + ch] * (ty.z * tx.z);
  let bb = in0[(r0 + i32(tx.y)) * ${c} + ch] * (ty.z * tx.w);
  let cc = in0[(r1 + i32(tx.x)) * ${c} + ch] * (ty.w * tx.z);
  let d = in0[(r1 + i32(tx.y)) * ${c} + ch] * (ty.w * tx.w);
  out[i] = a + bb + (cc + d);`,
  );
  return { ...k, code: `${TAPS_WGSL}\n${k.code}` };
};

/**
 * WGSL statements: `wName` is the weight of input position `iName` in output position `o`'s taps
 * `t`, and `hitName` whether either tap is that position.
 */
const weightOf = (t: string, pos: string, name: string) =>
  `let hit${name} = i32(${t}.x) == ${pos} || i32(${t}.y) == ${pos};
      let w${name} = select(0.0, ${t}.z, i32(${t}.x) == ${pos}) + select(0.0, ${t}.w, i32(${t}.y) == ${pos});`;

const gradient: WebGpuKernelFn<ResizeGradAttrs> = ([dy], { inHW: [h, w] }, dx) => {
  const [, oh, ow, c] = dy.shape;
  const k = elementwise(
    dx.shape.reduce((a, b) => a * b, 1),
    `let j = i32(i);
  let ch = j % ${c};
  let p = j / ${c};
  let ix = p % ${w};
  let iy = (p / ${w}) % ${h};
  let b = p / ${w * h};
  var s = 0.0;
  // Every output that may read row iy / column ix (a generous range; hits are tested).
  let oy0 = max(0, ((iy - 1) * ${oh}) / ${h} - 2);
  let oy1 = min(${oh - 1}, ((iy + 2) * ${oh}) / ${h} + 2);
  let ox0 = max(0, ((ix - 1) * ${ow}) / ${w} - 2);
  let ox1 = min(${ow - 1}, ((ix + 2) * ${ow}) / ${w} + 2);
  for (var oy = oy0; oy <= oy1; oy++) {
    let ty = taps_(oy, ${oh}, ${h});
    ${weightOf("ty", "iy", "Y")}
    if (!hitY) { continue; }
    for (var ox = ox0; ox <= ox1; ox++) {
      let tx = taps_(ox, ${ow}, ${w});
      ${weightOf("tx", "ix", "X")}
      if (!hitX) { continue; }
      s += in0[((b * ${oh} + oy) * ${ow} + ox) * ${c} + ch] * (wY * wX);
    }
  }
  out[i] = plusZero_(s);`,
  );
  return { ...k, code: `${PLUS_ZERO_WGSL}\n${TAPS_WGSL}\n${k.code}` };
};

/** The registry entries of this file's kernels. */
export const resizeBilinearWebGpuKernels: KernelConfig<WebGpuKernelFn<never>>[] = [
  webgpuKernel("resizeBilinear", forward),
  webgpuKernel("resizeBilinearGrad", gradient),
];
