import { adadelta } from "../train/optimizers.ts";
import { type ClassificationTask, runClassificationTask } from "./common.ts";
import { KERAS2_CHOICES, mnistCnn, mnistData } from "./mnist_models.ts";
import { runMain } from "../experiment/main.ts";

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
    optimizer: "adadelta lr 1.0, rho 0.95, epsilon 1e-7: the lab's model is Keras 2's " +
      "examples/mnist_cnn.py, which trains with Adadelta() (line 60); the log's acc/val_acc " +
      "format is standalone Keras 2.0–2.2.5, whose Adadelta defaults are lr 1.0, rho 0.95, " +
      "epsilon K.epsilon() = 1e-7 (keras/optimizers.py:380 at 2.2.4); tf.keras ≥ 2.0's 0.001 " +
      "reaches test acc 0.55 after 2 epochs (PyTorch twin). docs/RECIPES.md",
    ...KERAS2_CHOICES,
  },
  data: mnistData(1000),
  model: (seed) => mnistCnn(true, seed, "softmax"),
  loss: "categoricalCrossentropy",
  optimizer: () => adadelta(),
  recipe: { epochs: 12, batchSize: 128, validationSplit: 0.2 },
  // Adadelta starts slower than Adam: one epoch of 2048 images ends at 0.756, two at 0.838 (seed 1).
  quick: { epochs: 2, limit: 2560, minTestAcc: 0.75 },
};

if (import.meta.main) await runMain(() => runClassificationTask(task, Deno.args));
