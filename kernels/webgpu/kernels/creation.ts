import type { KernelConfig } from "../../kernel_registry.ts";
import type { RandomAttrs } from "../../ops/creation.ts";
import { PCG_HASH_WGSL, pcgHash } from "../../random.ts";
import { sizeOf } from "../../shape.ts";
import { elementwise, webgpuKernel, type WebGpuKernelFn } from "../wgsl.ts";

/** WGSL kernel of random (kernels/ops/creation.ts): the same hash and formulas as the CPU. */

const UNIT_WGSL = `fn unit_(c: u32) -> f32 { return f32(pcg_(c ^ pu(0)) >> 8u) / 16777216.0; }`;

// The seed's hash and the two parameters are dynamic: a new seed needs no new pipeline.
const random: WebGpuKernelFn<RandomAttrs> = (_ins, { dist, a, b, seed }, out) => {
  const value = dist === "uniform"
    ? "pf(0) + (pf(1) - pf(0)) * unit_(i)"
    : `pf(0) + pf(1) * (sqrt(-2.0 * log(1.0 - unit_(2u * i))) *
      -cos(6.283185307179586 * (unit_(2u * i + 1u) - 0.5)))`;
  const k = elementwise(sizeOf(out.shape), `out[i] = ${value};`);
  return {
    ...k,
    code: `${PCG_HASH_WGSL}\n${UNIT_WGSL}\n${k.code}`,
    f32: [a, b],
    u32: [pcgHash(seed)],
  };
};

/** The registry entries of this file's kernels. */
export const creationWebGpuKernels: KernelConfig<WebGpuKernelFn<never>>[] = [
  webgpuKernel("random", random),
];
