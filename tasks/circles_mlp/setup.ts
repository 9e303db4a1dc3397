/**
 * What the four ways of writing the circles MLP share: the data, the net's shape and initial
 * weights, the batch order, and the per-epoch record they all produce, so their curves can be
 * compared number for number.
 * @module
 */
import { circles, type ToyData } from "../../datasets/toy.ts";
import { dense } from "../../layers/mod.ts";
import { Sequential } from "../../layers/sequential.ts";
import type { Tensor } from "../../kernels/tensor.ts";
import { BatchStream } from "../../train/batches.ts";

/** The hyperparameters of one training run. */
export interface CirclesConfig {
  /** Learning rate of plain SGD (the homework's 0.07). */
  lr: number;
  /** Samples per step (the homework's 10). */
  batchSize: number;
  epochs: number;
  /** Seed of the data, the initial weights and the batch order. */
  seed: number;
  /** Points generated in total, half for training (default 400). */
  points: number;
}

/** The homework's recipe; epochs are not given there (see CIRCLES_CHOICES). */
export const CIRCLES_RECIPE: CirclesConfig = {
  lr: 0.07,
  batchSize: 10,
  epochs: 150,
  seed: 1,
  points: 400,
};

/** Hidden width of 2 → 4 tanh → 2 softmax. */
export const HIDDEN = 4;

/** The net's parameters as host arrays: W1 [2,4], b1 [4], W2 [4,2], b2 [2], row-major. */
export interface CirclesWeights {
  w1: Float32Array;
  b1: Float32Array;
  w2: Float32Array;
  b2: Float32Array;
}

/** One epoch of any of the four ways. */
export interface CirclesEpoch {
  epoch: number;
  /** Mean over the epoch's samples of each batch's loss before its update (as `fit`). */
  loss: number;
  /** Fraction of the epoch's samples classified right by the pre-update weights. */
  acc: number;
  /** Test loss and accuracy after the epoch. */
  testLoss: number;
  testAcc: number;
}

/** What each way returns. */
export interface CirclesCurves {
  way: string;
  epochs: CirclesEpoch[];
  /** The weights after training. */
  final: CirclesWeights;
}

/** 2 → 4 tanh → 2 softmax with the toolkit's layers (glorotUniform weights, zero biases). */
export function circlesModel(seed: number): Sequential {
  return new Sequential([
    dense({ units: HIDDEN, activation: "tanh", inputShape: [2] }),
    dense({ units: 2 }), // logits: the softmax is the loss's (softmaxCrossEntropy)
  ], { seed }).build([2]);
}

/** The four parameter tensors [W1, b1, W2, b2] read back as host weights. */
export function hostWeights(params: readonly Tensor[]): CirclesWeights {
  const [w1, b1, w2, b2] = params.map((p) => Float32Array.from(p.dataSync()));
  return { w1, b1, w2, b2 };
}

/** The initial weights every way starts from: those `circlesModel(seed)` draws. */
export function initialWeights(seed: number): CirclesWeights {
  const m = circlesModel(seed);
  try {
    return hostWeights(m.parameters());
  } finally {
    m.dispose();
  }
}

/** The data: the RDFIA circles set, features (x1, x2), split 50/50. */
export function circlesData(c: CirclesConfig): ToyData {
  return circles({ n: c.points, seed: c.seed });
}

/**
 * The batches of every epoch, in the order `fit` draws them (BatchStream over all training
 * samples, seeded with `seed`): `order[e][s]` holds the indices of step s of epoch e.
 */
export function batchOrder(n: number, c: CirclesConfig): Int32Array[][] {
  const stream = new BatchStream(
    Int32Array.from({ length: n }, (_, i) => i),
    c.batchSize,
    true,
    c.seed,
  );
  const out: Int32Array[][] = [];
  for (let e = 0; e < c.epochs; e++) {
    const steps: Int32Array[] = [];
    for (let s = 0; s < stream.batchesPerPass; s++) steps.push(stream.next().slice());
    out.push(steps);
  }
  return out;
}

/** What a step adds to its epoch's totals: summed loss and right answers of its samples. */
export interface EpochTotals {
  loss: number;
  right: number;
}

/**
 * The epoch loop every way shares: `step(idx, totals)` trains on the batch `idx` (adding its
 * samples' losses and right answers to `totals`), `test()` scores the test split after each
 * epoch; batches as {@link batchOrder}.
 */
export function trainEpochs(
  n: number,
  c: CirclesConfig,
  step: (idx: Int32Array, totals: EpochTotals) => void,
  test: () => { loss: number; acc: number },
): CirclesEpoch[] {
  const epochs: CirclesEpoch[] = [];
  for (const steps of batchOrder(n, c)) {
    const totals = { loss: 0, right: 0 };
    let seen = 0;
    for (const idx of steps) {
      step(idx, totals);
      seen += idx.length;
    }
    const t = test();
    epochs.push({
      epoch: epochs.length + 1,
      loss: totals.loss / seen,
      acc: totals.right / seen,
      testLoss: t.loss,
      testAcc: t.acc,
    });
  }
  return epochs;
}
