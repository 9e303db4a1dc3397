/** Reshape, Permute (1-based dims) and RepeatVector: shapes, values, errors, float64 gradients. */
import assert from "node:assert/strict";
import { tensor } from "../../kernels/tensor.ts";
import * as layers from "../../layers/mod.ts";
import { float64Gradcheck } from "../kernels/float64_gradcheck.ts";
import { runLayer } from "./layer_test_utils.ts";

const x = () => tensor(Float32Array.from({ length: 12 }, (_, i) => i), [1, 2, 3, 2]);

Deno.test("reshape: targetShape with -1, and shapes that cannot be", () => {
  assert.deepEqual(layers.reshape({ targetShape: [3, -1] }).outputShape([2, 3, 2]), [3, 4]);
  assert.deepEqual(runLayer(layers.reshape({ targetShape: [6, 2] }), x()).shape, [1, 6, 2]);
  assert.throws(() => layers.reshape({ targetShape: [5, -1] }).outputShape([2, 3, 2]), /cannot/);
  assert.throws(() => layers.reshape({ targetShape: [-1, -1] }), /at most one -1/);
});

Deno.test("permute: dims are 1-based like Keras, the batch stays", () => {
  const y = runLayer(layers.permute({ dims: [3, 1, 2] }), x());
  assert.deepEqual(y.shape, [1, 2, 2, 3]);
  // y[0, c, h, w] = x[0, h, w, c] = (h·3 + w)·2 + c.
  assert.deepEqual(Array.from(y.dataSync()), [0, 2, 4, 6, 8, 10, 1, 3, 5, 7, 9, 11]);
  assert.throws(() => layers.permute({ dims: [0, 1, 2] }), /permutation of 1…3/);
  assert.throws(() => layers.permute({ dims: [2, 1] }).outputShape([2, 3, 2]), /rank-2/);
});

Deno.test("repeatVector: [batch, features] → [batch, n, features]", () => {
  const y = runLayer(layers.repeatVector({ n: 3 }), tensor([1, 2, 3, 4], [2, 2]));
  assert.deepEqual(y.shape, [2, 3, 2]);
  assert.deepEqual(Array.from(y.dataSync()), [1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4]);
  assert.throws(() => layers.repeatVector({ n: 0 }), /n 0 is not valid/);
});

float64Gradcheck(
  "reshape layer",
  [[2, 3, 4]],
  (t) => runLayer(layers.reshape({ targetShape: [4, 3] }), t),
);
float64Gradcheck(
  "permute layer",
  [[2, 3, 4, 2]],
  (t) => runLayer(layers.permute({ dims: [2, 3, 1] }), t),
);
float64Gradcheck("repeatVector layer", [[2, 3]], (t) => runLayer(layers.repeatVector({ n: 4 }), t));
