import assert from "node:assert/strict";
import "../../kernels/tensor_methods.ts";
import { setDevice } from "../../kernels/device.ts";
import { tensor } from "../../kernels/tensor.ts";
import * as layers from "../../layers/mod.ts";
import { input } from "../../layers/symbolic.ts";
import { gradcheck } from "../../train/gradcheck.ts";

await setDevice("cpu");

const a = tensor([[1, 2], [3, 4]]), b = tensor([[10, 20], [30, 40]]);

Deno.test("add, multiply and average of tensors", () => {
  assert.deepEqual(Array.from(layers.add().apply([a, b]).dataSync()), [11, 22, 33, 44]);
  assert.deepEqual(Array.from(layers.multiply().apply([a, b]).dataSync()), [10, 40, 90, 160]);
  assert.deepEqual(Array.from(layers.average().apply([a, b]).dataSync()), [5.5, 11, 16.5, 22]);
  assert.throws(() => layers.add().apply([a, tensor([[1, 2, 3], [4, 5, 6]])]), /one shape/);
  assert.throws(() => layers.add().apply(a), /takes a list|list of at least two/);
  assert.throws(() => layers.dense({ units: 2 }).apply([a, b]), /takes one tensor/);
});

Deno.test("concatenate joins along the last axis or an inner one, exactly", () => {
  const x = tensor(Float32Array.from({ length: 2 * 2 * 3 }, (_, i) => i), [2, 2, 3]);
  const y = tensor(Float32Array.from({ length: 2 * 2 * 1 }, (_, i) => 100 + i), [2, 2, 1]);
  const last = layers.concatenate().apply([x, y]);
  assert.deepEqual(last.shape, [2, 2, 4]);
  assert.deepEqual(Array.from(last.dataSync()), [
    0,
    1,
    2,
    100,
    3,
    4,
    5,
    101,
    6,
    7,
    8,
    102,
    9,
    10,
    11,
    103,
  ]);
  const z = tensor(Float32Array.from({ length: 2 * 1 * 3 }, (_, i) => -1 - i), [2, 1, 3]);
  const mid = layers.concatenate({ axis: 1 }).apply([x, z]);
  assert.deepEqual(mid.shape, [2, 3, 3]);
  assert.deepEqual(Array.from(mid.dataSync()), [
    0,
    1,
    2,
    3,
    4,
    5,
    -1,
    -2,
    -3,
    6,
    7,
    8,
    9,
    10,
    11,
    -4,
    -5,
    -6,
  ]);
  assert.deepEqual(
    layers.concatenate({ axis: 1 }).apply([input({ shape: [2, 3] }), input({ shape: [1, 3] })])
      .shape,
    [3, 3],
  );
  assert.throws(() => layers.concatenate({ axis: 0 }), /batch/);
  assert.throws(() => layers.concatenate().apply([x, z]), /match except on axis -1/);
});

Deno.test("merge layers have the right gradients (finite differences)", () => {
  const r = gradcheck(
    (p, q) =>
      layers.multiply().apply([layers.average().apply([p, q]), layers.add().apply([p, q])]).sum(),
    [tensor([[0.5, -1], [2, 0.25]]), tensor([[1.5, 0.5], [-0.75, 1]])],
  );
  assert.ok(r.maxRelError < 1e-6, JSON.stringify(r));
});
