/**
 * LayerNormalization and GroupNormalization layers: weights (shapes, names, center/scale),
 * values against a float64 formula with gamma and beta, and the whole layer's gradient (input,
 * gamma, beta) in float64.
 */
import assert from "node:assert/strict";
import { Rng } from "../../kernels/random.ts";
import type { Tensor } from "../../kernels/tensor.ts";
import * as layers from "../../layers/mod.ts";
import { float64Gradcheck } from "../kernels/float64_gradcheck.ts";
import { normals, runLayer } from "./layer_test_utils.ts";

Deno.test("layerNormalization: weights per normalised axis, center/scale, bad axes", () => {
  const l = layers.layerNormalization({ axis: [2, 3] });
  runLayer(l, normals([2, 3, 4, 5]));
  assert.deepEqual(l.weights().map((w) => [w.name, w.tensor.shape]), [
    ["layer_normalization/gamma", [4, 5]],
    ["layer_normalization/beta", [4, 5]],
  ]);
  const bare = layers.layerNormalization({ center: false, scale: false });
  runLayer(bare, normals([2, 3]));
  assert.deepEqual(bare.weights(), []);
  assert.throws(() => layers.layerNormalization({ axis: 0 }).outputShape([3]), /batch axis/);
  assert.throws(() => layers.layerNormalization({ epsilon: 0 }), /epsilon 0 is not valid/);
});

Deno.test("layerNormalization: (x − mean)/√(var + 1e-3)·gamma + beta over the last axis", () => {
  const l = layers.layerNormalization();
  const x = normals([3, 4], 2);
  runLayer(l, x);
  l.gamma!.assign(normals([4], 3));
  l.beta!.assign(normals([4], 4));
  const y = runLayer(l, x).dataSync(), xs = x.dataSync();
  const g = l.gamma!.dataSync(), b = l.beta!.dataSync();
  for (let r = 0; r < 3; r++) {
    const row = Array.from(xs.subarray(r * 4, r * 4 + 4));
    const m = row.reduce((a, v) => a + v, 0) / 4;
    const v = row.reduce((a, u) => a + (u - m) ** 2, 0) / 4;
    row.forEach((u, j) => {
      const want = ((u - m) / Math.sqrt(v + 1e-3)) * g[j] + b[j];
      assert.ok(Math.abs(y[r * 4 + j] - want) < 1e-6, `${r},${j}`);
    });
  }
});

Deno.test("groupNormalization: per-channel weights; groups must divide the channels", () => {
  const l = layers.groupNormalization({ groups: 2 });
  const y = runLayer(l, normals([2, 3, 3, 4]));
  assert.deepEqual(y.shape, [2, 3, 3, 4]);
  assert.deepEqual(l.weights().map((w) => w.tensor.shape), [[4], [4]]);
  assert.throws(() => layers.groupNormalization({ groups: 3 }).outputShape([3, 3, 4]), /divide/);
  assert.throws(() => layers.groupNormalization({ groups: 0 }), /groups 0 is not valid/);
});

/** The layer's call with its gamma and beta replaced by the gradcheck's inputs. */
function withParams(l: layers.LayerNormalization | layers.GroupNormalization, shape: number[]) {
  l.build(shape.slice(1), new Rng(0));
  return (x: Tensor, g: Tensor, b: Tensor) => {
    l.gamma = g;
    l.beta = b;
    return l.call(x, { training: true });
  };
}

float64Gradcheck(
  "layerNormalization layer: x, gamma, beta",
  [[3, 2, 5], [5], [5]],
  withParams(layers.layerNormalization({ epsilon: 1e-5 }), [3, 2, 5]),
);
float64Gradcheck(
  "layerNormalization layer over axis 1: x, gamma, beta",
  [[3, 4, 2], [4], [4]],
  withParams(layers.layerNormalization({ axis: 1 }), [3, 4, 2]),
);
float64Gradcheck(
  "groupNormalization layer: x, gamma, beta",
  [[2, 2, 3, 6], [6], [6]],
  withParams(layers.groupNormalization({ groups: 3 }), [2, 2, 3, 6]),
);
