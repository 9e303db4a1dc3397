/**
 * `deno task vit-mnist`: a small Vision Transformer on MNIST (not a course exercise: the issue's
 * proof of the attention layers). Each image is cut into 16 patches of 7×7 pixels, each patch
 * projected to 64 features plus a learned position embedding, two pre-norm encoder blocks
 * (layer norm → 4-head self-attention → residual; layer norm → dense 128 gelu → dense 64 →
 * residual), a final layer norm, the mean over patches and a dense layer of 10 logits. Its
 * PyTorch twin is tasks/peers/vit_mnist_torch.py.
 * @module
 */
import { add, permute } from "../kernels/ops/mod.ts";
import type { Tensor } from "../kernels/tensor.ts";
import * as layers from "../layers/mod.ts";
import { Module, type ModuleOptions } from "../layers/module.ts";
import { adam } from "../train/optimizers.ts";
import { runMain } from "../experiment/main.ts";
import { type ClassificationTask, runClassificationTask } from "./common.ts";
import { mnistData } from "./mnist_models.ts";

/** Token width, attention heads, MLP width, patch edge and patch count. */
export const VIT = { dim: 64, heads: 4, mlp: 128, patch: 7, patches: 16 } as const;

/** Sizes of an {@link EncoderBlock}: token width, attention heads, MLP width. */
export interface EncoderDims {
  dim: number;
  heads: number;
  mlp: number;
}

/**
 * Pre-norm transformer encoder block: x + mha(ln(x)), then y + mlp(ln(y)); ViT-MNIST's sizes by
 * default (bench W7 uses a wider one). Example: `new EncoderBlock({ dim: 128, heads: 4, mlp: 512 })`.
 */
export class EncoderBlock extends Module {
  ln1 = layers.layerNormalization({ epsilon: 1e-6 });
  mha: layers.MultiHeadAttention;
  ln2 = layers.layerNormalization({ epsilon: 1e-6 });
  fc1: layers.Dense;
  fc2: layers.Dense;
  constructor(dims: EncoderDims = VIT, opts: ModuleOptions = {}) {
    super(opts);
    this.mha = layers.multiHeadAttention({ numHeads: dims.heads, keyDim: dims.dim / dims.heads });
    this.fc1 = layers.dense({ units: dims.mlp, activation: "gelu" });
    this.fc2 = layers.dense({ units: dims.dim });
  }
  forward(x: Tensor): Tensor {
    const y = add(x, this.mha.apply(this.ln1.apply(x)));
    return add(y, this.fc2.apply(this.fc1.apply(this.ln2.apply(y))));
  }
}

/** [batch, 28, 28, 1] images → 16 patch tokens → 2 encoder blocks → mean token → dense 10. */
export class VitMnist extends Module {
  embed = layers.dense({ units: VIT.dim });
  position = this.param("position", { shape: [1, VIT.patches, VIT.dim] });
  blocks = [new EncoderBlock(), new EncoderBlock()];
  norm = layers.layerNormalization({ epsilon: 1e-6 });
  head = layers.dense({ units: 10 });
  forward(x: Tensor): Tensor {
    const b = x.shape[0], p = VIT.patch, n = 28 / p;
    // [b, 28, 28] → [b, row block, 7, col block, 7] → [b, 16 patches, 49 pixels].
    const patches = permute(x.reshape([b, n, p, n, p]), [0, 1, 3, 2, 4]).reshape([b, n * n, p * p]);
    let h = add(this.embed.apply(patches), this.position);
    for (const block of this.blocks) h = block.apply(h);
    return this.head.apply(this.norm.apply(h).mean(1));
  }
}

export const task: ClassificationTask = {
  name: "vit-mnist",
  description:
    "MNIST as 16 patches of 7×7 → dense 64 + learned position embedding → 2 pre-norm encoder " +
    "blocks (4-head attention, MLP 128 gelu) → layer norm → mean over patches → dense 10 " +
    "logits; Adam 1e-3, batch 128, 10 epochs, val split 0.1.",
  reported: { testAcc: 0.97 },
  choices: {
    reported: "not a course exercise: 0.97 is the issue's target for the full run",
    optimizer: "adam lr 1e-3 (Keras defaults)",
    epochs: "10, val split 0.1",
    init: "glorot-uniform kernels (attention kernels with Keras' EinsumDense fans), zero " +
      "biases, glorot-uniform position embedding, layer norms at 1/0",
    inputs: "pixels / 255",
    loss: "softmaxCrossEntropy on the dense layer's logits",
  },
  data: mnistData(1000),
  model: (seed) => new VitMnist({ seed, inputShape: [28, 28, 1] }),
  optimizer: () => adam({ learningRate: 1e-3 }),
  recipe: { epochs: 10, batchSize: 128, validationSplit: 0.1 },
  // Seed 1: 5 epochs of 3456 images end at test acc 0.855 (loss 0.46); the same run with the
  // attention output multiplied by 0 (no token mixing, all else trained) ends at 0.806 (loss
  // 0.80), and at 3 epochs the two are 0.760 vs 0.712. 0.83 sits between them.
  quick: { epochs: 5, limit: 3840, minTestAcc: 0.83 },
};

if (import.meta.main) await runMain(() => runClassificationTask(task, Deno.args));
