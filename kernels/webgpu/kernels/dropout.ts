import type { KernelConfig } from "../../kernel_registry.ts";
import type { MaskAttrs } from "../../ops/dropout.ts";
import { PCG_HASH_WGSL, pcgHash } from "../../random.ts";
import { elementwise, webgpuKernel, type WebGpuKernelFn } from "../wgsl.ts";

/** WGSL kernel of dropoutMask (kernels/ops/dropout.ts), the same hash test as the CPU. */

/** The registry entries of this file's kernels. */
export const dropoutWebGpuKernels: KernelConfig<WebGpuKernelFn<never>>[] = [
  // The same PCG hash in u32 arithmetic; hash/2³² ≥ rate is compared as hash ≥ ⌈rate·2³²⌉ so
  // no float rounding can flip a unit. The seed is a parameter: a new seed needs no new pipeline.
  webgpuKernel<MaskAttrs>("dropoutMask", (_ins, { rate, seed }, out) => {
    const k = elementwise(
      out.shape.reduce((a, b) => a * b, 1),
      `out[i] = select(0.0, pf(0), pcg_(i ^ pu(0)) >= pu(1));`,
    );
    return {
      ...k,
      code: `${PCG_HASH_WGSL}\n${k.code}`,
      f32: [1 / (1 - rate)],
      u32: [pcgHash(seed), Math.min(Math.ceil(rate * 4294967296), 4294967295)],
    };
  }),
];
