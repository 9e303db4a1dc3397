/**
 * The Embedding layer: shapes, Keras' default initialiser range, rows of its table, maskZero's
 * mask, the table's float64 gradient through the layer, and gather's error for a bad id.
 */
import assert from "node:assert/strict";
import { Rng } from "../../kernels/random.ts";
import { type Tensor, tensor } from "../../kernels/tensor.ts";
import * as layers from "../../layers/mod.ts";
import { float64Gradcheck } from "../kernels/float64_gradcheck.ts";
import { runLayer } from "./layer_test_utils.ts";

const ids = () => tensor(Int32Array.from([0, 3, 3, 1, 2, 0]), [2, 3]);

Deno.test("embedding: [batch, …] ids give rows of the table, ±0.05 by default", () => {
  const l = layers.embedding({ inputDim: 4, outputDim: 5, maskZero: true });
  const y = runLayer(l, ids());
  assert.deepEqual(y.shape, [2, 3, 5]);
  assert.deepEqual(l.outputShape([3]), [3, 5]);
  const table = l.embeddings!.dataSync();
  assert.ok(table.every((v) => Math.abs(v) <= 0.05) && new Set(table).size === 20);
  assert.deepEqual(Array.from(y.dataSync().subarray(5, 10)), Array.from(table.subarray(15, 20)));
  assert.deepEqual(Array.from(l.computeMask(ids())!.dataSync()), [0, 1, 1, 1, 1, 0]);
  assert.equal(layers.embedding({ inputDim: 4, outputDim: 2 }).computeMask(ids()), undefined);
  assert.deepEqual(l.weights().map((w) => w.name), ["embedding/embeddings"]);
});

Deno.test("embedding: bad options and out-of-range ids are named", () => {
  assert.throws(
    () => layers.embedding({ inputDim: 0, outputDim: 2 }),
    /inputDim 0 is not valid/,
  );
  const l = layers.embedding({ inputDim: 3, outputDim: 2 });
  assert.throws(() => runLayer(l, ids()), /gather: index 3 at position 1 is outside \[0, 3\)/);
});

const layer = layers.embedding({ inputDim: 4, outputDim: 3 });
layer.build([3], new Rng(0));
float64Gradcheck("embedding layer: the table", [[4, 3]], (t: Tensor) => {
  layer.embeddings = t;
  return layer.call(ids(), { training: true });
});
