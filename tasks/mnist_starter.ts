import { momentum } from "../train/optimizers.ts";
import { type ClassificationTask, runClassificationTask } from "./common.ts";
import { mnistData, mnistStarter } from "./mnist_models.ts";
import { filterAndMistakePictures } from "./classifier_pictures.ts";
import { runMain } from "../experiment/main.ts";

/** `deno task mnist-starter`: the MATLAB assignment's starter CNN, trained by iterations. */
export const task: ClassificationTask = {
  name: "mnist-starter",
  description:
    "Conv 16 5×5 pad 2 → ReLU → MaxPool 2 → Conv 16 5×5 pad 2 → ReLU → MaxPool 2 → FC 10; " +
    "batch 16, 3000 iterations (10 epochs of 300 steps), 2000 training images held out.",
  reported: {
    params: 14682,
    classificationLoss: 0.0849,
    weightDecayLoss: 0.1055,
    trainAcc: 0.976,
    valAcc: 0.9716,
    testAcc: 0.9793,
    target: "≥ 0.98",
  },
  choices: {
    optimizer:
      "SGD, EMA momentum m ← 0.9m + 0.1g, θ ← θ − α(m + λθ), α 0.1, λ 5e-4 (the assignment's " +
      "form; α and λ are not given in the report)",
    validation: "the last 2000 of the 60000 training images (validationSplit 1/30)",
    inputs: "pixels / 255",
  },
  data: mnistData(1000),
  model: (seed) => mnistStarter(seed),
  optimizer: () =>
    momentum({ learningRate: 0.1, momentum: 0.9, momentumForm: "ema", weightDecay: 5e-4 }),
  recipe: { epochs: 10, batchSize: 16, validationSplit: 2000 / 60000, stepsPerEpoch: 300 },
  quick: { epochs: 2, limit: 6000, stepsPerEpoch: 150, minTestAcc: 0.9 },
  extras: filterAndMistakePictures,
};

if (import.meta.main) await runMain(() => runClassificationTask(task, Deno.args));
