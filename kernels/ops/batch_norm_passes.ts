import type { TypedArray } from "../dtype.ts";

/**
 * Training-mode batch normalisation written once over a set of per-element passes, so the CPU
 * reference (the TypeScript loops below) and the fast CPU kernel (the same passes in WASM SIMD,
 * kernels/cpu/batch_norm_fast.ts) share every per-channel formula and differ only in who runs
 * the loops. Tensors are channels last: x is [rows, c] with rows the product of the other axes.
 * Per-channel values are float64; each element is promoted to float64, so a float32 result is
 * rounded once.
 */

/** The per-element loops of batch normalisation; per-channel arrays (m, s, …) hold c values. */
export interface ChannelPasses {
  /** acc[k] += Σ_r x[r, k]. */
  sum(x: TypedArray, c: number, acc: Float64Array): void;
  /** acc[k] += Σ_r (x[r, k] − m[k])². */
  sqdev(x: TypedArray, c: number, m: Float64Array, acc: Float64Array): void;
  /** acc[k] += Σ_r dy[r, k]·(x[r, k] − m[k]) and acc[c + k] += Σ_r dy[r, k] (acc: 2c values). */
  dot(x: TypedArray, dy: TypedArray, c: number, m: Float64Array, acc: Float64Array): void;
  /** out[r, k] = (x[r, k] − m[k])·s[k] + b[k]. */
  affine(
    x: TypedArray,
    c: number,
    m: Float64Array,
    s: Float64Array,
    b: Float64Array,
    out: TypedArray,
  ): void;
  /** out[r, k] = a[k]·((dy[r, k] − mg[k]) − (x[r, k] − m[k])·s[k]). */
  inputGrad(
    x: TypedArray,
    dy: TypedArray,
    c: number,
    p: { m: Float64Array; a: Float64Array; mg: Float64Array; s: Float64Array },
    out: TypedArray,
  ): void;
}

/** The plain loops: the reference the WASM passes are tested against bit for bit. */
export const plainPasses: ChannelPasses = {
  sum(x, c, acc) {
    for (let i = 0; i < x.length; i += c) {
      for (let k = 0; k < c; k++) acc[k] += x[i + k];
    }
  },
  sqdev(x, c, m, acc) {
    for (let i = 0; i < x.length; i += c) {
      for (let k = 0; k < c; k++) {
        const d = x[i + k] - m[k];
        acc[k] += d * d;
      }
    }
  },
  dot(x, dy, c, m, acc) {
    for (let i = 0; i < x.length; i += c) {
      for (let k = 0; k < c; k++) {
        acc[k] += dy[i + k] * (x[i + k] - m[k]);
        acc[c + k] += dy[i + k];
      }
    }
  },
  affine(x, c, m, s, b, out) {
    for (let i = 0; i < x.length; i += c) {
      for (let k = 0; k < c; k++) out[i + k] = (x[i + k] - m[k]) * s[k] + b[k];
    }
  },
  inputGrad(x, dy, c, { m, a, mg, s }, out) {
    for (let i = 0; i < x.length; i += c) {
      for (let k = 0; k < c; k++) {
        out[i + k] = a[k] * ((dy[i + k] - mg[k]) - (x[i + k] - m[k]) * s[k]);
      }
    }
  },
};

/** Per-channel mean and 1/√(var + ε) of x, the biased variance about the mean (two passes). */
export interface ChannelStats {
  mean: Float64Array;
  rstd: Float64Array;
  rows: number;
}

/** The statistics batch normalisation uses in training. Example: `channelStats(p, x, 16, 1e-3)`. */
export function channelStats(
  p: ChannelPasses,
  x: TypedArray,
  c: number,
  epsilon: number,
): ChannelStats {
  const rows = c === 0 ? 0 : x.length / c;
  const mean = new Float64Array(c);
  p.sum(x, c, mean);
  for (let k = 0; k < c; k++) mean[k] /= rows;
  const rstd = new Float64Array(c);
  p.sqdev(x, c, mean, rstd);
  for (let k = 0; k < c; k++) rstd[k] = 1 / Math.sqrt(rstd[k] / rows + epsilon);
  return { mean, rstd, rows };
}

function float64(a: ArrayLike<number>): Float64Array {
  return Float64Array.from(a);
}

/** out[k] = mean over the rows of (x − m[k])²: the variance about a given mean. */
export function batchVarianceOf(
  p: ChannelPasses,
  x: TypedArray,
  m: ArrayLike<number>,
  out: TypedArray,
): void {
  const c = out.length;
  const acc = new Float64Array(c);
  p.sqdev(x, c, float64(m), acc);
  const rows = c === 0 ? 0 : x.length / c;
  for (let k = 0; k < c; k++) out[k] = acc[k] / rows;
}

/**
 * out = (x − mean)·(γ·rstd) + β with x's own statistics: the training forward pass. Returns the
 * statistics, which batchNormGradStatsOf can take instead of computing them again.
 */
export function batchNormTrainForward(
  p: ChannelPasses,
  x: TypedArray,
  gamma: ArrayLike<number>,
  beta: ArrayLike<number>,
  epsilon: number,
  out: TypedArray,
): ChannelStats {
  const c = gamma.length;
  const stats = channelStats(p, x, c, epsilon);
  const scale = stats.rstd.map((r, k) => gamma[k] * r);
  p.affine(x, c, stats.mean, scale, float64(beta), out);
  return stats;
}

/** Rows of batchNormGradStats' output [4, c]. */
export const GRAD_STATS = { dgamma: 0, dbeta: 1, mean: 2, rstd: 3 } as const;

/**
 * out [4, c] = Σ_r dy·x̂ (γ's gradient, x̂ = (x − mean)·rstd), Σ_r dy (β's gradient), mean and
 * rstd: what the input gradient needs, from one pass over dy after the statistics. `stats`, when
 * given, must be `channelStats(p, x, c, epsilon)` (the forward pass's, kept): two passes fewer.
 */
export function batchNormGradStatsOf(
  p: ChannelPasses,
  x: TypedArray,
  dy: TypedArray,
  epsilon: number,
  out: TypedArray,
  stats?: ChannelStats,
): void {
  const c = out.length / 4;
  const { mean, rstd } = stats ?? channelStats(p, x, c, epsilon);
  const acc = new Float64Array(2 * c);
  p.dot(x, dy, c, mean, acc);
  for (let k = 0; k < c; k++) {
    // The sum over no rows is 0, whatever the (undefined) statistics.
    out[k] = x.length === 0 ? 0 : acc[k] * rstd[k];
    out[c + k] = acc[c + k];
    out[2 * c + k] = mean[k];
    out[3 * c + k] = rstd[k];
  }
}

/**
 * dx = γ·rstd·(dy − Σdy/n − x̂·Σ(dy·x̂)/n) from batchNormGradStats' [4, c]: the derivative of
 * the normalisation through its own mean and variance.
 */
export function batchNormInputGradOf(
  p: ChannelPasses,
  x: TypedArray,
  dy: TypedArray,
  gamma: ArrayLike<number>,
  stats: ArrayLike<number>,
  out: TypedArray,
): void {
  const c = gamma.length;
  const rows = c === 0 ? 0 : x.length / c;
  const at = (row: number, k: number) => stats[row * c + k];
  const rstd = Float64Array.from({ length: c }, (_, k) => at(GRAD_STATS.rstd, k));
  p.inputGrad(x, dy, c, {
    m: Float64Array.from({ length: c }, (_, k) => at(GRAD_STATS.mean, k)),
    a: rstd.map((r, k) => gamma[k] * r),
    mg: Float64Array.from({ length: c }, (_, k) => at(GRAD_STATS.dbeta, k) / rows),
    s: rstd.map((r, k) => r * (at(GRAD_STATS.dgamma, k) / rows)),
  }, out);
}
