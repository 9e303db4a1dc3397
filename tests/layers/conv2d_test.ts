/**
 * conv2d with `dilationRate`: output shapes (Keras' rules on the dilated extent), values equal
 * to the op, Keras' refusal of strides and dilation both > 1, option errors, model files,
 * summary parameter counts and the layer's float64 gradient.
 */
import assert from "node:assert/strict";
import "../../io/model_methods.ts";
import { conv2d } from "../../kernels/ops/mod.ts";
import type { Conv2D, Conv2DOptions } from "../../layers/conv2d.ts";
import * as layers from "../../layers/mod.ts";
import { layerFromConfig, layerToConfig } from "../../layers/serialization.ts";
import { Sequential } from "../../layers/sequential.ts";
import { input } from "../../layers/symbolic.ts";
import { float64Gradcheck } from "../kernels/float64_gradcheck.ts";
import { assertReloadsSame, normals, runLayer, withKernelAndBias } from "./layer_test_utils.ts";

Deno.test("conv2d dilationRate: output shapes on the dilated extent (Keras)", () => {
  const c = (o: Partial<Conv2DOptions>) => layers.conv2d({ filters: 4, kernelSize: 3, ...o });
  assert.deepEqual(c({ dilationRate: 2 }).outputShape([9, 8, 3]), [5, 4, 4]); // extent 5
  assert.deepEqual(c({ dilationRate: [3, 1] }).outputShape([9, 8, 3]), [3, 6, 4]);
  assert.deepEqual(c({ dilationRate: 2, padding: "same" }).outputShape([9, 8, 3]), [9, 8, 4]);
  assert.deepEqual(input({ shape: [10, 10, 2] }).shape, [10, 10, 2]);
  const sym = c({ dilationRate: 4 }).apply(input({ shape: [10, 10, 2] }));
  assert.deepEqual(sym.shape, [2, 2, 4]);
  assert.throws(() => c({ dilationRate: 5 }).outputShape([8, 8, 1]), /11x11 window does not fit/);
});

Deno.test("conv2d dilationRate: refused with strides > 1 and when not a whole number ≥ 1", () => {
  assert.throws(
    () => layers.conv2d({ filters: 1, kernelSize: 3, strides: 2, dilationRate: 2 }),
    /conv2d: strides \[2,2\] and dilationRate \[2,2\] are both > 1; Keras allows one or the other/,
  );
  assert.throws(
    () => layers.conv2d({ filters: 1, kernelSize: 3, strides: [1, 2], dilationRate: [2, 1] }),
    /both > 1/,
  );
  assert.throws(
    () => layers.conv2d({ filters: 1, kernelSize: 3, dilationRate: 0 }),
    /conv2d: dilationRate 0 is not valid; it must be a whole number ≥ 1/,
  );
  const x = normals([1, 6, 6, 1]), w = normals([3, 3, 1, 1], 2);
  assert.throws(() => conv2d(x, w, { strides: 2, dilations: 2 }), /both > 1/);
  assert.throws(() => conv2d(x, w, { dilations: 1.5 }), /dilations must be whole numbers ≥ 1/);
});

Deno.test("conv2d dilationRate: the layer is the op with its kernel and bias", () => {
  const x = normals([2, 9, 7, 3], 3);
  const l = layers.conv2d({
    filters: 2,
    kernelSize: [2, 3],
    dilationRate: [2, 3],
    padding: "same",
  });
  const y = runLayer(l, x);
  const [k, b] = l.weights().map((w) => w.tensor);
  const want = conv2d(x, k, { dilations: [2, 3], padding: "same", bias: b });
  assert.deepEqual(y.shape, [2, 9, 7, 2]);
  assert.deepEqual(Array.from(y.dataSync()), Array.from(want.dataSync()));
});

Deno.test("conv2d dilationRate: config, model file and summary", async () => {
  const l = layers.conv2d({ filters: 3, kernelSize: 3, dilationRate: [2, 1], activation: "relu" });
  const c = layerToConfig(l);
  assert.deepEqual(c, {
    className: "Conv2D",
    config: { filters: 3, kernelSize: 3, dilationRate: [2, 1], activation: "relu" },
  });
  assert.deepEqual((layerFromConfig(c) as Conv2D).dilationRate, [2, 1]);
  const model = new Sequential([
    layers.conv2d({ filters: 3, kernelSize: 3, dilationRate: 2, inputShape: [8, 8, 2] }),
    layers.flatten(),
    layers.dense({ units: 2 }),
  ], { seed: 1 });
  // 3·3·2·3 + 3 = 57 conv parameters; the output is 4×4×3 = 48 features.
  assert.match(model.summary(), /conv2d_\d+\s+\[null,4,4,3\]\s+57\n/);
  const x = normals([2, 8, 8, 2], 5);
  await assertReloadsSame(model, x);
});

float64Gradcheck(
  "conv2d layer, dilationRate [2, 3], same, tanh: x, kernel, bias",
  [[2, 7, 8, 2], [3, 2, 2, 3], [3]],
  withKernelAndBias(
    layers.conv2d({
      filters: 3,
      kernelSize: [3, 2],
      dilationRate: [2, 3],
      padding: "same",
      activation: "tanh",
    }),
    [2, 7, 8, 2],
  ),
);
