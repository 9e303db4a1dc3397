import * as layers from "../../layers/mod.ts";
import { Sequential } from "../../layers/sequential.ts";

/** Trainable parameters of {@link fashionCnn}: 80 + 1 168 + 25 120 + 330. */
export const FASHION_CNN_PARAMS = 26698;

/**
 * A small CNN for 28×28×1 images (the `optimizers` task on Fashion-MNIST), shaped like the RDFIA
 * CIFAR-10 net at a fraction of its cost so seven variants train in minutes on a CPU:
 * Conv 8 3×3 same ReLU → MaxPool 2 → Conv 16 3×3 same ReLU → MaxPool 2 → FC 32 ReLU → FC 10
 * (logits; the loss applies the softmax).
 */
export function fashionCnn(seed: number): Sequential {
  return new Sequential([
    layers.conv2d({
      filters: 8,
      kernelSize: 3,
      padding: "same",
      activation: "relu",
      inputShape: [28, 28, 1],
    }),
    layers.maxPool2d({ poolSize: 2 }),
    layers.conv2d({ filters: 16, kernelSize: 3, padding: "same", activation: "relu" }),
    layers.maxPool2d({ poolSize: 2 }),
    layers.flatten(),
    layers.dense({ units: 32, activation: "relu" }),
    layers.dense({ units: 10 }),
  ], { seed });
}
