/**
 * `deno task lstm-mnist`: MNIST images read row by row as 28 steps of 28 pixels by an LSTM of 128
 * units, its last h into a dense layer of 10 logits (not a course exercise: the proof
 * of the recurrent layers). Its PyTorch twin is tasks/peers/lstm_mnist_torch.py.
 * @module
 */
import * as layers from "../layers/mod.ts";
import { Module } from "../layers/module.ts";
import type { Tensor } from "../kernels/tensor.ts";
import { adam } from "../train/optimizers.ts";
import { type ClassificationTask, runClassificationTask } from "./common.ts";
import { mnistData } from "./mnist_models.ts";
import { runMain } from "../experiment/main.ts";

/** Units of the LSTM. */
export const LSTM_UNITS = 128;

/** [batch, 28, 28, 1] images → lstm(128) over the 28 rows → dense 10 (logits). */
export class LstmMnist extends Module {
  lstm = layers.lstm({ units: LSTM_UNITS });
  fc = layers.dense({ units: 10 });
  forward(x: Tensor): Tensor {
    // Each image row is one time step of 28 features: [batch, time 28, features 28].
    return this.fc.apply(this.lstm.apply(x.reshape([x.shape[0], 28, 28])));
  }
}

/** Trainable parameters: 4·128·(28 + 128 + 1) in the LSTM, 128·10 + 10 in the dense layer. */
export const LSTM_MNIST_PARAMS = 4 * LSTM_UNITS * (28 + LSTM_UNITS + 1) + LSTM_UNITS * 10 + 10;

export const task: ClassificationTask = {
  name: "lstm-mnist",
  description:
    "MNIST rows as 28 steps of 28 features: LSTM 128 (last h) → dense 10 logits; Adam 1e-3, " +
    "batch 128, 6 epochs, val split 0.1.",
  reported: { testAcc: 0.98 },
  choices: {
    reported: "not a course exercise: 0.98 is the issue's target for the full run",
    optimizer: "adam lr 1e-3 (Keras defaults)",
    epochs: "6, val split 0.1: the usual row-LSTM recipe passes 0.98 in a few epochs",
    init: "Keras' LSTM defaults: glorot-uniform kernel, orthogonal recurrent kernel, zero bias " +
      "with the forget gate's at 1 (unitForgetBias)",
    inputs: "pixels / 255",
    loss: "softmaxCrossEntropy on the dense layer's logits",
  },
  data: mnistData(1000),
  model: (seed) => new LstmMnist({ seed, inputShape: [28, 28, 1] }),
  optimizer: () => adam({ learningRate: 1e-3 }),
  recipe: { epochs: 6, batchSize: 128, validationSplit: 0.1 },
  // Seed 1: 3 epochs of 3456 images end at test acc 0.738 (the torch twin: 0.74); 2 epochs of
  // 2304 only 0.453. The last image row alone is mostly blank: without a working recurrence the
  // model stays far below 0.6.
  quick: { epochs: 3, limit: 3840, minTestAcc: 0.6 },
};

if (import.meta.main) await runMain(() => runClassificationTask(task, Deno.args));
