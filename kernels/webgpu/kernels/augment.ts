import type { KernelConfig } from "../../kernel_registry.ts";
import { type CropFlipOptions, cropFlipStream } from "../../ops/augment.ts";
import { PCG_HASH_WGSL, pcgHash } from "../../random.ts";
import { elementwise, u, webgpuKernel, type WebGpuKernelFn } from "../wgsl.ts";

/** WGSL kernel of cropFlip (kernels/ops/augment.ts), drawing exactly what the CPU draws. */

/**
 * ⌊u·span⌋ for u = h/2³² equals the number of k in 1…span−1 with h ≥ ⌈k·2³²/span⌉; comparing
 * hashes against these integer thresholds keeps WGSL's draws bit-identical to the CPU's.
 */
function thresholds(span: number): number[] {
  return Array.from({ length: span - 1 }, (_, k) => Math.ceil(((k + 1) * 4294967296) / span));
}

/** The registry entries of this file's kernels. */
export const augmentWebGpuKernels: KernelConfig<WebGpuKernelFn<never>>[] = [
  webgpuKernel<CropFlipOptions>("cropFlip", ([x], o) => {
    const [n, h, w, c] = x.shape;
    const span = 2 * o.padding + 1;
    const k = elementwise(
      n * h * w * c,
      `let ch = i % ${u(c)};
  let xo = i32((i / ${u(c)}) % ${u(w)});
  let y = i32((i / ${u(w * c)}) % ${u(h)});
  let s = i / ${u(h * w * c)};
  let j = (pu(1) + s) * 3u;
  var dy = -${o.padding};
  var dx = -${o.padding};
  let hy = pcg_(j ^ pu(0));
  let hx = pcg_((j + 1u) ^ pu(0));
  for (var t = 0u; t < ${u(span - 1)}; t++) {
    dy += select(0, 1, hy >= pu(2u + t));
    dx += select(0, 1, hx >= pu(2u + t));
  }
  let flip = ${o.flip ? "pcg_((j + 2u) ^ pu(0)) < 0x80000000u" : "false"};
  let sy = y - dy;
  let sx = select(xo, ${w - 1} - xo, flip) - dx;
  if (sy < 0 || sy >= ${h} || sx < 0 || sx >= ${w}) {
    out[i] = 0.0;
  } else {
    out[i] = in0[s * ${u(h * w * c)} + u32(sy * ${w} + sx) * ${u(c)} + ch];
  }`,
    );
    return {
      ...k,
      code: `${PCG_HASH_WGSL}\n${k.code}`,
      u32: [pcgHash(cropFlipStream(o.seed, o.counter)), o.first, ...thresholds(span)],
    };
  }),
];
