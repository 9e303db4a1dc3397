/**
 * Way 1: the circles MLP with hand-written forward and backward passes on host Float64Arrays,
 * no toolkit ops at all. Gradients of the mean cross-entropy over a batch of B:
 * dZ2 = (softmax(Z2) − onehot)/B, dW2 = Hᵀ·dZ2, db2 = Σ dZ2, dH = dZ2·W2ᵀ,
 * dZ1 = dH ∘ (1 − H²), dW1 = Xᵀ·dZ1, db1 = Σ dZ1; then θ ← θ − lr·dθ.
 * @module
 */
import type { ToySplit } from "../../datasets/toy.ts";
import {
  type CirclesConfig,
  type CirclesCurves,
  type CirclesWeights,
  HIDDEN,
  trainEpochs,
} from "./setup.ts";

interface Net {
  w1: Float64Array;
  b1: Float64Array;
  w2: Float64Array;
  b2: Float64Array;
}

/**
 * The two class scores of (x0, x1), the hidden activations into `h` [4]; weights in float64 (the
 * manual way) or float32 (read back from the toolkit, for the boundary plot).
 */
export function scores(
  net: Net | CirclesWeights,
  x0: number,
  x1: number,
  h: Float64Array,
): [number, number] {
  for (let j = 0; j < HIDDEN; j++) {
    h[j] = Math.tanh(x0 * net.w1[j] + x1 * net.w1[HIDDEN + j] + net.b1[j]);
  }
  let z0 = net.b2[0], z1 = net.b2[1];
  for (let j = 0; j < HIDDEN; j++) {
    z0 += h[j] * net.w2[2 * j];
    z1 += h[j] * net.w2[2 * j + 1];
  }
  return [z0, z1];
}

/** Per-sample forward pass: hidden activations h [4] and class probabilities p [2]. */
function forward(net: Net, x0: number, x1: number, h: Float64Array, p: Float64Array): void {
  const [z0, z1] = scores(net, x0, x1, h);
  // Subtracting the max keeps exp from overflowing (lr 2 drives the scores far apart).
  const m = Math.max(z0, z1);
  const e0 = Math.exp(z0 - m), e1 = Math.exp(z1 - m);
  p[0] = e0 / (e0 + e1);
  p[1] = e1 / (e0 + e1);
}

/** −log p[y], computed from the probabilities (clamped so a saturated net stays finite). */
function crossEntropy(p: Float64Array, y: number): number {
  return -Math.log(Math.max(p[y], 1e-300));
}

/** Mean loss and accuracy of `net` on a split. */
export function scoreManual(net: Net, s: ToySplit): { loss: number; acc: number } {
  const h = new Float64Array(HIDDEN), p = new Float64Array(2);
  let loss = 0, right = 0;
  for (let i = 0; i < s.y.length; i++) {
    forward(net, s.points[2 * i], s.points[2 * i + 1], h, p);
    loss += crossEntropy(p, s.y[i]);
    if ((p[1] > p[0] ? 1 : 0) === s.y[i]) right++;
  }
  return { loss: loss / s.y.length, acc: right / s.y.length };
}

/** Trains from `init` on `train` and reports each epoch. */
export function trainManual(
  train: ToySplit,
  test: ToySplit,
  init: CirclesWeights,
  c: CirclesConfig,
): CirclesCurves {
  const net: Net = {
    w1: Float64Array.from(init.w1),
    b1: Float64Array.from(init.b1),
    w2: Float64Array.from(init.w2),
    b2: Float64Array.from(init.b2),
  };
  // x is read from the float32 feature tensor's values so all four ways see the same inputs.
  const x = train.points;
  const h = new Float64Array(HIDDEN), p = new Float64Array(2);
  const gw1 = new Float64Array(2 * HIDDEN), gb1 = new Float64Array(HIDDEN);
  const gw2 = new Float64Array(HIDDEN * 2), gb2 = new Float64Array(2);
  const sgd = (w: Float64Array, g: Float64Array) => {
    for (let k = 0; k < w.length; k++) w[k] -= c.lr * g[k];
  };
  const epochs = trainEpochs(train.y.length, c, (idx, totals) => {
    const B = idx.length;
    gw1.fill(0), gb1.fill(0), gw2.fill(0), gb2.fill(0);
    for (const i of idx) {
      const x0 = x[2 * i], x1 = x[2 * i + 1], y = train.y[i];
      forward(net, x0, x1, h, p);
      totals.loss += crossEntropy(p, y);
      if ((p[1] > p[0] ? 1 : 0) === y) totals.right++;
      const dz0 = (p[0] - (y === 0 ? 1 : 0)) / B, dz1 = (p[1] - (y === 1 ? 1 : 0)) / B;
      gb2[0] += dz0;
      gb2[1] += dz1;
      for (let j = 0; j < HIDDEN; j++) {
        gw2[2 * j] += h[j] * dz0;
        gw2[2 * j + 1] += h[j] * dz1;
        const dh = dz0 * net.w2[2 * j] + dz1 * net.w2[2 * j + 1];
        const da = dh * (1 - h[j] * h[j]);
        gw1[j] += x0 * da;
        gw1[HIDDEN + j] += x1 * da;
        gb1[j] += da;
      }
    }
    sgd(net.w1, gw1), sgd(net.b1, gb1), sgd(net.w2, gw2), sgd(net.b2, gb2);
  }, () => scoreManual(net, test));
  const f32 = (a: Float64Array) => Float32Array.from(a);
  return {
    way: "manual backward (host float64)",
    epochs,
    final: { w1: f32(net.w1), b1: f32(net.b1), w2: f32(net.w2), b2: f32(net.b2) },
  };
}
