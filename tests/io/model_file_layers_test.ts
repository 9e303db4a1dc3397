/**
 * Model files with issue 17's layers (pooling, normalisation, embedding, shape layers): saved
 * with trained-looking weights and reloaded without their code, the model predicts
 * bit-identically.
 */
import assert from "node:assert/strict";
import "../../io/model_methods.ts";
import { loadModel } from "../../io/model_file.ts";
import { noGrad } from "../../kernels/engine.ts";
import { Rng } from "../../kernels/random.ts";
import { type Tensor, tensor } from "../../kernels/tensor.ts";
import * as layers from "../../layers/mod.ts";
import { Sequential } from "../../layers/sequential.ts";
import { withDir } from "./temp_dir.ts";

function uniforms(shape: number[], seed: number): Tensor {
  const rng = new Rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return tensor(Float32Array.from({ length: n }, () => rng.uniform()), shape);
}

const models: [string, () => Sequential, () => Tensor][] = [
  [
    "embedding, layer norm, 1-D pooling",
    () =>
      new Sequential([
        layers.embedding({ inputDim: 11, outputDim: 6, inputShape: [8] }),
        layers.layerNormalization(),
        layers.maxPooling1d({ poolSize: 2 }),
        layers.averagePooling1d({ poolSize: 3, strides: 1, padding: "same" }),
        layers.permute({ dims: [2, 1] }),
        layers.globalAveragePooling1d(),
        layers.repeatVector({ n: 2 }),
        layers.globalMaxPooling1d(),
        layers.dense({ units: 3 }),
      ], { seed: 4 }),
    () => tensor(Int32Array.from({ length: 16 }, (_, i) => (i * 7) % 11), [2, 8]),
  ],
  [
    "padding, average pooling, group norm, upsampling, cropping, reshape",
    () =>
      new Sequential([
        layers.zeroPadding2d({ padding: [[1, 0], [0, 1]], inputShape: [5, 4, 4] }),
        layers.averagePooling2d({ poolSize: 3, strides: 2, padding: "same" }),
        layers.groupNormalization({ groups: 2 }),
        layers.upSampling2d({ size: 2 }),
        layers.cropping2d({ cropping: [[1, 1], [0, 1]] }),
        layers.maxPooling2d({ padding: "same" }),
        layers.layerNormalization({ axis: [1, 2, 3] }),
        layers.reshape({ targetShape: [-1, 4] }),
        layers.globalAveragePooling1d(),
        layers.dense({ units: 2 }),
      ], { seed: 5 }),
    () => uniforms([2, 5, 4, 4], 9),
  ],
];

for (const [label, make, input] of models) {
  Deno.test(`model files: ${label} reload and predict bit-identically`, async () => {
    await withDir(async (dir) => {
      const model = make();
      const x = input();
      model.apply(x).dispose();
      // New values for every weight, so a reload that ignored the file would differ.
      model.weights().forEach((w, i) => {
        const t = uniforms(w.tensor.shape, 100 + i);
        noGrad(() => w.tensor.assign(t));
        t.dispose();
      });
      const before = await model.apply(x).data();
      await model.save(dir);
      const loaded = await loadModel(dir);
      assert.equal(loaded.summary(), model.summary());
      assert.deepEqual(await loaded.apply(x).data(), before);
      model.dispose();
      loaded.dispose();
    });
  });
}
