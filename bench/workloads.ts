import * as layers from "../layers/mod.ts";
import { Sequential } from "../layers/sequential.ts";

/** The four peer workloads the bench compares against PyTorch and TF.js (same layers as peers/tfjs_bench.mjs). */
export interface Workload {
  name: string;
  description: string;
  inputShape: number[];
  batchSize: number;
  model: () => Sequential;
}

/** W1–W4. */
export const WORKLOADS: Workload[] = [
  {
    name: "W1",
    description: "mlp 784→128 ReLU→10, batch 128",
    inputShape: [28, 28, 1],
    batchSize: 128,
    model: () =>
      new Sequential([
        layers.flatten({ inputShape: [28, 28, 1] }),
        layers.dense({ units: 128, activation: "relu" }),
        layers.dense({ units: 10 }),
      ]),
  },
  {
    name: "W2",
    description: "keras-mnist-cnn (conv32, conv64, pool, dropout, dense128, dropout), batch 128",
    inputShape: [28, 28, 1],
    batchSize: 128,
    model: () =>
      new Sequential([
        layers.conv2d({ filters: 32, kernelSize: 3, activation: "relu", inputShape: [28, 28, 1] }),
        layers.conv2d({ filters: 64, kernelSize: 3, activation: "relu" }),
        layers.maxPool2d({ poolSize: 2 }),
        layers.dropout(0.25),
        layers.flatten(),
        layers.dense({ units: 128, activation: "relu" }),
        layers.dropout(0.5),
        layers.dense({ units: 10 }),
      ]),
  },
  {
    name: "W3",
    description: "starter-cnn (conv16 5×5 same, pool, conv16 5×5 same, pool, fc10), batch 16",
    inputShape: [28, 28, 1],
    batchSize: 16,
    model: () =>
      new Sequential([
        layers.conv2d({
          filters: 16,
          kernelSize: 5,
          padding: "same",
          activation: "relu",
          inputShape: [28, 28, 1],
        }),
        layers.maxPool2d({ poolSize: 2 }),
        layers.conv2d({ filters: 16, kernelSize: 5, padding: "same", activation: "relu" }),
        layers.maxPool2d({ poolSize: 2 }),
        layers.flatten(),
        layers.dense({ units: 10 }),
      ]),
  },
  {
    name: "W4",
    description: "cifar-cnn (4 conv32, 2 pool, dense512), batch 32",
    inputShape: [32, 32, 3],
    batchSize: 32,
    model: () =>
      new Sequential([
        layers.conv2d({
          filters: 32,
          kernelSize: 3,
          padding: "same",
          activation: "relu",
          inputShape: [32, 32, 3],
        }),
        layers.conv2d({ filters: 32, kernelSize: 3, activation: "relu" }),
        layers.maxPool2d({ poolSize: 2 }),
        layers.dropout(0.25),
        layers.conv2d({ filters: 32, kernelSize: 3, padding: "same", activation: "relu" }),
        layers.conv2d({ filters: 32, kernelSize: 3, activation: "relu" }),
        layers.maxPool2d({ poolSize: 2 }),
        layers.dropout(0.25),
        layers.flatten(),
        layers.dense({ units: 512, activation: "relu" }),
        layers.dropout(0.5),
        layers.dense({ units: 10 }),
      ]),
  },
];
