/**
 * The scalar formulas of the activation ops (kernels/ops/activations.ts): value f(x) and
 * derivative f′(x) per activation, and its test cases. The CPU reference kernels call these; the
 * WGSL kernels (kernels/webgpu/kernels/activations.ts) compute the same formulas in float32.
 */

/** How gelu is computed: the erf form or PyTorch's tanh approximation. */
export type GeluApproximation = "none" | "tanh";

/** Attributes of the activation ops: alpha (leakyRelu, elu) and gelu's approximation. */
export interface ActivationAttrs {
  /** Negative-side slope of leakyRelu, or elu's saturation value. */
  alpha?: number;
  /** gelu only: "none" for the exact erf form, "tanh" for the tanh approximation. */
  approximate?: GeluApproximation;
}

/** selu's constants (Klambauer et al. 2017, as in Keras and PyTorch). */
export const SELU_ALPHA = 1.6732632423543772848170429916717;
/** selu's scale. */
export const SELU_SCALE = 1.0507009873554804934193349852946;
/** √(2/π), gelu's tanh approximation. */
export const GELU_TANH_C = Math.sqrt(2 / Math.PI);

/**
 * erfc(a) for a ≥ 1 by its continued fraction, evaluated from the tail: `terms` = 200 (the
 * default, which the reference uses) is float64 accurate from a = 1 on; fewer suffice further out
 * (kernels/cpu/activation_fast.ts picks them per a).
 */
export function erfcTail(a: number, terms = 200): number {
  if (a === Infinity) return 0;
  // erfc(a) = e^(−a²)/√π · 1/(a + (1/2)/(a + 1/(a + (3/2)/(a + …))))
  let f = a;
  for (let n = terms; n >= 1; n--) f = a + n / 2 / f;
  return Math.exp(-a * a) / Math.sqrt(Math.PI) / f;
}

/**
 * erf(x) by the series (2/√π)·e^(−x²)·Σ x(2x²)ⁿ/(2n+1)!! (all terms positive, so no
 * cancellation); converges for every x, in more terms as |x| grows (≈ 20 at |x| = 1, 45 at 2).
 */
function erfSeries(x: number): number {
  let term = x, s = x;
  for (let n = 1; n < 200 && Math.abs(term) > 1e-17 * Math.abs(s); n++) {
    term *= (2 * x * x) / (2 * n + 1);
    s += term;
  }
  return (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x) * s;
}

/**
 * erf to float64 accuracy: below |x| = 1 the series (2/√π)·e^(−x²)·Σ x(2x²)ⁿ/(2n+1)!!, whose
 * terms are all positive (the alternating Maclaurin series loses digits to cancellation, which
 * finite differences then magnify); 1 − erfc(x) by erfc's continued fraction from 1 on.
 */
export function erf(x: number): number {
  if (x !== x) return x;
  const a = Math.abs(x);
  if (a < 1) return erfSeries(x);
  return Math.sign(x) * (1 - erfcTail(a));
}

/**
 * The standard normal CDF Φ(x) = ½(1 + erf(x/√2)); below 0 as ½·erfc(|x|/√2), so the tail
 * keeps its relative accuracy (1 + erf(x) would cancel).
 */
export function normalCdf(x: number): number {
  if (!(x < 0)) return 0.5 * (1 + erf(x / Math.SQRT2));
  const z = -x / Math.SQRT2;
  return 0.5 * (z < 1 ? 1 - erf(z) : erfcTail(z));
}

/**
 * One activation: value, derivative, second derivative (absent where f′ is piecewise constant,
 * so f″ is zero almost everywhere) and the registry test cases.
 */
export interface ActivationMath {
  f(x: number, a: ActivationAttrs): number;
  df(x: number, a: ActivationAttrs): number;
  d2f?(x: number, a: ActivationAttrs): number;
  cases: { name: string; shape: number[]; attrs: ActivationAttrs; distinct?: boolean }[];
}

const plain = [{ name: "3x4", shape: [3, 4], attrs: {} }];
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
// Near 0, e^x − 1 loses digits; Math.expm1 does not (the WGSL kernel uses a series there).
const eluOf = (x: number, alpha: number) => (x > 0 ? x : alpha * Math.expm1(Math.max(x, -100)));
const eluSlope = (x: number, alpha: number) => (x > 0 ? 1 : alpha * Math.exp(Math.max(x, -100)));
const eluCurve = (x: number, alpha: number) => (x > 0 ? 0 : alpha * Math.exp(Math.max(x, -100)));
/** The standard normal density φ(x). */
const normalPdf = (x: number) => Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
const tanhInner = (x: number) => GELU_TANH_C * (x + 0.044715 * x * x * x);

/** Every activation op's formulas, by op name. */
export const ACTIVATION_MATH: Record<string, ActivationMath> = {
  leakyRelu: {
    f: (x, { alpha = 0.2 }) => (x > 0 ? x : alpha * x),
    df: (x, { alpha = 0.2 }) => (x > 0 ? 1 : alpha),
    cases: [
      { name: "3x4 alpha 0.1", shape: [3, 4], attrs: { alpha: 0.1 }, distinct: true },
      { name: "empty", shape: [0, 4], attrs: { alpha: 0.1 } },
    ],
  },
  elu: {
    f: (x, { alpha = 1 }) => eluOf(x, alpha),
    df: (x, { alpha = 1 }) => eluSlope(x, alpha),
    d2f: (x, { alpha = 1 }) => eluCurve(x, alpha),
    cases: [{ name: "3x4 alpha 0.7", shape: [3, 4], attrs: { alpha: 0.7 }, distinct: true }],
  },
  selu: {
    f: (x) => SELU_SCALE * eluOf(x, SELU_ALPHA),
    df: (x) => SELU_SCALE * eluSlope(x, SELU_ALPHA),
    d2f: (x) => SELU_SCALE * eluCurve(x, SELU_ALPHA),
    cases: [{ name: "3x4", shape: [3, 4], attrs: {}, distinct: true }],
  },
  gelu: {
    f: (x, { approximate }) =>
      approximate === "tanh" ? 0.5 * x * (1 + Math.tanh(tanhInner(x))) : x * normalCdf(x),
    df: (x, { approximate }) => {
      if (approximate === "tanh") {
        const t = Math.tanh(tanhInner(x));
        return 0.5 * (1 + t) +
          0.5 * x * (1 - t * t) * GELU_TANH_C * (1 + 3 * 0.044715 * x * x);
      }
      return normalCdf(x) + x * Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
    },
    // tanh form: with t = tanh(u), u = c(x + 0.044715x³): (1 − t²)(u′ + ½x(u″ − 2t·u′²)).
    d2f: (x, { approximate }) => {
      if (approximate === "tanh") {
        const t = Math.tanh(tanhInner(x));
        const u1 = GELU_TANH_C * (1 + 3 * 0.044715 * x * x), u2 = GELU_TANH_C * 6 * 0.044715 * x;
        return (1 - t * t) * (u1 + 0.5 * x * (u2 - 2 * t * u1 * u1));
      }
      return normalPdf(x) * (2 - x * x);
    },
    cases: [
      { name: "erf 3x4", shape: [3, 4], attrs: { approximate: "none" } },
      { name: "tanh 3x4", shape: [3, 4], attrs: { approximate: "tanh" } },
      // ±1.5 by 0.05 steps: both erf branches of the WGSL kernel (its tails are in the WebGPU
      // parity test's extra cases: a finite-difference check of a 200-term sum cannot resolve
      // gradients of 1e-7).
      {
        name: "erf, 60 values in ±1.5",
        shape: [60],
        attrs: { approximate: "none" },
        distinct: true,
      },
    ],
  },
  silu: {
    f: (x) => x / (1 + Math.exp(-x)),
    df: (x) => {
      const s = sigmoid(x);
      return s * (1 + x * (1 - s));
    },
    d2f: (x) => {
      const s = sigmoid(x);
      return s * (1 - s) * (2 + x * (1 - 2 * s));
    },
    cases: plain,
  },
  softplus: {
    f: (x) => (x !== x ? x : Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)))),
    df: (x) => sigmoid(x),
    d2f: (x) => sigmoid(x) * (1 - sigmoid(x)),
    cases: plain,
  },
  hardSigmoid: {
    f: (x) => (x <= -3 ? 0 : x >= 3 ? 1 : x / 6 + 0.5),
    df: (x) => (x > -3 && x < 3 ? 1 / 6 : 0),
    // −5..5 crosses both corners.
    cases: [{ name: "200 values in ±5", shape: [200], attrs: {}, distinct: true }],
  },
  relu6: {
    f: (x) => (x <= 0 ? 0 : x >= 6 ? 6 : x),
    df: (x) => (x > 0 && x < 6 ? 1 : 0),
    cases: [{ name: "300 values in ±7.5", shape: [300], attrs: {}, distinct: true }],
  },
};
