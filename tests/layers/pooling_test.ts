/**
 * The pooling layers: output shapes, values against the ops they wrap (max, mean, avgPool2d)
 * and each layer's gradient in float64.
 */
import assert from "node:assert/strict";
import { avgPool2d, max, mean } from "../../kernels/ops/mod.ts";
import { type Tensor, tensor } from "../../kernels/tensor.ts";
import * as layers from "../../layers/mod.ts";
import { float64Gradcheck } from "../kernels/float64_gradcheck.ts";
import { normals, runLayer } from "./layer_test_utils.ts";

Deno.test("pooling layers: output shapes (Keras rules)", () => {
  assert.deepEqual(layers.averagePooling2d({ padding: "same" }).outputShape([5, 7, 3]), [3, 4, 3]);
  assert.deepEqual(layers.averagePooling2d({ poolSize: 3, strides: 1 }).outputShape([5, 5, 2]), [
    3,
    3,
    2,
  ]);
  assert.deepEqual(layers.maxPooling2d({ padding: "same" }).outputShape([5, 5, 1]), [3, 3, 1]);
  assert.deepEqual(layers.maxPooling1d().outputShape([9, 4]), [4, 4]);
  assert.deepEqual(layers.averagePooling1d({ padding: "same" }).outputShape([9, 4]), [5, 4]);
  assert.deepEqual(layers.globalAveragePooling2d().outputShape([5, 7, 3]), [3]);
  assert.deepEqual(layers.globalMaxPooling2d({ keepDims: true }).outputShape([5, 7, 3]), [1, 1, 3]);
  assert.deepEqual(layers.globalAveragePooling1d().outputShape([6, 4]), [4]);
  assert.deepEqual(layers.globalMaxPooling1d().outputShape([6, 4]), [4]);
  assert.throws(() => layers.globalMaxPooling1d().outputShape([6, 4, 1]), /\[time, features\]/);
  assert.throws(() => layers.maxPooling1d({ poolSize: 0 }), /poolSize 0 is not valid/);
  assert.throws(
    () => layers.averagePooling1d({ padding: 2 as unknown as "same" }),
    /padding must be "valid" or "same"/,
  );
});

Deno.test("pooling layers: values are the ops' (global mean/max, average pooling, same max pooling)", () => {
  const x = normals([2, 4, 5, 3], 4);
  const same = (a: ArrayLike<number>, b: ArrayLike<number>) =>
    assert.deepEqual(Array.from(a), Array.from(b));
  same(runLayer(layers.globalAveragePooling2d(), x).dataSync(), mean(x, [1, 2]).dataSync());
  same(runLayer(layers.globalMaxPooling2d(), x).dataSync(), max(x, [1, 2]).dataSync());
  const seq = x.reshape([2, 20, 3]);
  same(runLayer(layers.globalAveragePooling1d(), seq).dataSync(), mean(seq, 1).dataSync());
  same(runLayer(layers.globalMaxPooling1d(), seq).dataSync(), max(seq, 1).dataSync());
  same(
    runLayer(layers.averagePooling2d({ poolSize: 3, strides: 2, padding: "same" }), x).dataSync(),
    avgPool2d(x, { poolSize: 3, strides: 2, padding: "same" }).dataSync(),
  );
  const y = runLayer(layers.averagePooling1d({ strides: 1 }), tensor([1, 2, 4, 8], [1, 4, 1]));
  assert.deepEqual([...y.dataSync()], [1.5, 3, 6]);
  // "same" max pooling never sees the padding: zero padding would give 0 at the edges here.
  const negatives = tensor([-1, -2, -3, -4, -5, -6, -7, -8, -9], [1, 3, 3, 1]);
  const m = runLayer(layers.maxPooling2d({ poolSize: 2, padding: "same" }), negatives);
  assert.deepEqual([m.shape, [...m.dataSync()]], [[1, 2, 2, 1], [-1, -3, -7, -9]]);
});

const call = (l: layers.GlobalAveragePooling2D | layers.AveragePooling2D) => (x: Tensor) =>
  runLayer(l, x);

float64Gradcheck(
  "averagePooling2d layer, same",
  [[2, 5, 4, 2]],
  call(layers.averagePooling2d({ poolSize: 3, strides: 2, padding: "same" })),
);
float64Gradcheck(
  "globalAveragePooling2d layer",
  [[2, 3, 4, 2]],
  call(layers.globalAveragePooling2d()),
);
float64Gradcheck(
  "globalMaxPooling1d layer",
  [[2, 5, 3]],
  (x) => runLayer(layers.globalMaxPooling1d(), x),
);
float64Gradcheck(
  "maxPooling1d layer, same",
  [[2, 5, 3]],
  (x) => runLayer(layers.maxPooling1d({ poolSize: 2, padding: "same" }), x),
);
