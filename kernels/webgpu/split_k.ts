import { elementwise, type GpuKernel, u } from "./wgsl.ts";

/**
 * The second pass of a split reduction (`GpuKernel.splits`, split-K GEMM and long sums): the
 * first pass wrote `splits` partial results, partial s of element i at `in0[s * n + i]`; this
 * kernel adds them into `out[i]`, so many workgroups share a long reduction without float
 * atomics.
 */
export function splitSumKernel(n: number, splits: number): GpuKernel {
  return elementwise(
    n,
    `var s = in0[i];
  for (var k = 1u; k < ${u(splits)}; k++) { s += in0[k * ${u(n)} + i]; }
  out[i] = s;`,
  );
}
