import { adam } from "../train/optimizers.ts";
import { type ClassificationTask, runClassificationTask } from "./common.ts";
import { mnistCnn, mnistData } from "./mnist_models.ts";

/** `deno task mnist-cnn-dropout`: the Keras MNIST CNN with dropout. */
export const task: ClassificationTask = {
  name: "mnist-cnn-dropout",
  description:
    "Conv 32 3×3 ReLU → Conv 64 3×3 ReLU → MaxPool 2 → Dropout .25 → Flatten → Dense 128 ReLU → Dropout .5 → Dense 10 " +
    "softmax; 12 epochs, val split 0.2, batch 128.",
  reported: {
    valAccVsTrainAcc: "val acc never below train acc",
    finalTrainAcc: "slightly lower than mnist-cnn's 0.9973",
  },
  choices: {
    optimizer: "adam lr 1e-3 (Keras' default optimiser settings; the report does not name one)",
    inputs: "pixels / 255",
  },
  data: mnistData(1000),
  model: (seed) => mnistCnn(true, seed),
  optimizer: () => adam({ learningRate: 1e-3 }),
  recipe: { epochs: 12, batchSize: 128, validationSplit: 0.2 },
  quick: { epochs: 1, limit: 2560, minTestAcc: 0.75 },
};

if (import.meta.main) await runClassificationTask(task, Deno.args);
