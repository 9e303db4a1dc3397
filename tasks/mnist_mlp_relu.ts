import { adam } from "../train/optimizers.ts";
import { type ClassificationTask, runClassificationTask } from "./common.ts";
import { KERAS2_CHOICES, MLP_HIDDEN, mnistData, mnistMlp } from "./mnist_models.ts";
import { runMain } from "../experiment/main.ts";

/** `deno task mnist-mlp-relu`: the lab's MLP with a ReLU hidden layer. */
export const task: ClassificationTask = {
  name: "mnist-mlp-relu",
  description: "784 → Dense(h, ReLU) → Dense(10, softmax); 12 epochs, val split 0.2, batch 128.",
  reported: {
    finalTrainAcc: 0.9966,
    finalValAcc: 0.9773,
    testAcc: "clearly above mnist-mlp-linear's 0.9255",
  },
  choices: {
    hidden: `${MLP_HIDDEN} (unstated in the report; the peers' W1 MLP width)`,
    optimizer: "adam lr 1e-3 (the report names none. Keras 2's examples/mnist_mlp.py uses " +
      "RMSprop() (lr 0.001, rho 0.9, eps 1e-7) on another net (512-512, dropout 0.2, 20 epochs); " +
      "the lab's 12-epoch schedule is the CNN example's, whose optimiser is Adadelta(): neither " +
      "is implied, and both full checks pass with Adam; docs/RECIPES.md)",
    ...KERAS2_CHOICES,
  },
  data: mnistData(1000),
  model: (seed) => mnistMlp("relu", seed),
  optimizer: () => adam({ learningRate: 1e-3 }),
  recipe: { epochs: 12, batchSize: 128, validationSplit: 0.2 },
  quick: { epochs: 2, limit: 6000, minTestAcc: 0.82 },
};

if (import.meta.main) await runMain(() => runClassificationTask(task, Deno.args));
