import type { KernelConfig } from "../../kernel_registry.ts";
import type { ClipAttrs } from "../../ops/math_ops.ts";
import { mapKernel, webgpuKernel, type WebGpuKernelFn } from "../wgsl.ts";
import { withNumerics } from "./numerics.ts";

/** WGSL kernels of clip, clipGrad and pow (kernels/ops/math_ops.ts). */

/**
 * Math.pow in WGSL, case by case: WGSL's pow is exp2(b·log2(a)), undefined for a < 0 and
 * unreliable at 0 and ±∞, so only finite positive bases reach it. JS's rules differ from C's
 * at 1^±∞ (NaN, not 1).
 */
const POW_WGSL =
  `fn isinf_(v: f32) -> bool { return (bitcast<u32>(v) & 0x7fffffffu) == 0x7f800000u; }
fn pow_(a: f32, b: f32) -> f32 {
  let inf = bitcast<f32>(0x7f800000u);
  if (b == 0.0) { return 1.0; }
  if (isnan_(a) || isnan_(b)) { return bitcast<f32>(0x7fc00000u); }
  let ab = abs(a);
  if (isinf_(b)) {
    if (ab == 1.0) { return bitcast<f32>(0x7fc00000u); }
    return select(0.0, inf, (ab > 1.0) == (b > 0.0));
  }
  let whole = b == floor(b);
  let odd = whole && floor(b * 0.5) * 2.0 != b;
  let neg = (bitcast<u32>(a) & 0x80000000u) != 0u;
  var m: f32;
  if (ab == 0.0) {
    m = select(inf, 0.0, b > 0.0);
  } else if (isinf_(ab)) {
    m = select(0.0, inf, b > 0.0);
  } else {
    if (neg && !whole) { return bitcast<f32>(0x7fc00000u); }
    m = pow(ab, b);
  }
  return select(m, -m, neg && odd);
}`;

/** The registry entries of this file's kernels. */
export const mathOpsWebGpuKernels: KernelConfig<WebGpuKernelFn<never>>[] = [
  // The bounds are parameters (±∞ included), so one pipeline serves every range.
  webgpuKernel<ClipAttrs>("clip", (ins, { lo, hi }, out) => ({
    ...withNumerics(
      mapKernel(
        ins,
        out,
        ([v]) =>
          `select(select(select(${v}, pf(1), ${v} > pf(1)), pf(0), ${v} < pf(0)), ${v}, isnan_(${v}))`,
      ),
    ),
    f32: [lo, hi],
  })),
  webgpuKernel<ClipAttrs>("clipGrad", (ins, { lo, hi }, out) => ({
    ...withNumerics(
      mapKernel(
        ins,
        out,
        ([g, v]) => `select(select(0.0, ${g}, ${v} >= pf(0) && ${v} <= pf(1)), ${v}, isnan_(${v}))`,
      ),
    ),
    f32: [lo, hi],
  })),
  webgpuKernel("pow", (ins, _a, out) => {
    const k = withNumerics(mapKernel(ins, out, ([a, b]) => `pow_(${a}, ${b})`));
    return { ...k, code: `${POW_WGSL}\n${k.code}` };
  }),
];
