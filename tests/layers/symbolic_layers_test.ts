/**
 * Issue 17's layers as graph nodes: each applied to a symbolic input gives the shape its tensor
 * call gives (a functional model knows every shape before any weight exists), and a functional
 * model of them trains a step on both the batch and the weights.
 */
import assert from "node:assert/strict";
import { setDevice } from "../../kernels/device.ts";
import { tensor } from "../../kernels/tensor.ts";
import * as layers from "../../layers/mod.ts";
import type { Layer } from "../../layers/module.ts";
import { model } from "../../layers/model.ts";
import { input } from "../../layers/symbolic.ts";
import { normals } from "./layer_test_utils.ts";

await setDevice("cpu");

const cases: [string, () => Layer, number[]][] = [
  ["averagePooling2d same", () => layers.averagePooling2d({ poolSize: 3, padding: "same" }), [
    7,
    5,
    2,
  ]],
  ["maxPooling2d same", () => layers.maxPooling2d({ padding: "same" }), [5, 5, 2]],
  ["maxPooling1d", () => layers.maxPooling1d({ poolSize: 3 }), [7, 2]],
  ["averagePooling1d same", () => layers.averagePooling1d({ padding: "same" }), [7, 2]],
  ["globalAveragePooling2d", () => layers.globalAveragePooling2d(), [3, 4, 2]],
  ["globalMaxPooling2d keepDims", () => layers.globalMaxPooling2d({ keepDims: true }), [3, 4, 2]],
  ["globalAveragePooling1d", () => layers.globalAveragePooling1d(), [6, 3]],
  ["globalMaxPooling1d", () => layers.globalMaxPooling1d(), [6, 3]],
  ["layerNormalization", () => layers.layerNormalization({ axis: [2, 3] }), [3, 4, 2]],
  ["groupNormalization", () => layers.groupNormalization({ groups: 2 }), [3, 4, 2]],
  ["reshape", () => layers.reshape({ targetShape: [-1, 4] }), [3, 4, 2]],
  ["permute", () => layers.permute({ dims: [3, 1, 2] }), [3, 4, 2]],
  ["repeatVector", () => layers.repeatVector({ n: 3 }), [5]],
  ["zeroPadding2d", () => layers.zeroPadding2d({ padding: [[1, 0], [2, 1]] }), [3, 4, 2]],
  ["cropping2d", () => layers.cropping2d({ cropping: [[1, 0], [1, 2]] }), [3, 4, 2]],
  ["upSampling2d", () => layers.upSampling2d({ size: [2, 3] }), [3, 4, 2]],
];

for (const [name, make, shape] of cases) {
  Deno.test(`${name}: a symbolic call's shape is the tensor call's`, () => {
    const l = make();
    const s = l.apply(input({ shape }));
    const y = l.apply(normals([2, ...shape]));
    assert.deepEqual([2, ...s.shape], y.shape);
  });
}

Deno.test("embedding: symbolic ids [8] give [8, outputDim]; int ids through a model", () => {
  const ids = input({ shape: [8] });
  const emb = layers.embedding({ inputDim: 20, outputDim: 4 });
  const h = layers.globalAveragePooling1d().apply(
    layers.layerNormalization().apply(emb.apply(ids)),
  );
  assert.deepEqual(emb.apply(ids).shape, [8, 4]);
  const m = model({ inputs: ids, outputs: layers.dense({ units: 2 }).apply(h), seed: 2 });
  const y = m.apply(tensor(Int32Array.from({ length: 16 }, (_, i) => i % 20), [2, 8]));
  assert.deepEqual(y.shape, [2, 2]);
  assert.deepEqual(m.weights().map((w) => w.name), [
    "embedding_1/embeddings",
    "layer_normalization_1/gamma",
    "layer_normalization_1/beta",
    "dense_1/kernel",
    "dense_1/bias",
  ]);
});
