import * as layers from "../layers/mod.ts";
import { Sequential } from "../layers/sequential.ts";
import type { ActivationName } from "../layers/activations.ts";
import { mnist } from "../datasets/mnist.ts";
import type { TaskFlags } from "./common.ts";

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

/** MNIST for a task: `--limit` caps training samples; quick runs also cap the test set. */
export function mnistData(testLimitQuick: number) {
  return async (flags: TaskFlags) => {
    const d = await mnist({
      limitTrain: flags.limit,
      limitTest: flags.quick ? testLimitQuick : undefined,
    });
    return { train: d.train, test: d.test, source: d.source };
  };
}
