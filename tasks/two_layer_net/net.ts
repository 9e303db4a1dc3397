/**
 * The cs231n two-layer net written the assignment's way: plain float64 arrays on the host with a
 * hand-derived backward pass, no autograd. input → FC → ReLU → FC → softmax, with
 * loss = mean cross-entropy + reg·(‖W1‖² + ‖W2‖²), so each weight gradient gains 2·reg·W.
 * Matrices are row-major: X [N, D], W1 [D, H], W2 [H, C].
 * @module
 */
import { Rng } from "../../kernels/random.ts";

/** The four parameters, by the assignment's names. */
export type ParamName = "W1" | "b1" | "W2" | "b2";

/** Parameter names in a fixed order (reports and loops use it). */
export const PARAM_NAMES: readonly ParamName[] = ["W1", "b1", "W2", "b2"];

/** A two-layer net's parameters and sizes. */
export interface TwoLayerNet {
  /** Input features. */
  d: number;
  /** Hidden units. */
  h: number;
  /** Classes. */
  c: number;
  W1: Float64Array;
  b1: Float64Array;
  W2: Float64Array;
  b2: Float64Array;
}

/** Gradients with the parameters' shapes. */
export type Grads = Record<ParamName, Float64Array>;

/** What {@link lossAndGrads} returns. */
export interface LossAndGrads {
  /** Data loss + regularisation. */
  loss: number;
  /** The mean cross-entropy alone. */
  dataLoss: number;
  /** Class scores [N, C] (before softmax). */
  scores: Float64Array;
  grads: Grads;
}

/** A function with {@link lossAndGrads}'s contract (tests swap in a broken one). */
export type LossAndGradsFn = (
  net: TwoLayerNet,
  x: Float64Array,
  y: Int32Array,
  reg: number,
) => LossAndGrads;

/**
 * A net with weights drawn from N(0, std²) by a generator seeded with `seed` and zero biases, as
 * the assignment initialises it (std 1e-4 for CIFAR-10, 1e-1 for the toy problem).
 * Example: `initNet(3072, 50, 10, { seed: 1, std: 1e-4 })`.
 */
export function initNet(
  d: number,
  h: number,
  c: number,
  o: { seed: number; std: number },
): TwoLayerNet {
  const rng = new Rng(o.seed);
  const normal = (n: number) => Float64Array.from({ length: n }, () => o.std * rng.normal());
  const W1 = normal(d * h);
  const W2 = normal(h * c);
  return { d, h, c, W1, b1: new Float64Array(h), W2, b2: new Float64Array(c) };
}

/** The [k×m] row-major matrix `b` transposed to [m×k]. */
function transpose(b: Float64Array, k: number, m: number): Float64Array {
  const out = new Float64Array(k * m);
  for (let p = 0; p < k; p++) for (let j = 0; j < m; j++) out[j * k + p] = b[p * m + j];
  return out;
}

/**
 * out[n×m] = a[n×k]·b[k×m] + bias, with b given transposed (bT [m×k]) so every output is one
 * contiguous dot product of length k: the fast shape for k = 3072 in plain JavaScript.
 */
function matmulBias(
  a: Float64Array,
  bT: Float64Array,
  bias: Float64Array,
  n: number,
  k: number,
  m: number,
): Float64Array {
  const out = new Float64Array(n * m);
  const k4 = k - (k % 4);
  for (let i = 0; i < n; i++) {
    const ao = i * k;
    for (let j = 0; j < m; j++) {
      const bo = j * k;
      // Four partial sums let the CPU overlap the multiply-adds.
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      let p = 0;
      for (; p < k4; p += 4) {
        s0 += a[ao + p] * bT[bo + p];
        s1 += a[ao + p + 1] * bT[bo + p + 1];
        s2 += a[ao + p + 2] * bT[bo + p + 2];
        s3 += a[ao + p + 3] * bT[bo + p + 3];
      }
      for (; p < k; p++) s0 += a[ao + p] * bT[bo + p];
      out[i * m + j] = bias[j] + (s0 + s1) + (s2 + s3);
    }
  }
  return out;
}

/**
 * The weight gradient a[n×k]ᵀ·g[n×m], returned as [k×m]. Accumulated transposed, one row of `a`
 * scaled by g[i, j] at a time, so zeros of g (units the ReLU switched off) cost nothing.
 */
function matmulTransA(
  a: Float64Array,
  g: Float64Array,
  n: number,
  k: number,
  m: number,
): Float64Array {
  const outT = new Float64Array(m * k);
  for (let i = 0; i < n; i++) {
    const ao = i * k;
    for (let j = 0; j < m; j++) {
      const gv = g[i * m + j];
      if (gv === 0) continue;
      const o = j * k;
      for (let p = 0; p < k; p++) outT[o + p] += gv * a[ao + p];
    }
  }
  return transpose(outT, m, k);
}

/** Hidden activations relu(X·W1 + b1) [N, H] and scores [N, C] for `n` rows of `x`. */
export function forward(
  net: TwoLayerNet,
  x: Float64Array,
  n: number,
): { hidden: Float64Array; scores: Float64Array } {
  const hidden = matmulBias(x, transpose(net.W1, net.d, net.h), net.b1, n, net.d, net.h);
  for (let i = 0; i < hidden.length; i++) if (hidden[i] < 0) hidden[i] = 0;
  const scores = matmulBias(hidden, transpose(net.W2, net.h, net.c), net.b2, n, net.h, net.c);
  return { hidden, scores };
}

/** reg·(‖W1‖² + ‖W2‖²). */
export function regLoss(net: TwoLayerNet, reg: number): number {
  let s = 0;
  for (const v of net.W1) s += v * v;
  for (const v of net.W2) s += v * v;
  return reg * s;
}

/**
 * Cross-entropy log Σ_j e^{s_j} − s_y of the scores row at `o` (`c` classes, true class `y`),
 * with the max taken out so large scores cannot overflow; also that max and Σ_j e^{s_j − max}.
 */
export function rowCrossEntropy(
  scores: Float64Array,
  o: number,
  c: number,
  y: number,
): { loss: number; max: number; z: number } {
  let max = -Infinity;
  for (let j = 0; j < c; j++) max = Math.max(max, scores[o + j]);
  let z = 0;
  for (let j = 0; j < c; j++) z += Math.exp(scores[o + j] - max);
  return { loss: Math.log(z) - (scores[o + y] - max), max, z };
}

/**
 * Loss and gradients of every parameter on a batch (x [N, D] float64, y class ids), derived by
 * hand: dscores = (softmax − onehot)/N, dW2 = hᵀ·dscores + 2·reg·W2, dh = dscores·W2ᵀ masked by
 * the ReLU, dW1 = Xᵀ·dh + 2·reg·W1, biases the column sums.
 * Example: `const { loss, grads } = lossAndGrads(net, x, y, 0.05);`
 */
export function lossAndGrads(
  net: TwoLayerNet,
  x: Float64Array,
  y: Int32Array,
  reg: number,
): LossAndGrads {
  const n = y.length, { h, c } = net;
  const { hidden, scores } = forward(net, x, n);
  const dscores = new Float64Array(n * c);
  let dataLoss = 0;
  for (let i = 0; i < n; i++) {
    const o = i * c;
    const { loss, max, z } = rowCrossEntropy(scores, o, c, y[i]);
    dataLoss += loss;
    for (let j = 0; j < c; j++) dscores[o + j] = Math.exp(scores[o + j] - max) / z / n;
    dscores[o + y[i]] -= 1 / n;
  }
  dataLoss /= n;

  const dW2 = matmulTransA(hidden, dscores, n, h, c);
  const db2 = columnSums(dscores, n, c);
  const dh = new Float64Array(n * h);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < h; k++) {
      if (hidden[i * h + k] <= 0) continue;
      let s = 0;
      for (let j = 0; j < c; j++) s += dscores[i * c + j] * net.W2[k * c + j];
      dh[i * h + k] = s;
    }
  }
  const dW1 = matmulTransA(x, dh, n, net.d, h);
  const db1 = columnSums(dh, n, h);
  for (let i = 0; i < dW1.length; i++) dW1[i] += 2 * reg * net.W1[i];
  for (let i = 0; i < dW2.length; i++) dW2[i] += 2 * reg * net.W2[i];
  return {
    loss: dataLoss + regLoss(net, reg),
    dataLoss,
    scores,
    grads: { W1: dW1, b1: db1, W2: dW2, b2: db2 },
  };
}

function columnSums(a: Float64Array, n: number, m: number): Float64Array {
  const out = new Float64Array(m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) out[j] += a[i * m + j];
  return out;
}
