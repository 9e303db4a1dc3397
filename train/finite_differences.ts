/**
 * Central finite differences on host arrays and the error measures gradient checks report:
 * what `gradcheck` and the tasks' hand-backward checks share.
 * @module
 */

/**
 * ∂f/∂p_i ≈ (f(p + h·e_i) − f(p − h·e_i)) / 2h for every element of `p`, which `f` reads;
 * `p` is perturbed in place and restored.
 * Example: `centralDifferences(() => w[0] ** 2, w, 1e-5)` ≈ `[2 * w[0]]` for a one-element `w`.
 */
export function centralDifferences(f: () => number, p: Float64Array, h: number): Float64Array {
  const out = new Float64Array(p.length);
  for (let i = 0; i < p.length; i++) {
    const orig = p[i];
    p[i] = orig + h;
    const fp = f();
    p[i] = orig - h;
    const fm = f();
    p[i] = orig;
    out[i] = (fp - fm) / (2 * h);
  }
  return out;
}

function sameLength(what: string, a: ArrayLike<number>, b: ArrayLike<number>): void {
  if (a.length !== b.length) throw new Error(`${what}: ${a.length} vs ${b.length} values`);
}

/**
 * max_i |a_i − b_i| / max(|a_i| + |b_i|, 1e-8), cs231n's relative error (and gradcheck's); NaN
 * propagates. Example: `maxRelError([1], [1.001])` ≈ 5e-4.
 */
export function maxRelError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  sameLength("maxRelError", a, b);
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    m = Math.max(m, Math.abs(a[i] - b[i]) / Math.max(Math.abs(a[i]) + Math.abs(b[i]), 1e-8));
  }
  return m;
}

/**
 * max_i |a_i − b_i|, with a NaN difference counted as Infinity so it fails every threshold
 * instead of vanishing in Math.max. Example: `maxAbsDiff([1, 2], [1, 2.5])` → 0.5.
 */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  sameLength("maxAbsDiff", a, b);
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    m = Math.max(m, Number.isNaN(d) ? Infinity : d);
  }
  return m;
}

/**
 * ‖a − b‖₂ / (‖a‖₂ + ‖b‖₂): a gradient check's pass measure. Unlike the element-wise error it
 * does not blow up on entries that are near zero, where central differences in float64 carry an
 * absolute noise of about ε^{2/3} ≈ 4e-11 whatever the formula; a wrong formula still moves it
 * by orders of magnitude. 0 when both are zero; NaN gives Infinity; a length mismatch throws.
 */
export function normRelError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  sameLength("normRelError", a, b);
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
