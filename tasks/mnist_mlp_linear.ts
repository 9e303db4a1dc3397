import { type ClassificationTask, runClassificationTask } from "./common.ts";
import { MLP_RECIPE, mnistMlp } from "./mnist_models.ts";
import { runMain } from "../experiment/main.ts";

/** `deno task mnist-mlp-linear`: the lab's MLP with a linear hidden layer. */
export const task: ClassificationTask = {
  name: "mnist-mlp-linear",
  description: "784 → Dense(h, linear) → Dense(10, softmax); 12 epochs, val split 0.2, batch 128.",
  reported: {
    testLoss: 0.2789,
    testAcc: 0.9255,
    epoch1Acc: 0.8832,
    epoch1ValAcc: 0.9085,
    finalValAcc: "0.925–0.928",
  },
  ...MLP_RECIPE,
  model: (seed) => mnistMlp("linear", seed),
};

if (import.meta.main) await runMain(() => runClassificationTask(task, Deno.args));
