import type { KernelConfig } from "../../kernel_registry.ts";
import type { CastAttrs, ScalarAttrs } from "../../ops/elementwise.ts";
import { f, mapKernel, webgpuKernel, type WebGpuKernelFn, wgslType } from "../wgsl.ts";
import { withNumerics } from "./numerics.ts";

/** WGSL kernels of the elementwise ops (kernels/ops/elementwise.ts). */

/** Unary ops as a WGSL expression of the input value `X`. */
const UNARY: Record<string, string> = {
  neg: "-(X)",
  exp: "exp(X)",
  log: "log(X)",
  sqrt: "sqrt(X)",
  abs: "abs(X)",
  // Math.sign's rule: NaN stays NaN and ±0 keep their sign (WGSL's sign gives 0 for both).
  sign: "select(sign(X), X, X == 0.0 || isnan_(X))",
  // NaN passes (WGSL's max may drop it); −0 gives +0, as on the CPU.
  relu: "select(0.0, X, X > 0.0 || isnan_(X))",
  step: "select(select(0.0, 1.0, X > 0.0), X, isnan_(X))",
  sigmoid: "1.0 / (1.0 + exp(-(X)))",
  // tanh(±0) = ±0, as Math.tanh.
  tanh: "select(sign(X) * (1.0 - exp(-2.0 * abs(X))) / (1.0 + exp(-2.0 * abs(X))), X, X == 0.0)",
  square: "(X) * (X)",
};

/** Binary ops as a WGSL expression of the operands `a`, `b` and the element type `t`. */
const BINARY: Record<string, (a: string, b: string, t: string) => string> = {
  add: (a, b) => `${a} + ${b}`,
  sub: (a, b) => `${a} - ${b}`,
  mul: (a, b) => `${a} * ${b}`,
  // int32 x / 0 is 0 as on the CPU (WGSL's own i32 division by zero gives x).
  div: (a, b, t) => t === "i32" ? `select(${a} / ${b}, 0, ${b} == 0)` : `${a} / ${b}`,
  maximum: (a, b, t) => t === "i32" ? `max(${a}, ${b})` : `maxnan_(${a}, ${b})`,
  minimum: (a, b, t) => t === "i32" ? `min(${a}, ${b})` : `minnan_(${a}, ${b})`,
  greaterEqual: (a, b, t) => `select(${t}(0), ${t}(1), ${a} >= ${b})`,
  equal: (a, b, t) => `select(${t}(0), ${t}(1), ${a} == ${b})`,
};

// WGSL pow is undefined for a negative base; integer exponents keep Math.pow's sign rule, and
// a NaN base gives NaN (lavapipe's pow gives 0) unless c = 0, where Math.pow gives 1.
const powScalar: WebGpuKernelFn<ScalarAttrs> = (ins, { c }, out) =>
  withNumerics(mapKernel(ins, out, ([v]) => {
    const p = Number.isInteger(c)
      ? `select(pow(abs(${v}), ${f(c)}), ${Math.abs(c) % 2 === 1 ? "-" : ""}pow(abs(${v}), ${
        f(c)
      }), ${v} < 0.0)`
      : `pow(${v}, ${f(c)})`;
    return c === 0 ? p : `select(${p}, ${v}, isnan_(${v}))`;
  }));

/** The registry entries of this file's kernels. */
export const elementwiseWebGpuKernels: KernelConfig<WebGpuKernelFn<never>>[] = [
  ...Object.entries(UNARY).map(([name, wgsl]) =>
    webgpuKernel(
      name,
      (ins, _a, out) => withNumerics(mapKernel(ins, out, ([v]) => wgsl.replaceAll("X", v))),
    )
  ),
  webgpuKernel(
    "reluGrad",
    (ins, _a, out) =>
      withNumerics(
        mapKernel(
          ins,
          out,
          ([g, v]) => `select(select(0.0, ${g}, ${v} > 0.0), ${v}, isnan_(${v}))`,
        ),
      ),
  ),
  webgpuKernel<ScalarAttrs>(
    "mulScalar",
    (ins, { c }, out) => ({ ...mapKernel(ins, out, ([v]) => `${v} * pf(0)`), f32: [c] }),
  ),
  webgpuKernel<ScalarAttrs>(
    "addScalar",
    (ins, { c }, out) => ({ ...mapKernel(ins, out, ([v]) => `${v} + pf(0)`), f32: [c] }),
  ),
  webgpuKernel("powScalar", powScalar),
  ...Object.entries(BINARY).map(([name, wgsl]) =>
    webgpuKernel(
      name,
      (ins, _a, out) =>
        withNumerics(mapKernel(ins, out, ([a, b]) => wgsl(a, b, wgslType(out.dtype)))),
    )
  ),
  // To int32: truncated, saturated, NaN to 0 (toi32_), as the CPU's cast.
  webgpuKernel<CastAttrs>(
    "cast",
    ([x], { dtype }, out) =>
      withNumerics(
        mapKernel(
          [x],
          out,
          ([v]) =>
            dtype === "int32" && x.dtype !== "int32" ? `toi32_(${v})` : `${wgslType(dtype)}(${v})`,
        ),
      ),
  ),
];
