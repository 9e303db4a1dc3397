/**
 * `deno run tools/fit_erfcx.ts [--k K] [--terms N]`: the polynomial that kernels/cpu/wasm/kernels.c's
 * gelu kernels evaluate for the scaled complementary error function erfcx(z) = e^(z²)·erfc(z) on
 * z ∈ [0, ∞), in the variable t = (z − K)/(z + K) ∈ [−1, 1). It interpolates erfcx at the N
 * Chebyshev nodes (values from the reference's float64 erf, kernels/ops/activation_math.ts) and is
 * printed in powers of t, with the largest relative error of its Horner evaluation on 200 000
 * points of z ∈ [0, 27], as the C initialisers.
 * Without --terms it reports the error for a range of N so the shortest sum that is float64
 * accurate can be chosen.
 */
import { erf } from "../kernels/ops/activation_math.ts";

/**
 * erfcx(z) for z ≥ 0 in float64: e^(z²)·(1 − erf(z)) by the reference's series below 1 (no
 * cancellation there: erfc ≥ 0.15), 1/(√π·f) by erfc's continued fraction f from 1 on (the
 * reference's erfcTail without its e^(−z²), which would underflow).
 */
export function erfcx(z: number): number {
  if (z < 1) return Math.exp(z * z) * (1 - erf(z));
  let f = z;
  for (let n = 200; n >= 1; n--) f = z + n / 2 / f;
  return 1 / Math.sqrt(Math.PI) / f;
}

/** Chebyshev coefficients c_0..c_{n−1} of erfcx(z(t)) interpolating at n nodes (c_0 not halved). */
export function chebyshev(k: number, n: number): number[] {
  const f: number[] = [];
  for (let j = 0; j < n; j++) {
    const t = Math.cos(Math.PI * (j + 0.5) / n);
    f.push(erfcx(k * (1 + t) / (1 - t)));
  }
  const c: number[] = [];
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += f[j] * Math.cos(Math.PI * i * (j + 0.5) / n);
    c.push((2 / n) * s * (i === 0 ? 0.5 : 1));
  }
  return c;
}

/**
 * The same polynomial in powers of t: p_i with Σ c_n T_n(t) = Σ p_i tⁱ (T_n by T_{n+1} = 2t·T_n −
 * T_{n−1}). Its coefficients stay below 0.3 here, so Horner's rule in this form is as accurate as
 * Clenshaw's recurrence on the Chebyshev form and needs two operations per term instead of three.
 */
export function monomial(c: number[]): number[] {
  const p = new Array(c.length).fill(0);
  let prev = [1], cur = [0, 1];
  p[0] += c[0];
  if (c.length > 1) p[1] += c[1];
  for (let n = 2; n < c.length; n++) {
    const next = new Array(n + 1).fill(0);
    for (let i = 0; i < cur.length; i++) next[i + 1] += 2 * cur[i];
    for (let i = 0; i < prev.length; i++) next[i] -= prev[i];
    for (let i = 0; i <= n; i++) p[i] += c[n] * next[i];
    prev = cur;
    cur = next;
  }
  return p;
}

/** Σ p_i tⁱ by Horner's rule, as kernels.c evaluates it. */
export function horner(p: number[], t: number): number {
  let s = p[p.length - 1];
  for (let i = p.length - 2; i >= 0; i--) s = s * t + p[i];
  return s;
}

/** Largest relative error of the sum against erfcx on z ∈ [0, 27]. */
function maxError(p: number[], k: number): number {
  let worst = 0;
  for (let i = 0; i <= 200_000; i++) {
    const z = 27 * i / 200_000;
    const t = 1 - 2 * k / (z + k);
    const ref = erfcx(z);
    worst = Math.max(worst, Math.abs(horner(p, t) - ref) / ref);
  }
  return worst;
}

if (import.meta.main) {
  const arg = (name: string) => {
    const i = Deno.args.indexOf(name);
    return i >= 0 ? Number(Deno.args[i + 1]) : undefined;
  };
  const k = arg("--k") ?? 4;
  const terms = arg("--terms");
  if (terms === undefined) {
    for (let n = 16; n <= 48; n += 2) {
      console.log(
        `K ${k}, ${n} terms: max relative error ${maxError(monomial(chebyshev(k, n)), k)}`,
      );
    }
  } else {
    const c = monomial(chebyshev(k, terms));
    console.log(
      `/* K = ${k}, ${terms} terms: max relative error ${maxError(c, k).toExponential(2)} */`,
    );
    console.log(`#define ERFCX_K ${k}.0`);
    console.log(`static const double ERFCX_P[${terms}] = {`);
    for (let i = 0; i < terms; i += 3) {
      console.log("  " + c.slice(i, i + 3).map((v) => v.toPrecision(17)).join(", ") + ",");
    }
    console.log("};");
  }
}
