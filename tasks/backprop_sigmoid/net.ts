/**
 * The pen-and-paper network of course exercise C in float64 on the host: x → z¹ = W¹x →
 * y¹ = σ(z¹) → z² = W²y¹ → y = softmax(z²), no biases, loss
 * E = mean over samples of (−t·log y) + (λ/2)(‖W¹‖² + ‖W²‖²), and its gradients written out
 * exactly as the exercise derives them.
 * @module
 */
import { Rng } from "../../kernels/random.ts";

/** Host pixel or feature rows: float32 as loaded, or float64. */
export type Rows = Float32Array | Float64Array;

/** The two weight matrices, row-major: W¹ is hidden × inputs, W² is classes × hidden. */
export interface SigmoidNet {
  inputs: number;
  hidden: number;
  classes: number;
  w1: Float64Array;
  w2: Float64Array;
}

/** A net with weights N(0, 1/fan-in): keeps z¹ of order 1, where the sigmoid is not flat. */
export function initNet(inputs: number, hidden: number, classes: number, seed: number): SigmoidNet {
  const rng = new Rng(seed);
  const w1 = Float64Array.from({ length: hidden * inputs }, () => rng.normal() / Math.sqrt(inputs));
  const w2 = Float64Array.from(
    { length: classes * hidden },
    () => rng.normal() / Math.sqrt(hidden),
  );
  return { inputs, hidden, classes, w1, w2 };
}

/** Logistic sigmoid 1/(1 + e^{−v}). */
export function sigmoid(v: number): number {
  return 1 / (1 + Math.exp(-v));
}

/** Softmax of a score vector (max subtracted so e^v cannot overflow). */
export function softmaxVec(z: Float64Array): Float64Array {
  let m = -Infinity;
  for (const v of z) m = Math.max(m, v);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

/** out = M·v for a row-major rows × v.length matrix. */
export function matVec(m: Float64Array, v: ArrayLike<number>, rows: number): Float64Array {
  const cols = v.length, out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let c = 0; c < cols; c++) s += m[r * cols + c] * v[c];
    out[r] = s;
  }
  return out;
}

/** Every intermediate of one sample's forward pass. */
export interface SampleForward {
  z1: Float64Array;
  y1: Float64Array;
  z2: Float64Array;
  y: Float64Array;
}

/** The forward pass of one input vector. */
export function forwardSample(net: SigmoidNet, x: ArrayLike<number>): SampleForward {
  const z1 = matVec(net.w1, x, net.hidden);
  const y1 = z1.map(sigmoid);
  const z2 = matVec(net.w2, y1, net.classes);
  return { z1, y1, z2, y: softmaxVec(z2) };
}

/** One-hot target t for a class label. */
export function oneHot(label: number, classes: number): Float64Array {
  const t = new Float64Array(classes);
  t[label] = 1;
  return t;
}

/** −t·log y for a one-hot t: minus the log probability of the true class. */
export function crossEntropy(y: Float64Array, label: number): number {
  return -Math.log(y[label]);
}

/** (λ/2)(‖W¹‖² + ‖W²‖²). */
export function weightDecayLoss(net: SigmoidNet, lambda: number): number {
  let s = 0;
  for (const v of net.w1) s += v * v;
  for (const v of net.w2) s += v * v;
  return (lambda / 2) * s;
}

/** A batch of samples: `n` rows of `net.inputs` values and their labels. */
export interface Batch {
  x: Rows;
  labels: ArrayLike<number>;
  n: number;
}

/** E = mean(−t·log y) + (λ/2)‖w‖² over a batch. */
export function loss(net: SigmoidNet, b: Batch, lambda: number): number {
  let s = 0;
  for (let i = 0; i < b.n; i++) {
    const x = b.x.subarray(i * net.inputs, (i + 1) * net.inputs);
    s += crossEntropy(forwardSample(net, x).y, b.labels[i]);
  }
  return s / b.n + weightDecayLoss(net, lambda);
}

/**
 * The four formulas of the exercise, per sample (E_n = −t·log y). The weight gradients add
 * `scale` × their value into an accumulator, so a batch mean needs no per-sample matrices.
 */
export interface Formulas {
  /** dE/dz² = (y − t)ᵀ. */
  dEdz2(y: Float64Array, t: Float64Array): Float64Array;
  /** dE/dW² = (y − t)·y¹ᵀ, classes × hidden. */
  dEdW2(dz2: Float64Array, y1: Float64Array, into: Float64Array, scale: number): void;
  /** dE/dz¹ = (y − t)ᵀ·W²·diag(y¹∘(1 − y¹)). */
  dEdz1(dz2: Float64Array, w2: Float64Array, y1: Float64Array): Float64Array;
  /** dE/dW¹ = (dE/dz¹)ᵀ·xᵀ, hidden × inputs. */
  dEdW1(dz1: Float64Array, x: ArrayLike<number>, into: Float64Array, scale: number): void;
}

/** The exercise's formulas, exactly as written. */
export const FORMULAS: Formulas = {
  dEdz2: (y, t) => y.map((v, k) => v - t[k]),
  dEdW2(dz2, y1, into, scale) {
    const h = y1.length;
    for (let k = 0; k < dz2.length; k++) {
      for (let j = 0; j < h; j++) into[k * h + j] += scale * dz2[k] * y1[j];
    }
  },
  dEdz1(dz2, w2, y1) {
    const h = y1.length;
    return y1.map((yj, j) => {
      // Row vector (y − t)ᵀ times column j of W², then the diagonal entry y¹_j(1 − y¹_j).
      let s = 0;
      for (let k = 0; k < dz2.length; k++) s += dz2[k] * w2[k * h + j];
      return s * yj * (1 - yj);
    });
  },
  dEdW1(dz1, x, into, scale) {
    const d = x.length;
    for (let j = 0; j < dz1.length; j++) {
      const g = scale * dz1[j];
      if (g === 0) continue;
      for (let i = 0; i < d; i++) into[j * d + i] += g * x[i];
    }
  },
};

/** dE/dW¹ and dE/dW² of the batch loss: the per-sample formulas averaged, plus λW. */
export interface WeightGradients {
  w1: Float64Array;
  w2: Float64Array;
}

/** Backpropagation by the hand formulas over a batch (mean over samples, then + λW). */
export function batchGradients(
  net: SigmoidNet,
  b: Batch,
  lambda: number,
  f: Formulas = FORMULAS,
): WeightGradients {
  const g1 = new Float64Array(net.w1.length), g2 = new Float64Array(net.w2.length);
  for (let i = 0; i < b.n; i++) {
    const x = b.x.subarray(i * net.inputs, (i + 1) * net.inputs);
    const { y1, y } = forwardSample(net, x);
    const dz2 = f.dEdz2(y, oneHot(b.labels[i], net.classes));
    f.dEdW2(dz2, y1, g2, 1 / b.n);
    f.dEdW1(f.dEdz1(dz2, net.w2, y1), x, g1, 1 / b.n);
  }
  for (let i = 0; i < g1.length; i++) g1[i] += lambda * net.w1[i];
  for (let i = 0; i < g2.length; i++) g2[i] += lambda * net.w2[i];
  return { w1: g1, w2: g2 };
}
