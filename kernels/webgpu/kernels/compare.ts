import type { KernelConfig } from "../../kernel_registry.ts";
import { mapKernel, webgpuKernel, type WebGpuKernelFn, wgslType } from "../wgsl.ts";
import { withNumerics } from "./numerics.ts";

/**
 * WGSL kernels of less, lessEqual, greater, notEqual and where (kernels/ops/compare.ts). WGSL
 * may fold comparisons as if NaN did not exist, so float operands test NaN on the bits.
 */

/** Each comparison as a WGSL boolean of `a` and `b`, and what it is when either is NaN. */
const COMPARISONS: Record<string, { test: (a: string, b: string) => string; nan: boolean }> = {
  less: { test: (a, b) => `${a} < ${b}`, nan: false },
  lessEqual: { test: (a, b) => `${a} <= ${b}`, nan: false },
  greater: { test: (a, b) => `${a} > ${b}`, nan: false },
  notEqual: { test: (a, b) => `${a} != ${b}`, nan: true },
};

/** The registry entries of this file's kernels. */
export const compareWebGpuKernels: KernelConfig<WebGpuKernelFn<never>>[] = [
  ...Object.entries(COMPARISONS).map(([name, { test, nan }]) =>
    webgpuKernel(name, ([x, y], _a, out) => {
      const t = wgslType(out.dtype);
      return withNumerics(mapKernel([x, y], out, ([a, b]) => {
        const c = t === "f32"
          ? `select(${test(a, b)}, ${nan}, isnan_(${a}) || isnan_(${b}))`
          : test(a, b);
        return `select(${t}(0), ${t}(1), ${c})`;
      }));
    })
  ),
  // A non-zero condition picks a, NaN included; −0 is false (== 0).
  webgpuKernel(
    "where",
    ([c, a, b], _a, out) =>
      withNumerics(
        mapKernel([c, a, b], out, ([cv, av, bv]) =>
          c.dtype === "int32"
            ? `select(${bv}, ${av}, ${cv} != 0)`
            : `select(${bv}, ${av}, ${cv} != 0.0 || isnan_(${cv}))`),
      ),
  ),
];
