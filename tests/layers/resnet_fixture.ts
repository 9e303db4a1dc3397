/**
 * The same small residual CNN (conv + batchNorm + relu + add, two blocks) written as a
 * functional Model and as a Module, for the tests that hold them to the same numbers.
 * @module
 */
import { Rng } from "../../kernels/random.ts";
import { type Tensor, tensor } from "../../kernels/tensor.ts";
import * as layers from "../../layers/mod.ts";
import { Model } from "../../layers/model.ts";
import { Module } from "../../layers/module.ts";
import { input, type SymbolicTensor } from "../../layers/symbolic.ts";

const conv = () => layers.conv2d({ filters: 4, kernelSize: 3, padding: "same" });

/** conv → bn → relu → conv → bn, added to the input, then relu; on symbolic tensors. */
function blockGraph(x: SymbolicTensor): SymbolicTensor {
  let y = conv().apply(x);
  y = layers.batchNorm().apply(y);
  y = layers.relu().apply(y);
  y = conv().apply(y);
  y = layers.batchNorm().apply(y);
  return layers.relu().apply(layers.add().apply([x, y]));
}

/** The residual CNN as a functional model on [8, 8, 1] inputs, 3 classes. */
export function functionalResnet(seed: number): Model {
  const inp = input({ shape: [8, 8, 1] });
  let x = layers.conv2d({ filters: 4, kernelSize: 3, padding: "same", activation: "relu" })
    .apply(inp);
  x = blockGraph(blockGraph(x));
  const out = layers.dense({ units: 3 }).apply(layers.flatten().apply(x));
  return new Model({ inputs: inp, outputs: out, seed });
}

/** One residual block as a Module. */
export class Block extends Module {
  c1 = conv();
  bn1 = layers.batchNorm();
  c2 = conv();
  bn2 = layers.batchNorm();
  merge = layers.add();
  forward(x: Tensor): Tensor {
    const y = this.bn2.apply(this.c2.apply(layers.relu().apply(this.bn1.apply(this.c1.apply(x)))));
    return layers.relu().apply(this.merge.apply([x, y]));
  }
}

/** The residual CNN as a Module holding two Block modules. */
export class ModuleResnet extends Module {
  stem = layers.conv2d({ filters: 4, kernelSize: 3, padding: "same", activation: "relu" });
  blocks = [new Block(), new Block()];
  flat = layers.flatten();
  fc = layers.dense({ units: 3 });
  forward(x: Tensor): Tensor {
    let h = this.stem.apply(x);
    for (const b of this.blocks) h = b.apply(h);
    return this.fc.apply(this.flat.apply(h));
  }
}

/** 48 random 8×8 images with 3 classes, seeded. */
export function tinyImages(seed: number, n = 48): { x: Tensor; y: Int32Array } {
  const rng = new Rng(seed);
  const y = Int32Array.from({ length: n }, () => rng.int(3));
  const x = Float32Array.from({ length: n * 64 }, (_, i) => rng.uniform() + y[Math.floor(i / 64)]);
  return { x: tensor(x, [n, 8, 8, 1]), y };
}
