/**
 * The assignment's training loop for the host net: each iteration samples a minibatch with
 * replacement, takes one SGD step, and once per epoch (max(⌊N/batch⌋, 1) iterations) checks
 * validation accuracy and multiplies the learning rate by the decay.
 * @module
 */
import { gatherRows, type HostRows } from "../../datasets/host_rows.ts";
import { Rng } from "../../kernels/random.ts";
import type { EpochRecord } from "../../train/history.ts";
import { argmaxRows } from "../../train/metrics.ts";
import {
  forward,
  lossAndGrads,
  type LossAndGradsFn,
  PARAM_NAMES,
  regLoss,
  rowCrossEntropy,
  type TwoLayerNet,
} from "./net.ts";

/** Hyperparameters of {@link trainHost}, named as in the assignment. */
export interface SgdConfig {
  learningRate: number;
  /** Learning rate multiplier applied after every epoch. */
  learningRateDecay: number;
  reg: number;
  batchSize: number;
  iterations: number;
  /** Seed of the minibatch sampler. */
  seed: number;
}

/** What {@link trainHost} returns. */
export interface HostTraining {
  /** One record per epoch (the last may be partial): mean batch loss/accuracy, validation. */
  history: EpochRecord[];
  /** Loss of every iteration. */
  losses: number[];
  /** Loss of the last iteration. */
  finalLoss: number;
  /** Iterations per epoch. */
  epochLength: number;
}

/** Accuracy and loss (data + reg) of `net` on a split, in chunks to bound memory. */
export function evaluateHost(
  net: TwoLayerNet,
  s: HostRows,
  reg: number,
): { acc: number; loss: number } {
  const chunk = 500;
  let correct = 0, lossSum = 0;
  for (let start = 0; start < s.n; start += chunk) {
    const count = Math.min(chunk, s.n - start);
    const idx = Int32Array.from({ length: count }, (_, i) => start + i);
    const { scores } = forward(net, gatherRows(s, idx), count);
    const pred = argmaxRows(scores, count, net.c);
    for (let i = 0; i < count; i++) {
      const y = s.y[start + i];
      if (pred[i] === y) correct++;
      lossSum += rowCrossEntropy(scores, i * net.c, net.c, y).loss;
    }
  }
  return { acc: correct / s.n, loss: lossSum / s.n + regLoss(net, reg) };
}

/**
 * Trains `net` in place by minibatch SGD with per-epoch learning-rate decay; evaluates `val`
 * at the end of each epoch. `step` replaces the loss/gradient function (tests break it on purpose).
 * Example: `trainHost(net, train, val, { learningRate: 1e-4, learningRateDecay: 0.95, ... })`.
 */
export function trainHost(
  net: TwoLayerNet,
  train: HostRows,
  val: HostRows | undefined,
  cfg: SgdConfig,
  opts: { step?: LossAndGradsFn; log?: (s: string) => void } = {},
): HostTraining {
  const step = opts.step ?? lossAndGrads;
  const rng = new Rng(cfg.seed);
  const epochLength = Math.max(Math.floor(train.n / cfg.batchSize), 1);
  const history: EpochRecord[] = [];
  const losses: number[] = [];
  let lr = cfg.learningRate;
  let epochLoss = 0, epochCorrect = 0, epochSeen = 0, t0 = performance.now();
  for (let it = 1; it <= cfg.iterations; it++) {
    // With replacement, as the assignment's np.random.choice(num_train, batch_size).
    const idx = Int32Array.from({ length: cfg.batchSize }, () => rng.int(train.n));
    const y = Int32Array.from(idx, (i) => train.y[i]);
    const r = step(net, gatherRows(train, idx), y, cfg.reg);
    if (!Number.isFinite(r.loss)) {
      throw new Error(`two-layer net: loss became ${r.loss} at iteration ${it}; lower the lr`);
    }
    losses.push(r.loss);
    const pred = argmaxRows(r.scores, y.length, net.c);
    for (let i = 0; i < y.length; i++) if (pred[i] === y[i]) epochCorrect++;
    epochLoss += r.loss * y.length;
    epochSeen += y.length;
    for (const p of PARAM_NAMES) {
      const w = net[p], g = r.grads[p];
      for (let i = 0; i < w.length; i++) w[i] -= lr * g[i];
    }
    if (it % epochLength === 0 || it === cfg.iterations) {
      const seconds = (performance.now() - t0) / 1000;
      const rec: EpochRecord = {
        epoch: history.length + 1,
        loss: epochLoss / epochSeen,
        acc: epochCorrect / epochSeen,
        seconds,
        samplesPerSecond: epochSeen / seconds,
      };
      if (val) {
        const v = evaluateHost(net, val, cfg.reg);
        rec.valLoss = v.loss;
        rec.valAcc = v.acc;
      }
      history.push(rec);
      opts.log?.(
        `iteration ${it}/${cfg.iterations}: loss ${r.loss.toFixed(4)}` +
          (rec.valAcc !== undefined ? ` val acc ${rec.valAcc.toFixed(4)}` : ""),
      );
      if (it % epochLength === 0) lr *= cfg.learningRateDecay;
      epochLoss = epochCorrect = epochSeen = 0;
      t0 = performance.now();
    }
  }
  return { history, losses, finalLoss: losses[losses.length - 1] ?? NaN, epochLength };
}
