/** The relative errors the gradient checks report (central differences: train/finite_differences.ts). @module */

/**
 * max_i |a_i − b_i| / max(|a_i|, |b_i|, floor). The floor keeps elements that are zero up to
 * rounding (both below it) from turning noise into a relative error of 1. NaN anywhere gives
 * Infinity, and a length mismatch throws.
 */
export function maxRelError(a: ArrayLike<number>, b: ArrayLike<number>, floor = 1e-8): number {
  if (a.length !== b.length) throw new Error(`maxRelError: ${a.length} vs ${b.length} values`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const e = Math.abs(a[i] - b[i]) / Math.max(Math.abs(a[i]), Math.abs(b[i]), floor);
    worst = Math.max(worst, Number.isNaN(e) ? Infinity : e);
  }
  return worst;
}

/**
 * ‖a − b‖₂ / (‖a‖₂ + ‖b‖₂): the gradient check's pass measure. Unlike the element-wise error it
 * does not blow up on entries that are near zero, where central differences in float64 carry an
 * absolute noise of about ε^{2/3} ≈ 4e-11 whatever the formula; a wrong formula still moves it
 * by orders of magnitude. 0 when both are zero; NaN gives Infinity; a length mismatch throws.
 */
export function normRelError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`normRelError: ${a.length} vs ${b.length} values`);
  let d = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) {
    d += (a[i] - b[i]) ** 2;
    na += a[i] ** 2;
    nb += b[i] ** 2;
  }
  const e = Math.sqrt(d) / (Math.sqrt(na) + Math.sqrt(nb));
  if (Number.isNaN(e)) return d === 0 ? 0 : Infinity;
  return e;
}
