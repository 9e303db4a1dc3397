import type { KernelConfig } from "../kernel_registry.ts";
import { ACTIVATION_MATH, type ActivationAttrs, erfcTail } from "../ops/activation_math.ts";
import { type CpuKernel, fastKernel } from "./cpu_kernel.ts";
import { geluGradWasm, geluWasm } from "./wasm/gelu_wasm.ts";

/**
 * Fast CPU kernels of sigmoid, tanh, gelu and geluGrad. The reference kernels share one loop per
 * op family that calls the formula through a closure, a call site V8 cannot inline; here each op
 * has its own loop over the same formula, so sigmoid and tanh (and gelu's tanh form) are
 * bit-identical to the reference. gelu's erf form on float32 also evaluates erf more cheaply:
 * the reference sums its series to 1e-17 below |x|/√2 = 1 and runs erfc's continued fraction to
 * 200 terms above; here a fixed 28-term series (`erfSeriesShort`) serves up to |x|/√2 < 2 and
 * the fraction runs only the terms its argument needs (`cfTerms`). That moves the last float64
 * digits, so a float32 result may differ from the reference by one ulp (rarely:
 * tests/kernels/cpu/activation_fast_test.ts bounds the distance and how often); float64 tensors
 * keep the reference's erf and are bit-identical. With the WASM kernels (the default), float32 gelu
 * and geluGrad of the erf form run wasm/gelu_wasm.ts instead (also within one ulp, on both cores);
 * these loops are its fallback.
 */

/** Below this |argument| erf comes from the series (about 30 terms at 2), above from erfc's fraction. */
const SERIES_BELOW = 2;

/**
 * Terms of the series that bring the last one below 1e-13 of the first at |x| = 2 (28), and so
 * everywhere below: one fixed count, because a loop whose trip count depends on the value
 * mispredicts its exit on every element (twice as slow as the 28 fixed terms, measured).
 */
const SERIES_TERMS = (() => {
  let ratio = 1, n = 0;
  while (ratio >= 1e-13) ratio *= (2 * SERIES_BELOW * SERIES_BELOW) / (2 * ++n + 1);
  return n;
})();

/** 1/(2n+1): the series' divisions become products. */
const RECIPROCALS = Float64Array.from({ length: SERIES_TERMS + 1 }, (_, n) => 1 / (2 * n + 1));

/**
 * erf(x) for |x| < 2 by the reference's series (activation_math.ts `erf`), summed to a fixed
 * SERIES_TERMS terms instead of 1e-17 of the sum, with products by 1/(2n+1): float32 needs
 * ≈ 1e-8, and these changes move only the last float64 digits.
 */
function erfSeriesShort(x: number): number {
  const w = 2 * x * x;
  let term = x, s = x;
  for (let n = 1; n <= SERIES_TERMS; n++) {
    term *= w * RECIPROCALS[n];
    s += term;
  }
  return (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x) * s;
}

/**
 * Terms of erfc's continued fraction that give the 200-term value bit for bit in float64 from
 * a = 2 on (measured per range on 200 000 random a each, then rounded up by ≥ 10 %).
 */
function cfTerms(a: number): number {
  if (a < 2.5) return 64;
  if (a < 3) return 46;
  if (a < 4) return 36;
  if (a < 5) return 25;
  if (a < 6) return 21;
  if (a < 8) return 17;
  if (a < 10) return 14;
  if (a < 15) return 12;
  return 10;
}

/** erf(x) as the reference's `erf`, with the short series up to |x| < 2 and a shorter fraction. */
function erfFast(x: number): number {
  if (x !== x) return x;
  const a = Math.abs(x);
  if (a < SERIES_BELOW) return erfSeriesShort(x);
  return Math.sign(x) * (1 - erfcTail(a, cfTerms(a)));
}

/** Φ(x) as the reference's `normalCdf`: below 0 as ½·erfc(|x|/√2) to keep the tail's digits. */
function normalCdfFast(x: number): number {
  if (!(x < 0)) return 0.5 * (1 + erfFast(x / Math.SQRT2));
  const z = -x / Math.SQRT2;
  return 0.5 * (z < SERIES_BELOW ? 1 - erfSeriesShort(z) : erfcTail(z, cfTerms(z)));
}

const GELU = ACTIVATION_MATH.gelu;

const sigmoidFast: CpuKernel = ([x], _a, out) => {
  const d = x.data;
  for (let i = 0; i < out.length; i++) out[i] = 1 / (1 + Math.exp(-d[i]));
};

const tanhFast: CpuKernel = ([x], _a, out) => {
  const d = x.data;
  for (let i = 0; i < out.length; i++) out[i] = Math.tanh(d[i]);
};

const geluFast: CpuKernel = ([x], attrs, out) => {
  const d = x.data, a = attrs as ActivationAttrs;
  // float64 keeps the reference's erf (the series loses ≈ 1 digit to 1 − erf for x ≤ −√2).
  if (a.approximate === "tanh" || out instanceof Float64Array) {
    const f = GELU.f;
    for (let i = 0; i < out.length; i++) out[i] = f(d[i], a);
    return;
  }
  if (out instanceof Float32Array && geluWasm(d as Float32Array, out)) return;
  for (let i = 0; i < out.length; i++) {
    const v = d[i];
    out[i] = v * normalCdfFast(v);
  }
};

const geluGradFast: CpuKernel = ([dy, x], attrs, out) => {
  const g = dy.data, d = x.data, a = attrs as ActivationAttrs;
  if (a.approximate === "tanh" || out instanceof Float64Array) {
    const df = GELU.df;
    for (let i = 0; i < out.length; i++) {
      const v = d[i];
      out[i] = v !== v ? v : g[i] * df(v, a);
    }
    return;
  }
  if (out instanceof Float32Array && geluGradWasm(g as Float32Array, d as Float32Array, out)) {
    return;
  }
  for (let i = 0; i < out.length; i++) {
    const v = d[i];
    // The reference's f′ = Φ(x) + x·φ(x), with φ written as there (e^(−x²/2)/√(2π)).
    out[i] = v !== v
      ? v
      : g[i] * (normalCdfFast(v) + v * Math.exp(-0.5 * v * v) / Math.sqrt(2 * Math.PI));
  }
};

/** The registry entries of this file's kernels (registered by cpu/register_all.ts). */
export const activationFastKernels: KernelConfig<CpuKernel>[] = [
  fastKernel("sigmoid", sigmoidFast, { overwrites: true }),
  fastKernel("tanh", tanhFast, { overwrites: true }),
  fastKernel("gelu", geluFast, { overwrites: true }),
  fastKernel("geluGrad", geluGradFast, { overwrites: true }),
];
