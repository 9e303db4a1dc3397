/** ZeroPadding2D, Cropping2D and UpSampling2D: option forms, values, errors, float64 gradients. */
import assert from "node:assert/strict";
import { tensor } from "../../kernels/tensor.ts";
import * as layers from "../../layers/mod.ts";
import { layerFromConfig, layerToConfig } from "../../layers/serialization.ts";
import { float64Gradcheck } from "../kernels/float64_gradcheck.ts";
import { runLayer } from "./layer_test_utils.ts";

const img = () => tensor(Float32Array.from([1, 2, 3, 4, 5, 6]), [1, 2, 3, 1]);

Deno.test("zeroPadding2d: n, [h, w] and [[top, bottom], [left, right]]", () => {
  assert.deepEqual(layers.zeroPadding2d().outputShape([2, 3, 1]), [4, 5, 1]);
  assert.deepEqual(layers.zeroPadding2d({ padding: [1, 2] }).outputShape([2, 3, 1]), [4, 7, 1]);
  const y = runLayer(layers.zeroPadding2d({ padding: [[1, 0], [0, 1]] }), img());
  assert.deepEqual(y.shape, [1, 3, 4, 1]);
  assert.deepEqual(Array.from(y.dataSync()), [0, 0, 0, 0, 1, 2, 3, 0, 4, 5, 6, 0]);
  assert.throws(() => layers.zeroPadding2d({ padding: -1 }), /whole numbers ≥ 0/);
});

Deno.test("cropping2d: keeps the middle; cropping everything is refused", () => {
  const y = runLayer(layers.cropping2d({ cropping: [[0, 1], [1, 1]] }), img());
  assert.deepEqual(y.shape, [1, 1, 1, 1]);
  assert.deepEqual(Array.from(y.dataSync()), [2]);
  assert.throws(() => layers.cropping2d({ cropping: 2 }).outputShape([2, 3, 1]), /leaves nothing/);
});

Deno.test("upSampling2d: nearest repeats each pixel size[0] × size[1] times", () => {
  const y = runLayer(layers.upSampling2d({ size: [2, 1] }), img());
  assert.deepEqual(y.shape, [1, 4, 3, 1]);
  assert.deepEqual(Array.from(y.dataSync()), [1, 2, 3, 1, 2, 3, 4, 5, 6, 4, 5, 6]);
  assert.deepEqual(layers.upSampling2d().outputShape([2, 3, 4]), [4, 6, 4]);
  assert.throws(
    () => layers.upSampling2d({ interpolation: "bicubic" as "nearest" }),
    /interpolation "bicubic" is not supported; use "nearest" or "bilinear"/,
  );
});

Deno.test("upSampling2d: bilinear interpolates with half-pixel centres (hand-worked values)", () => {
  // Row [1, 2, 3] by 2: outputs sample 0.25·k − 0.25 clamped at 0: 1, 1.25, 1.75, 2.25, 2.75, 3.
  const y = runLayer(layers.upSampling2d({ size: [1, 2], interpolation: "bilinear" }), img());
  assert.deepEqual(y.shape, [1, 2, 6, 1]);
  assert.deepEqual(Array.from(y.dataSync()), [
    1,
    1.25,
    1.75,
    2.25,
    2.75,
    3,
    4,
    4.25,
    4.75,
    5.25,
    5.75,
    6,
  ]);
  const l = layers.upSampling2d({ size: 3, interpolation: "bilinear" });
  assert.deepEqual(l.outputShape([2, 3, 4]), [6, 9, 4]);
  assert.deepEqual(layerToConfig(layerFromConfig(layerToConfig(l))), layerToConfig(l));
});

float64Gradcheck(
  "upSampling2d layer, bilinear [2, 3]",
  [[2, 3, 2, 2]],
  (t) => runLayer(layers.upSampling2d({ size: [2, 3], interpolation: "bilinear" }), t),
);
float64Gradcheck(
  "zeroPadding2d layer",
  [[2, 3, 2, 2]],
  (t) => runLayer(layers.zeroPadding2d({ padding: [[1, 2], [0, 1]] }), t),
);
float64Gradcheck(
  "cropping2d layer",
  [[2, 4, 5, 2]],
  (t) => runLayer(layers.cropping2d({ cropping: [[1, 0], [1, 2]] }), t),
);
float64Gradcheck(
  "upSampling2d layer",
  [[2, 2, 3, 2]],
  (t) => runLayer(layers.upSampling2d({ size: [2, 3] }), t),
);
