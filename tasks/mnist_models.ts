import * as layers from "../layers/mod.ts";
import { Sequential } from "../layers/sequential.ts";
import type { ActivationName } from "../layers/activations.ts";
import { mnist } from "../datasets/mnist.ts";
import { adadelta, adam } from "../train/optimizers.ts";
import type { ClassificationTask, TaskFlags } from "./common.ts";

/** The MNIST models of the course exercises and the data loader the MNIST tasks share. */

/**
 * The parts of the lab's recipe every MNIST Keras task shares, as Keras 2 does them, with the
 * source of each (docs/RECIPES.md has the lines): recorded under `config.choices`.
 */
export const KERAS2_CHOICES: Record<string, string> = {
  inputs: "pixels / 255 (Keras 2 examples/mnist_cnn.py:37-38)",
  initialisation: "Glorot-uniform kernels, zero biases (Keras 2 Dense/Conv2D defaults, " +
    "keras/layers/core.py:834-835 at 2.2.4)",
  validation: "the last 20% of the training set, cut before shuffling; the rest reshuffled " +
    "every epoch (Keras 2 fit validation_split, keras/engine/training.py:978-991)",
  trainingAccuracy: "the epoch's running mean over its batches in training mode (dropout on), " +
    "each on the weights before its step (Keras 2 BaseLogger, keras/callbacks.py:204-248)",
  loss: "categorical cross-entropy on a softmax output layer, renormalised and clipped to " +
    "[1e-7, 1 − 1e-7] before the log, so a clipped sample adds at most 16.1 and no gradient " +
    "(Keras 2 examples/mnist_cnn.py:54,58; keras/backend/tensorflow_backend.py:3289-3295)",
};

/** Hidden width of the lab's MLP; the report calls it h without a value. */
export const MLP_HIDDEN = 128;

/** 784 → Dense(h, act) → Dense(10) logits (the loss, softmaxCrossEntropy, applies the softmax). */
export function mnistMlp(activation: ActivationName, seed: number): Sequential {
  return new Sequential([
    layers.flatten({ inputShape: [28, 28, 1] }),
    layers.dense({ units: MLP_HIDDEN, activation }),
    layers.dense({ units: 10 }),
  ], { seed });
}

/**
 * The Keras MNIST CNN, optionally with dropout 0.25 after pooling and 0.5 after Dense 128. It
 * ends in logits (for softmaxCrossEntropy) or, as Keras 2's example, in a softmax layer (for
 * Keras' clipped categoricalCrossentropy).
 * Example: `mnistCnn(false, 1, "softmax")`.
 */
export function mnistCnn(
  dropout: boolean,
  seed: number,
  output: "logits" | "softmax" = "logits",
): Sequential {
  return new Sequential([
    layers.conv2d({ filters: 32, kernelSize: 3, activation: "relu", inputShape: [28, 28, 1] }),
    layers.conv2d({ filters: 64, kernelSize: 3, activation: "relu" }),
    layers.maxPool2d({ poolSize: 2 }),
    ...(dropout ? [layers.dropout(0.25)] : []),
    layers.flatten(),
    layers.dense({ units: 128, activation: "relu" }),
    ...(dropout ? [layers.dropout(0.5)] : []),
    layers.dense({ units: 10, ...(output === "softmax" ? { activation: "softmax" } : {}) }),
  ], { seed });
}

/** The MATLAB assignment's starter CNN: 416 + 6416 + 7850 = 14 682 parameters. */
export function mnistStarter(seed: number): Sequential {
  return new Sequential([
    layers.conv2d({ filters: 16, kernelSize: 5, padding: 2, inputShape: [28, 28, 1] }),
    layers.relu(),
    layers.maxPool2d({ poolSize: 2, strides: 2 }),
    layers.conv2d({ filters: 16, kernelSize: 5, padding: 2 }),
    layers.relu(),
    layers.maxPool2d({ poolSize: 2, strides: 2 }),
    layers.flatten(),
    layers.dense({ units: 10 }),
  ], { seed });
}

/**
 * MNIST (or another loader of its shape, e.g. fashionMnist) for a task: `--limit` caps training
 * samples; quick runs also cap the test set. Example: `data: mnistData(1000)`.
 */
export function mnistData(testLimitQuick: number, load: typeof mnist = mnist) {
  return async (flags: TaskFlags) => {
    const d = await load({
      limitTrain: flags.limit,
      limitTest: flags.quick ? testLimitQuick : undefined,
    });
    return { train: d.train, test: d.test, source: d.source };
  };
}

/** What the lab's two MLP tasks share: the hidden width, Adam, the 12-epoch recipe, the quick run. */
export const MLP_RECIPE = {
  choices: {
    hidden: `${MLP_HIDDEN} (unstated in the report; the peers' W1 MLP width)`,
    optimizer: "adam lr 1e-3 (the report names none. Keras 2's examples/mnist_mlp.py uses " +
      "RMSprop() (lr 0.001, rho 0.9, eps 1e-7) on another net (512-512, dropout 0.2, 20 epochs); " +
      "the lab's 12-epoch schedule is the CNN example's, whose optimiser is Adadelta(): neither " +
      "is implied, and both full checks pass with Adam; docs/RECIPES.md)",
    ...KERAS2_CHOICES,
  },
  data: mnistData(1000),
  optimizer: () => adam({ learningRate: 1e-3 }),
  recipe: { epochs: 12, batchSize: 128, validationSplit: 0.2 },
  quick: { epochs: 2, limit: 6000, minTestAcc: 0.82 },
} satisfies Partial<ClassificationTask>;

/** What mnist-cnn and mnist-cnn-dropout share: Keras 2's examples/mnist_cnn.py recipe. */
export const KERAS2_CNN_RECIPE = {
  choices: {
    optimizer: "adadelta lr 1.0, rho 0.95, epsilon 1e-7: the lab's model is Keras 2's " +
      "examples/mnist_cnn.py, which trains with Adadelta() (line 60); the log's acc/val_acc " +
      "format is standalone Keras 2.0–2.2.5, whose Adadelta defaults are lr 1.0, rho 0.95, " +
      "epsilon K.epsilon() = 1e-7 (keras/optimizers.py:380 at 2.2.4); tf.keras ≥ 2.0's 0.001 " +
      "reaches test acc 0.55 after 2 epochs (PyTorch twin). docs/RECIPES.md",
    ...KERAS2_CHOICES,
  },
  data: mnistData(1000),
  loss: "categoricalCrossentropy",
  optimizer: () => adadelta(),
  recipe: { epochs: 12, batchSize: 128, validationSplit: 0.2 },
} satisfies Partial<ClassificationTask>;
