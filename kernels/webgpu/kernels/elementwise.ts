import type { KernelConfig } from "../../kernel_registry.ts";
import type { CastAttrs, ScalarAttrs } from "../../ops/elementwise.ts";
import { f, mapKernel, webgpuKernel, type WebGpuKernelFn, wgslType } from "../wgsl.ts";

/** WGSL kernels of the elementwise ops (kernels/ops/elementwise.ts). */

/** Unary ops as a WGSL expression of the input value `X`. */
const UNARY: Record<string, string> = {
  neg: "-(X)",
  exp: "exp(X)",
  log: "log(X)",
  sqrt: "sqrt(X)",
  abs: "abs(X)",
  sign: "sign(X)",
  relu: "max(X, 0.0)",
  step: "select(0.0, 1.0, X > 0.0)",
  sigmoid: "1.0 / (1.0 + exp(-(X)))",
  tanh: "sign(X) * (1.0 - exp(-2.0 * abs(X))) / (1.0 + exp(-2.0 * abs(X)))",
  square: "(X) * (X)",
};

/** Binary ops as a WGSL expression of the operands `a`, `b` and the element type `t`. */
const BINARY: Record<string, (a: string, b: string, t: string) => string> = {
  add: (a, b) => `${a} + ${b}`,
  sub: (a, b) => `${a} - ${b}`,
  mul: (a, b) => `${a} * ${b}`,
  div: (a, b) => `${a} / ${b}`,
  maximum: (a, b) => `max(${a}, ${b})`,
  greaterEqual: (a, b, t) => `select(${t}(0), ${t}(1), ${a} >= ${b})`,
  equal: (a, b, t) => `select(${t}(0), ${t}(1), ${a} == ${b})`,
};

// WGSL pow is undefined for a negative base; integer exponents keep Math.pow's sign rule.
const powScalar: WebGpuKernelFn<ScalarAttrs> = (ins, { c }, out) =>
  mapKernel(
    ins,
    out,
    ([v]) =>
      Number.isInteger(c)
        ? `select(pow(abs(${v}), ${f(c)}), ${Math.abs(c) % 2 === 1 ? "-" : ""}pow(abs(${v}), ${
          f(c)
        }), ${v} < 0.0)`
        : `pow(${v}, ${f(c)})`,
  );

/** The registry entries of this file's kernels. */
export const elementwiseWebGpuKernels: KernelConfig<WebGpuKernelFn<never>>[] = [
  ...Object.entries(UNARY).map(([name, wgsl]) =>
    webgpuKernel(name, (ins, _a, out) => mapKernel(ins, out, ([v]) => wgsl.replaceAll("X", v)))
  ),
  webgpuKernel(
    "reluGrad",
    (ins, _a, out) => mapKernel(ins, out, ([g, v]) => `select(0.0, ${g}, ${v} > 0.0)`),
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
      (ins, _a, out) => mapKernel(ins, out, ([a, b]) => wgsl(a, b, wgslType(out.dtype))),
    )
  ),
  // WGSL's f32 → i32 conversion truncates toward zero, like Math.trunc.
  webgpuKernel<CastAttrs>(
    "cast",
    (ins, { dtype }, out) => mapKernel(ins, out, ([v]) => `${wgslType(dtype)}(${v})`),
  ),
];
