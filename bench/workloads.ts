import type { Tensor } from "../kernels/tensor.ts";
import * as layers from "../layers/mod.ts";
import type { Layer } from "../layers/layer.ts";
import { Module } from "../layers/module.ts";
import { Sequential } from "../layers/sequential.ts";
import { LstmMnist } from "../tasks/lstm_mnist.ts";
import { resnetFashion } from "../tasks/resnet_fashion.ts";
import { EncoderBlock } from "../tasks/vit_mnist.ts";

/**
 * The peer workloads the bench compares against PyTorch (bench/peers/torch_peer.py) and TF.js
 * (bench/peers/tfjs_models.ts), the same layers in each.
 */
export interface Workload {
  name: string;
  description: string;
  inputShape: number[];
  batchSize: number;
  /** A built model: 10 logits per sample (the bench's labels are 10 random classes). */
  model: () => Layer;
}

/** W7's sizes: 64 tokens of 128 features, 4 heads, MLP 512 (a BERT-style 4× width). */
export const W7 = { tokens: 64, dim: 128, heads: 4, mlp: 512 } as const;

/** One pre-norm encoder block over [batch, 64, 128], then the mean token → dense 10 logits. */
export class EncoderBlockHead extends Module {
  block = new EncoderBlock({ dim: W7.dim, heads: W7.heads, mlp: W7.mlp });
  head = layers.dense({ units: 10 });
  forward(x: Tensor): Tensor {
    return this.head.apply(this.block.apply(x).mean(1));
  }
}

/** W1–W7. */
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
  {
    name: "W5",
    description: "resnet-fashion (conv16+BN, pool, 2 residual blocks 16/32, dense10), batch 128",
    inputShape: [28, 28, 1],
    batchSize: 128,
    model: () => resnetFashion(0).ensureBuilt([28, 28, 1]),
  },
  {
    name: "W6",
    description: "lstm-mnist (28 rows → lstm128 → dense10), batch 128",
    inputShape: [28, 28, 1],
    batchSize: 128,
    model: () => new LstmMnist({ inputShape: [28, 28, 1] }).ensureBuilt([28, 28, 1]),
  },
  {
    name: "W7",
    description: "transformer encoder block (pre-norm, 4-head attention, MLP 512 gelu) on " +
      "64 tokens × 128, mean → dense10, batch 32",
    inputShape: [W7.tokens, W7.dim],
    batchSize: 32,
    model: () => new EncoderBlockHead().ensureBuilt([W7.tokens, W7.dim]),
  },
];
