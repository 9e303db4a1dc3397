/**
 * Trains one cifar10-improve variant: fresh copies of the loaded splits, the variant's
 * preprocessing fitted on the training split, rdfiaNet with its layers, plain SGD (optionally
 * with exponential decay), optional on-device crop-and-flip, and the test split evaluated after
 * every epoch (the homework plots train and test curves).
 * @module
 */
import { fromHost } from "../kernels/engine.ts";
import type { ImageDataset } from "../datasets/dataset.ts";
import { readImages } from "../datasets/transforms.ts";
import { evaluate, type Evaluation } from "../train/evaluate.ts";
import { fit, type History } from "../train/fit.ts";
import { sgd } from "../train/optimizers.ts";
import { exponentialDecay } from "../train/schedules.ts";
import type { Improvements } from "./cifar10_improve_ladder.ts";
import { rdfiaNet } from "./cifar10_models.ts";
import { type Splits, standardizeChannels, zcaFilter } from "./cifar10_preprocess.ts";

/** A split kept on the host so every variant starts from the same untouched pixels. */
export interface HostSplit {
  x: Float32Array;
  shape: number[];
  y: Int32Array;
  classNames: string[];
}

/** Copies a loaded split to the host (the caller may then free its tensor). */
export async function toHost(d: ImageDataset): Promise<HostSplit> {
  const { data, shape } = await readImages(d.x);
  return { x: data, shape, y: d.y, classNames: d.classNames };
}

function toDevice(h: HostSplit): ImageDataset {
  // slice(): preprocessing replaces the tensor, and the host copy must stay pristine.
  return { x: fromHost(h.x.slice(), h.shape, "float32"), y: h.y, classNames: h.classNames };
}

/** Training settings shared by every variant of a run. */
export interface TrainSettings {
  epochs: number;
  batchSize: number;
  /** SGD's (initial) learning rate. */
  learningRate: number;
  /** Decay factor per epoch when the schedule is on. */
  decayPerEpoch: number;
  /** Zero padding of the random crop when augmenting. */
  cropPadding: number;
  seed: number;
  verbose: boolean;
}

/** What one variant's training produced. */
export interface TrainedVariant {
  history: History;
  test: Evaluation;
  params: number;
  optimizer: Record<string, unknown>;
  preprocessing: Record<string, unknown>;
}

/** Trains and evaluates the variant `imp` on fresh device copies of `train` and `test`. */
export async function trainVariant(
  imp: Improvements,
  data: { train: HostSplit; test: HostSplit },
  s: TrainSettings,
): Promise<TrainedVariant> {
  const splits: Splits = { train: toDevice(data.train), test: toDevice(data.test) };
  const preprocessing: Record<string, unknown> = {};
  if (imp.normalize) preprocessing.standardize = await standardizeChannels(splits);
  // After standardisation, so ZCA sees the inputs the net would otherwise get.
  if (imp.zca) preprocessing.zca = await zcaFilter(splits, { seed: s.seed });
  const n = splits.train.y.length;
  const stepsPerEpoch = Math.ceil(n / s.batchSize);
  const optimizer = sgd({
    learningRate: imp.schedule
      ? exponentialDecay({ initial: s.learningRate, rate: s.decayPerEpoch, steps: stepsPerEpoch })
      : s.learningRate,
  });
  const model = rdfiaNet(s.seed, { dropout: imp.dropout, batchNorm: imp.batchnorm });
  try {
    model.build(splits.train.x.shape.slice(1));
    const history = await fit(model, splits.train, {
      epochs: s.epochs,
      batchSize: s.batchSize,
      optimizer,
      validationData: splits.test,
      seed: s.seed,
      augment: imp.augment ? { padding: s.cropPadding, flip: true, seed: s.seed } : undefined,
      verbose: s.verbose,
    });
    const test = await evaluate(model, splits.test);
    return {
      history,
      test,
      params: model.countParams(),
      optimizer: optimizer.config(),
      preprocessing,
    };
  } finally {
    model.dispose();
    optimizer.dispose();
    splits.train.x.dispose();
    splits.test.x.dispose();
  }
}
