import { inverseTimeDecay } from "../train/schedules.ts";
import { rmsprop } from "../train/optimizers.ts";
import { cifarTaskReproduction, type CifarTaskSpec, runCifarTask } from "./cifar10_run.ts";
import { kerasCifarCnn } from "./cifar10_models.ts";
import type { CifarReproduction } from "./cifar10_rows.ts";
import { runMain } from "../experiment/main.ts";

/**
 * `deno task cifar10-cnn`: the Keras lab's CIFAR-10 CNN (Keras' cifar10_cnn.py example, with 32
 * filters in both blocks as the lab states).
 */
export const task: CifarTaskSpec = {
  name: "cifar10-cnn",
  description:
    "Conv 32 3×3 same ReLU → Conv 32 3×3 ReLU → MaxPool 2 → Dropout .25 → (the same again) → " +
    "Flatten → Dense 512 ReLU → Dropout .5 → Dense 10 softmax; RMSprop 1e-4, batch 32, " +
    "20 epochs, validation split 0.2.",
  reported: { epoch1Acc: 0.31, finalAcc: 0.70, epochTime: "2–3× mnist-cnn's" },
  choices: {
    optimizer: "RMSprop lr 1e-4 with Keras' decay 1e-6 (lr/(1 + 1e-6·step)), ρ 0.9: the " +
      "optimiser of Keras' cifar10_cnn.py, which this lab net follows; its epoch-1 accuracy ≈ 0.3 " +
      "matches the report",
    batchSize: "32 (cifar10_cnn.py)",
    epochs: "20 (unstated; our estimate of where RMSprop 1e-4 reaches ≈ 0.70 training accuracy, " +
      "not yet checked on CIFAR-10)",
    validation: "validation split 0.2 (the lab's fit with val split, as in its MNIST runs)",
    augmentation: "none: the report's run is a plain fit with a validation split",
    inputs: "pixels / 255",
    quick: "500 images (400 train, 100 validation), 2 epochs, batch 16 (50 steps), RMSprop lr " +
      "1e-3 without decay: at 1e-4 and batch 32 the few steps a CI run affords stay at chance",
  },
  model: (seed) => kerasCifarCnn(seed),
  optimizer: () => rmsprop({ learningRate: inverseTimeDecay({ initial: 1e-4, rate: 1e-6 }) }),
  quickOptimizer: () => rmsprop({ learningRate: 1e-3 }),
  quickBatchSize: 16,
  recipe: { epochs: 20, batchSize: 32, validationSplit: 0.2 },
  quick: { epochs: 2, limit: 500, testLimit: 250, minTestAcc: 0.15 },
  floors: { real: 0.15, standIn: 0.2 },
  fullChecks: [
    { field: "epoch1Acc", check: "training accuracy after epoch 1", reported: 0.31, tol: 0.05 },
    { field: "finalTrainAcc", check: "final training accuracy", reported: 0.70, tol: 0.05 },
  ],
};

/** For `deno task reproduce`. */
export const reproduction: CifarReproduction = cifarTaskReproduction(task);

if (import.meta.main) await runMain(() => runCifarTask(task, Deno.args));
