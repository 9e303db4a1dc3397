import { momentum } from "../train/optimizers.ts";
import { cifarTaskReproduction, type CifarTaskSpec, runCifarTask } from "./cifar10_run.ts";
import { cifarStarter } from "./cifar10_models.ts";
import { subtractMeanTriplet255 } from "./cifar10_preprocess.ts";
import type { CifarReproduction } from "./cifar10_rows.ts";
import { filterAndMistakePictures } from "./classifier_pictures.ts";
import { runMain } from "../experiment/main.ts";

/** `deno task cifar10-starter`: the MATLAB assignment's CIFAR-10 starter net, by iterations. */
export const task: CifarTaskSpec = {
  name: "cifar10-starter",
  description: "Conv 16 5×5 pad 2 → ReLU → MaxPool 2 → Conv 16 5×5 pad 2 → ReLU → FC 10 (48 602 " +
    "parameters); batch 16, 5000 iterations (10 epochs of 500 steps), EMA momentum 0.95, " +
    "lr 1e-3, weight decay 1e-3; 20000 training images, 2001 held out.",
  reported: {
    testAcc: 0.48,
    improvedTrainAcc: 0.597,
    improvedValAcc: 0.565,
    improvedTestAcc: 0.55,
    improvedClassificationLoss: 1.1417,
    note: "the improved net's architecture is not given in the report: not reproduced",
  },
  choices: {
    architecture: "the assignment's cifar10_starter.m baseline as its public copies show it: " +
      "the MNIST starter's layers on 32×32×3 but with one pooling (FC 4096 → 10), not two as " +
      "pure analogy with mnist-starter would give (17 882 parameters)",
    init: "He-normal, convolutions × 0.1 (the starter's 0.1*randn/sqrt(fanIn/2)), zero biases",
    optimizer: "SGD, EMA momentum m ← 0.95m + 0.05g, θ ← θ − α(m + λθ), α 1e-3, λ 1e-3 (the " +
      "starter's training_opts)",
    data: "the first 20000 training images (the starter's load_cifar10(2)); the last 2001 " +
      "held out for validation (validationSplit 2001/20000)",
    inputs: "pixels on the 0–255 scale minus the training mean RGB triplet, as the starter",
  },
  defaultLimit: 20000,
  prepare: async (s) => ({ meanRgbTriplet255: await subtractMeanTriplet255(s) }),
  model: (seed) => cifarStarter(seed),
  optimizer: () =>
    momentum({ learningRate: 1e-3, momentum: 0.95, momentumForm: "ema", weightDecay: 1e-3 }),
  recipe: { epochs: 10, batchSize: 16, validationSplit: 2001 / 20000, stepsPerEpoch: 500 },
  quick: { epochs: 2, limit: 3000, testLimit: 300, stepsPerEpoch: 100, minTestAcc: 0.15 },
  floors: { real: 0.15, standIn: 0.2 },
  fullChecks: [{ field: "testAcc", check: "test accuracy", reported: 0.48, tol: 0.04 }],
  extras: filterAndMistakePictures,
};

/** For `deno task reproduce`. */
export const reproduction: CifarReproduction = cifarTaskReproduction(task);

if (import.meta.main) await runMain(() => runCifarTask(task, Deno.args));
