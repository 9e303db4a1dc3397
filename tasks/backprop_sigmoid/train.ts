/**
 * Plain mini-batch gradient descent on the sigmoid net with the hand gradients (no momentum,
 * constant step), recording the loss and accuracy after every epoch.
 * @module
 */
import { gatherRows, type HostRows } from "../../datasets/host_rows.ts";
import { Rng } from "../../kernels/random.ts";
import type { EpochRecord } from "../../train/history.ts";
import {
  batchGradients,
  crossEntropy,
  forwardSample,
  initNet,
  type SigmoidNet,
  weightDecayLoss,
} from "./net.ts";

/** Settings of {@link trainSigmoidNet}. */
export interface TrainOptions {
  hidden: number;
  classes: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  lambda: number;
  seed: number;
}

/** Loss E (cross-entropy + weight decay), its cross-entropy part and accuracy on a set. */
export interface SetScore {
  loss: number;
  crossEntropy: number;
  acc: number;
}

/** Scores the net on a whole set (the argmax of y is the prediction). */
export function score(net: SigmoidNet, s: HostRows, lambda: number): SetScore {
  let ce = 0, right = 0;
  for (let i = 0; i < s.n; i++) {
    const { y } = forwardSample(net, s.x.subarray(i * s.d, (i + 1) * s.d));
    ce += crossEntropy(y, s.y[i]);
    let best = 0;
    for (let k = 1; k < y.length; k++) if (y[k] > y[best]) best = k;
    if (best === s.y[i]) right++;
  }
  const mean = ce / s.n;
  return { loss: mean + weightDecayLoss(net, lambda), crossEntropy: mean, acc: right / s.n };
}

/**
 * Trains from a seeded initialisation; epoch 0 of the history is the untrained net, so the
 * curve starts where training does. Same seed ⇒ same numbers.
 */
export function trainSigmoidNet(
  train: HostRows,
  val: HostRows | undefined,
  o: TrainOptions,
  log: (r: EpochRecord) => void = () => {},
): { net: SigmoidNet; history: EpochRecord[] } {
  const net = initNet(train.d, o.hidden, o.classes, o.seed);
  const rng = new Rng(o.seed + 1);
  const record = (epoch: number, seconds: number): EpochRecord => {
    const t = score(net, train, o.lambda), v = val ? score(net, val, o.lambda) : undefined;
    const r: EpochRecord = {
      epoch,
      loss: t.loss,
      acc: t.acc,
      valLoss: v?.loss,
      valAcc: v?.acc,
      seconds,
      samplesPerSecond: seconds > 0 ? train.n / seconds : 0,
    };
    log(r);
    return r;
  };
  const history = [record(0, 0)];
  for (let epoch = 1; epoch <= o.epochs; epoch++) {
    const t0 = performance.now();
    const order = rng.permutation(train.n);
    for (let from = 0; from < train.n; from += o.batchSize) {
      const idx = order.subarray(from, Math.min(train.n, from + o.batchSize));
      const b = { x: gatherRows(train, idx), labels: Int32Array.from(idx, (r) => train.y[r]) };
      const g = batchGradients(net, { ...b, n: idx.length }, o.lambda);
      for (let i = 0; i < net.w1.length; i++) net.w1[i] -= o.learningRate * g.w1[i];
      for (let i = 0; i < net.w2.length; i++) net.w2[i] -= o.learningRate * g.w2[i];
    }
    history.push(record(epoch, (performance.now() - t0) / 1000));
  }
  return { net, history };
}
