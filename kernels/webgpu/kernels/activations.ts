import type { KernelConfig } from "../../kernel_registry.ts";
import {
  ACTIVATION_MATH,
  type ActivationAttrs,
  GELU_TANH_C,
  SELU_ALPHA,
  SELU_SCALE,
} from "../../ops/activation_math.ts";
import { f, mapKernel, webgpuKernel, type WebGpuKernelFn } from "../wgsl.ts";
import { withNumerics } from "./numerics.ts";

/**
 * WGSL kernels of the activation ops and their backward passes (kernels/ops/activations.ts):
 * the formulas of activation_math.ts in float32. WGSL has no erf, expm1, log1p or a tanh that
 * keeps its accuracy, so they are written out below; comparisons that must see NaN test it on
 * the bits (numerics.ts). alpha is a parameter `pf(0)`.
 */

const MATH_WGSL = `// e^u − 1 without cancellation near 0 (a series below 0.01).
fn expm1_(u: f32) -> f32 {
  return select(exp(u) - 1.0, u * (1.0 + u * (0.5 + u * (0.16666667 + u * 0.041666668))), abs(u) < 0.01);
}
// log(1 + u) for u ≥ 0, a series below 1e-4.
fn log1p_(u: f32) -> f32 {
  return select(log(1.0 + u), u * (1.0 - u * (0.5 - u * 0.33333334)), u < 1e-4);
}
// tanh with ±0 kept (as the tanh op's kernel).
fn tanh_(x: f32) -> f32 {
  let e = exp(-2.0 * abs(x));
  return select(sign(x) * (1.0 - e) / (1.0 + e), x, x == 0.0);
}
fn sigmoid_(x: f32) -> f32 { return 1.0 / (1.0 + exp(-x)); }
// erf: its series below 0.5 (relative error < 1e-7), Abramowitz–Stegun 7.1.26 up to 4
// (absolute error < 1.5e-7), ±1 beyond (erf(4) rounds to 1 in float32).
fn erf_(x: f32) -> f32 {
  let a = abs(x);
  if (a < 0.5) {
    let z = x * x;
    return 1.1283792 * x * (1.0 - z * (0.33333334 - z * (0.1 - z * (0.023809524 - z * (0.0046296297 - z * 0.00075757576)))));
  }
  if (a > 4.0) { return sign(x); }
  let t = 1.0 / (1.0 + 0.3275911 * a);
  let p = t * (0.2548296 + t * (-0.28449672 + t * (1.4214138 + t * (-1.4531521 + t * 1.0614054))));
  return sign(x) * (1.0 - p * exp(-a * a));
}`;

const C = f(GELU_TANH_C);
// gelu (tanh form)'s second derivative, activation_math.ts's formula (6·0.044715 = 0.26829).
const GELU_TANH_D2_WGSL = `fn gelu_tanh_d2_(x: f32) -> f32 {
  let t = tanh_(${C} * (x + 0.044715 * x * x * x));
  let u1 = ${C} * (1.0 + 0.134145 * x * x);
  let u2 = ${C} * 0.26829 * x;
  return (1.0 - t * t) * (u1 + 0.5 * x * (u2 - 2.0 * t * u1 * u1));
}`;
const tanhInner = `${C} * (x + 0.044715 * x * x * x)`;
const eluNeg = (alpha: string) => `${alpha} * expm1_(select(x, -100.0, x < -100.0))`;
const eluSlope = (alpha: string) => `${alpha} * exp(select(x, -100.0, x < -100.0))`;

const eluCurve = (alpha: string) => `select(${eluSlope(alpha)}, 0.0, x > 0.0)`;

/**
 * Value, derivative and (where activation_math.ts has one) second derivative of each activation
 * as WGSL expressions of `x`.
 */
const WGSL: Record<string, (a: ActivationAttrs) => { f: string; df: string; d2f?: string }> = {
  leakyRelu: () => ({ f: "select(pf(0) * x, x, x > 0.0)", df: "select(pf(0), 1.0, x > 0.0)" }),
  elu: () => ({
    f: `select(${eluNeg("pf(0)")}, x, x > 0.0)`,
    df: `select(${eluSlope("pf(0)")}, 1.0, x > 0.0)`,
    d2f: eluCurve("pf(0)"),
  }),
  selu: () => ({
    f: `${f(SELU_SCALE)} * select(${eluNeg(f(SELU_ALPHA))}, x, x > 0.0)`,
    df: `${f(SELU_SCALE)} * select(${eluSlope(f(SELU_ALPHA))}, 1.0, x > 0.0)`,
    d2f: `${f(SELU_SCALE)} * ${eluCurve(f(SELU_ALPHA))}`,
  }),
  gelu: ({ approximate }) =>
    approximate === "tanh"
      ? {
        f: `0.5 * x * (1.0 + tanh_(${tanhInner}))`,
        df:
          `0.5 * (1.0 + tanh_(${tanhInner})) + 0.5 * x * (1.0 - tanh_(${tanhInner}) * tanh_(${tanhInner})) * ${C} * (1.0 + 0.134145 * x * x)`,
        d2f: `gelu_tanh_d2_(x)`,
      }
      : {
        f: "0.5 * x * (1.0 + erf_(x * 0.70710677))",
        df: "0.5 * (1.0 + erf_(x * 0.70710677)) + x * exp(-0.5 * x * x) * 0.3989423",
        d2f: "exp(-0.5 * x * x) * 0.3989423 * (2.0 - x * x)",
      },
  silu: () => ({
    f: "x / (1.0 + exp(-x))",
    df: "sigmoid_(x) * (1.0 + x * (1.0 - sigmoid_(x)))",
    d2f: "sigmoid_(x) * (1.0 - sigmoid_(x)) * (2.0 + x * (1.0 - 2.0 * sigmoid_(x)))",
  }),
  softplus: () => ({
    f: "select(0.0, x, x > 0.0) + log1p_(exp(-abs(x)))",
    df: "sigmoid_(x)",
    d2f: "sigmoid_(x) * (1.0 - sigmoid_(x))",
  }),
  hardSigmoid: () => ({
    f: "select(select(x / 6.0 + 0.5, 1.0, x >= 3.0), 0.0, x <= -3.0)",
    df: "select(0.0, 0.16666667, x > -3.0 && x < 3.0)",
  }),
  relu6: () => ({
    f: "select(select(x, 6.0, x >= 6.0), 0.0, x <= 0.0)",
    df: "select(0.0, 1.0, x > 0.0 && x < 6.0)",
  }),
};

/** A map kernel with `let x` bound to the input `xIndex` and the math helpers defined. */
function activationKernel(
  ins: Parameters<WebGpuKernelFn<ActivationAttrs>>[0],
  out: Parameters<WebGpuKernelFn<ActivationAttrs>>[2],
  attrs: ActivationAttrs,
  expr: (vals: string[]) => string,
  fns: string,
) {
  const k = withNumerics(mapKernel(ins, out, expr));
  const code = `${fns}\n${MATH_WGSL}\n${k.code}`;
  // Only formulas that read alpha get the parameter (an unused binding fails validation).
  return { ...k, code, ...(fns.includes("pf(0)") ? { f32: [attrs.alpha ?? 0] } : {}) };
}

/** The registry entries of this file's kernels. */
export const activationWebGpuKernels: KernelConfig<WebGpuKernelFn<never>>[] = Object.keys(
  ACTIVATION_MATH,
).flatMap((name) => [
  webgpuKernel<ActivationAttrs>(name, (ins, attrs, out) => {
    // NaN in, NaN out, whatever a comparison in the formula makes of it.
    return activationKernel(
      ins,
      out,
      attrs,
      ([v]) => `select(act_(${v}), ${v}, isnan_(${v}))`,
      `fn act_(x: f32) -> f32 { return ${WGSL[name](attrs).f}; }`,
    );
  }),
  webgpuKernel<ActivationAttrs>(`${name}Grad`, (ins, attrs, out) => {
    return activationKernel(
      ins,
      out,
      attrs,
      ([g, v]) => `select(${g} * dact_(${v}), ${v}, isnan_(${v}))`,
      `fn dact_(x: f32) -> f32 { return ${WGSL[name](attrs).df}; }`,
    );
  }),
  ...(ACTIVATION_MATH[name].d2f
    ? [webgpuKernel<ActivationAttrs>(`${name}Grad2`, (ins, attrs, out) => {
      return activationKernel(
        ins,
        out,
        attrs,
        ([g, v]) => `select(${g} * ddact_(${v}), ${v}, isnan_(${v}))`,
        `${GELU_TANH_D2_WGSL}\nfn ddact_(x: f32) -> f32 { return ${WGSL[name](attrs).d2f}; }`,
      );
    })]
    : []),
]);
