/**
 * Trains one Playground network: hidden dense layers, one tanh output neuron, loss ½(out − y)²
 * on labels ±1 (the Playground's "square" error; it shows this loss, so an output stuck at 0
 * scores 0.5), plain SGD on batch means, L1/L2 on the weights (not the biases) as the Playground.
 * @module
 */
import { playground, type ToyData, type ToySplit } from "../../datasets/toy.ts";
import { keep, noGrad, tidy } from "../../kernels/engine.ts";
import { abs, add, mulScalar, square, sum } from "../../kernels/ops/mod.ts";
import { type Tensor, tensor } from "../../kernels/tensor.ts";
import { dense } from "../../layers/mod.ts";
import { mse } from "../../layers/losses.ts";
import { Sequential } from "../../layers/sequential.ts";
import { fit } from "../../train/fit.ts";
import type { EpochRecord } from "../../train/history.ts";
import { sgd } from "../../train/optimizers.ts";
import { playgroundFeatures } from "../../datasets/toy.ts";
import { Rng } from "../../kernels/random.ts";
import type { PlaygroundConfig, PlaygroundInit } from "./config.ts";

/** Loss and accuracy of the net on one split, as the Playground shows them. */
export interface SplitScore {
  /** Mean of ½(out − y)² with y = ±1. */
  loss: number;
  /** Fraction with sign(out) = y (out ≥ 0 counts as +1). */
  acc: number;
}

/** What one run produced. `history[i].valLoss/valAcc` are the test split's. */
export interface PlaygroundRun {
  config: PlaygroundConfig;
  history: EpochRecord[];
  train: SplitScore;
  test: SplitScore;
  /** The trained net's output in [−1, 1] at (x1, x2) points [n, 2]. */
  outputAt(points: Float32Array): Float32Array;
  data: ToyData;
  params: number;
  /** Frees the model and data. */
  dispose(): void;
}

/** The Playground's network for `c`: hidden layers, then one tanh neuron. */
export function playgroundModel(c: PlaygroundConfig): Sequential {
  const widths = [...c.layers, 1];
  const last = widths.length - 1;
  return new Sequential(
    widths.map((units, i) => dense({ units, activation: i === last ? "tanh" : c.activation })),
    { seed: c.seed, inputShape: [c.features.length] },
  );
}

/**
 * Sets the Playground's starting weights (src/nn.ts: each link `Math.random() - 0.5`, each node's
 * bias 0.1), drawn from a generator seeded with `seed`; "glorot" leaves the layers' own.
 */
export function initPlayground(model: Sequential, init: PlaygroundInit, seed: number): void {
  if (init === "glorot") return;
  const rng = new Rng(seed);
  for (const w of model.weights()) {
    const t = w.tensor;
    const isBias = w.name.endsWith("/bias");
    const v = Float32Array.from({ length: t.size }, () => isBias ? 0.1 : rng.uniform() - 0.5);
    const fresh = tensor(v, t.shape);
    t.assign(fresh);
    fresh.dispose();
  }
}

/** Labels 0/1 as ±1 targets [n, 1]. */
function signedTargets(y: Int32Array): Tensor {
  return tensor(Float32Array.from(y, (v) => (v === 1 ? 1 : -1)), [y.length, 1]);
}

/** ½·mean((out − t)²): the Playground's loss. */
export function halfSquaredError(out: Tensor, target: Tensor): Tensor {
  return mulScalar(mse(out, target), 0.5);
}

/** Scores computed on the host from the net's outputs, so train and test are measured alike. */
export function scoreOutputs(out: ArrayLike<number>, y: Int32Array): SplitScore {
  let loss = 0, right = 0;
  for (let i = 0; i < y.length; i++) {
    const t = y[i] === 1 ? 1 : -1;
    loss += 0.5 * (out[i] - t) ** 2;
    if ((out[i] >= 0 ? 1 : -1) === t) right++;
  }
  return { loss: loss / y.length, acc: right / y.length };
}

function outputs(model: Sequential, x: Tensor): Float32Array {
  return tidy(() => noGrad(() => model.apply(x).dataSync() as Float32Array));
}

/**
 * Generates the data, builds and trains the net for `c.epochs`, scoring train and test after
 * every epoch (on all points, as the Playground's loss readout).
 * Example: `const r = await trainPlayground({ ...PLAYGROUND_DEFAULTS, dataset: "xor" });`
 */
export async function trainPlayground(c: PlaygroundConfig): Promise<PlaygroundRun> {
  const data = playground(c.dataset, {
    n: c.points,
    noise: c.noise,
    trainRatio: c.trainRatio,
    seed: c.seed,
    features: c.features,
  });
  const model = playgroundModel(c);
  model.build([c.features.length]);
  initPlayground(model, c.init, c.seed);
  const kernels = model.weights().filter((w) => w.name.endsWith("/kernel")).map((w) => w.tensor);
  const penalty = (): Tensor | undefined => {
    let p: Tensor | undefined;
    for (const k of kernels) {
      if (c.l1) p = p ? add(p, mulScalar(sum(abs(k)), c.l1)) : mulScalar(sum(abs(k)), c.l1);
      if (c.l2) {
        const q = mulScalar(sum(square(k)), 0.5 * c.l2);
        p = p ? add(p, q) : q;
      }
    }
    return p;
  };
  const loss = (out: Tensor, t: Tensor): Tensor => {
    const data = halfSquaredError(out, t);
    const p = penalty();
    return p ? add(data, p) : data;
  };
  const targets = keep(signedTargets(data.train.y));
  const optimizer = sgd({ learningRate: c.lr });
  const history: EpochRecord[] = [];
  const score = (s: ToySplit) => scoreOutputs(outputs(model, s.x), s.y);
  try {
    await fit(model, { x: data.train.x, y: targets }, {
      epochs: c.epochs,
      batchSize: c.batchSize,
      optimizer,
      loss,
      seed: c.seed,
      shuffle: c.shuffle,
      verbose: false,
      onEpochEnd: (r) => {
        const tr = score(data.train), te = score(data.test);
        history.push({
          epoch: r.epoch,
          loss: tr.loss,
          acc: tr.acc,
          valLoss: te.loss,
          valAcc: te.acc,
          seconds: r.seconds,
          samplesPerSecond: r.samplesPerSecond,
        });
      },
    });
  } finally {
    targets.dispose();
    optimizer.dispose();
  }
  const last = history[history.length - 1];
  return {
    config: c,
    history,
    train: { loss: last.loss, acc: last.acc },
    test: { loss: last.valLoss!, acc: last.valAcc! },
    outputAt: (points) => {
      const f = playgroundFeatures(points, c.features);
      const x = tensor(f, [points.length / 2, c.features.length]);
      try {
        return outputs(model, x);
      } finally {
        x.dispose();
      }
    },
    data,
    params: model.countParams(),
    dispose: () => {
      model.dispose();
      data.train.x.dispose();
      data.test.x.dispose();
    },
  };
}

/** The first epoch whose test loss is below `threshold`, or undefined. */
export function firstEpochBelow(history: EpochRecord[], threshold: number): number | undefined {
  return history.find((r) => (r.valLoss ?? Infinity) < threshold)?.epoch;
}
