/**
 * `deno run tools/fit_gelu_central.ts [--bound B] [--terms N]`: the polynomials that
 * kernels/cpu/wasm/kernels.c's gelu kernels evaluate where every value of a block lies in
 * |x| < B: Φ(x) = ½ + x·P(s) and gelu′(x) = Φ(x) + x·φ(x) = ½ + x·Q(s), both in s = 2x²/B² − 1
 * ∈ [−1, 1] (Φ − ½ and gelu′ − ½ are odd, so P and Q are even functions of x: no exponential, no
 * division, no erfcx). Each interpolates its function at the N Chebyshev nodes (values from
 * erf's all-positive series, which has no cancellation there) and is printed in powers of s with
 * the largest relative error of gelu and gelu′ (where |gelu′| > 1e-3) on 100 000 points of
 * (−B, B) against the reference's formulas (kernels/ops/activation_math.ts), as C initialisers.
 */
import { ACTIVATION_MATH } from "../kernels/ops/activation_math.ts";
import { horner, monomial } from "./fit_erfcx.ts";

/** erf(z)/z = (2/√π)·e^(−z²)·Σ (2z²)ⁿ/(2n+1)!!: all terms positive. */
function erfOverZ(z: number): number {
  let term = 1, s = 1;
  for (let n = 1; n < 200 && term > 1e-18 * s; n++) {
    term *= 2 * z * z / (2 * n + 1);
    s += term;
  }
  return (2 / Math.sqrt(Math.PI)) * Math.exp(-z * z) * s;
}

/** (Φ(x) − ½)/x = erf(x/√2)/(2x). */
export function cdfOdd(x: number): number {
  return erfOverZ(x / Math.SQRT2) / (2 * Math.SQRT2);
}

/** (gelu′(x) − ½)/x = (Φ(x) − ½)/x + φ(x). */
export function slopeOdd(x: number): number {
  return cdfOdd(x) + Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
}

/** Coefficients in powers of s = 2x²/B² − 1 of the interpolant of f(x) at n Chebyshev nodes. */
export function fitCentral(f: (x: number) => number, bound: number, n: number): number[] {
  const values: number[] = [];
  for (let j = 0; j < n; j++) {
    const s = Math.cos(Math.PI * (j + 0.5) / n);
    values.push(f(Math.sqrt((s + 1) * bound * bound / 2)));
  }
  const c: number[] = [];
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let j = 0; j < n; j++) sum += values[j] * Math.cos(Math.PI * i * (j + 0.5) / n);
    c.push((2 / n) * sum * (i === 0 ? 0.5 : 1));
  }
  return monomial(c);
}

/** Largest relative errors of gelu and gelu′ (|gelu′| > 1e-3) from P and Q on (−B, B). */
export function centralErrors(p: number[], q: number[], bound: number): [number, number] {
  const gelu = ACTIVATION_MATH.gelu;
  let wf = 0, wg = 0;
  for (let i = 1; i <= 100_000; i++) {
    const x = -bound + 2 * bound * i / 100_001, s = 2 * x * x / (bound * bound) - 1;
    const f = gelu.f(x, {}), g = gelu.df(x, {});
    if (f !== 0) wf = Math.max(wf, Math.abs(x * (0.5 + x * horner(p, s)) - f) / Math.abs(f));
    if (Math.abs(g) > 1e-3) wg = Math.max(wg, Math.abs(0.5 + x * horner(q, s) - g) / Math.abs(g));
  }
  return [wf, wg];
}

if (import.meta.main) {
  const arg = (name: string, d: number) => {
    const i = Deno.args.indexOf(name);
    return i >= 0 ? Number(Deno.args[i + 1]) : d;
  };
  const bound = arg("--bound", 2.5), terms = arg("--terms", 16);
  const p = fitCentral(cdfOdd, bound, terms), q = fitCentral(slopeOdd, bound, terms);
  const [wf, wg] = centralErrors(p, q, bound);
  console.log(
    `/* |x| < ${bound}, ${terms} terms: max relative error gelu ${wf.toExponential(2)}, ` +
      `gelu' ${wg.toExponential(2)} */`,
  );
  console.log(`#define GELU_BOUND ${bound}`);
  for (const [name, c] of [["GELU_P", p], ["GELU_Q", q]] as const) {
    console.log(`static const double ${name}[${terms}] = {`);
    for (let i = 0; i < terms; i += 3) {
      console.log("  " + c.slice(i, i + 3).map((v) => v.toPrecision(17)).join(", ") + ",");
    }
    console.log("};");
  }
}
