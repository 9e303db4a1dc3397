/**
 * The same two-layer net built from the toolkit's layer modules (Sequential of two dense
 * layers) and trained by `fit` on the current device: same init (N(0, std²) weights, zero
 * biases), SGD with the same per-epoch decay, and L2 written as an explicit penalty
 * reg·(‖W1‖² + ‖W2‖²) added to the loss, so autograd supplies the 2·reg·W term.
 * @module
 */
import { tidy } from "../../kernels/engine.ts";
import { add, mulScalar, softmaxCrossEntropy, square, sum } from "../../kernels/ops/mod.ts";
import { type Tensor, tensor } from "../../kernels/tensor.ts";
import { Dense } from "../../layers/dense.ts";
import { Sequential } from "../../layers/sequential.ts";
import { evaluate } from "../../train/evaluate.ts";
import { fit } from "../../train/fit.ts";
import type { EpochRecord } from "../../train/history.ts";
import { sgd } from "../../train/optimizers.ts";
import { stepDecay } from "../../train/schedules.ts";
import type { TrialParams, TrialSettings } from "./grid.ts";
import { initNet } from "./net.ts";
import type { HostRows } from "../../datasets/host_rows.ts";

/** Settings shared with the host net's grid trials. */
export type LayerRunConfig = Pick<
  TrialSettings,
  "iterations" | "learningRateDecay" | "initStd" | "seed"
>;

/** What {@link trainWithLayers} returns. */
export interface LayerRun {
  valAcc: number;
  testAcc: number;
  /** Mean training loss (data + penalty) of the last epoch. */
  finalLoss: number;
  /** Steps actually taken: the iterations rounded up to whole epochs. */
  steps: number;
  epochLength: number;
  history: EpochRecord[];
  seconds: number;
  params: number;
}

/** dense(hidden, relu) → dense(classes) on [batch, d] input, logits out. */
export function twoLayerModel(
  d: number,
  hidden: number,
  classes: number,
  seed: number,
): Sequential {
  return new Sequential([
    new Dense({ units: hidden, activation: "relu", inputShape: [d] }),
    new Dense({ units: classes }),
  ], { seed });
}

/**
 * Trains the layer-module net with hyperparameters `p` on host splits (uploaded once as
 * float32) and returns validation and test accuracy.
 * Example: `await trainWithLayers({ train, val, test }, best.params, cfg)`.
 */
export async function trainWithLayers(
  s: { train: HostRows; val: HostRows; test: HostRows },
  p: TrialParams,
  cfg: LayerRunConfig,
  verbose: boolean | ((line: string) => void) = false,
): Promise<LayerRun> {
  const t0 = performance.now();
  const classes = 10;
  const model = twoLayerModel(s.train.d, p.hidden, classes, cfg.seed).build([s.train.d]);
  // The assignment's init, not the layers' Glorot default: on raw 0–255 pixels Glorot scores
  // are in the hundreds and SGD at these rates diverges.
  const init = initNet(s.train.d, p.hidden, classes, { seed: cfg.seed, std: cfg.initStd });
  const [k1, b1, k2, b2] = model.parameters();
  tidy(() => {
    for (const [t, v] of [[k1, init.W1], [b1, init.b1], [k2, init.W2], [b2, init.b2]] as const) {
      t.assign(tensor(Float32Array.from(v), t.shape));
    }
  });
  const ds = (h: HostRows) => ({ x: tensor(new Float32Array(h.x), [h.n, h.d]), y: h.y });
  const train = ds(s.train), val = ds(s.val), test = ds(s.test);
  const loss = (out: Tensor, labels: Tensor): Tensor =>
    add(softmaxCrossEntropy(out, labels), mulScalar(add(sum(square(k1)), sum(square(k2))), p.reg));
  const epochLength = Math.max(Math.floor(s.train.n / p.batchSize), 1);
  const optimizer = sgd({
    learningRate: stepDecay({
      initial: p.learningRate,
      rate: cfg.learningRateDecay,
      stepSize: epochLength,
    }),
  });
  try {
    const history = await fit(model, train, {
      epochs: Math.ceil(cfg.iterations / epochLength),
      stepsPerEpoch: epochLength,
      batchSize: p.batchSize,
      optimizer,
      loss,
      validationData: val,
      seed: cfg.seed,
      verbose,
    });
    const v = await evaluate(model, val);
    const te = await evaluate(model, test);
    return {
      valAcc: v.accuracy,
      testAcc: te.accuracy,
      finalLoss: history.epochs[history.epochs.length - 1].loss,
      steps: history.steps,
      epochLength,
      history: history.epochs,
      seconds: (performance.now() - t0) / 1000,
      params: model.countParams(),
    };
  } finally {
    model.dispose();
    optimizer.dispose();
    for (const d of [train, val, test]) d.x.dispose();
  }
}
