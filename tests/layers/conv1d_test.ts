/**
 * layers.conv1d: output shapes (Keras' rules for valid, same, causal, strides, dilation), values
 * equal to the op with the layer's kernel and bias, option errors, config and model files,
 * summary parameter counts and the layer's float64 gradient (input, kernel, bias).
 */
import assert from "node:assert/strict";
import "../../io/model_methods.ts";
import { conv1d, relu } from "../../kernels/ops/mod.ts";
import type { Conv1D, Conv1DOptions } from "../../layers/conv1d.ts";
import * as layers from "../../layers/mod.ts";
import { layerFromConfig, layerToConfig } from "../../layers/serialization.ts";
import { Sequential } from "../../layers/sequential.ts";
import { input } from "../../layers/symbolic.ts";
import { float64Gradcheck } from "../kernels/float64_gradcheck.ts";
import { assertReloadsSame, normals, runLayer, withKernelAndBias } from "./layer_test_utils.ts";

const c1 = (o: Partial<Conv1DOptions>) => layers.conv1d({ filters: 4, kernelSize: 3, ...o });

Deno.test("conv1d layer: output shapes (Keras)", () => {
  assert.deepEqual(c1({}).outputShape([10, 2]), [8, 4]);
  assert.deepEqual(c1({ padding: "same" }).outputShape([10, 2]), [10, 4]);
  assert.deepEqual(c1({ padding: "causal" }).outputShape([10, 2]), [10, 4]);
  assert.deepEqual(c1({ padding: "causal", dilationRate: 4 }).outputShape([10, 2]), [10, 4]);
  assert.deepEqual(c1({ dilationRate: 4 }).outputShape([10, 2]), [2, 4]); // extent 9
  assert.deepEqual(c1({ strides: 3 }).outputShape([10, 2]), [3, 4]);
  assert.deepEqual(c1({ strides: 3, padding: "causal" }).outputShape([10, 2]), [4, 4]);
  assert.deepEqual(c1({ padding: "same" }).apply(input({ shape: [7, 5] })).shape, [7, 4]);
  assert.throws(() => c1({}).outputShape([10, 2, 1]), /conv1d\w*: expects \[steps, channels\]/);
  assert.throws(() => c1({ dilationRate: 5 }).outputShape([8, 1]), /conv1d: a 1x11 window/);
});

Deno.test("conv1d layer: options are checked when made", () => {
  assert.throws(() => c1({ filters: 0 }), /conv1d: filters 0 is not valid/);
  assert.throws(
    () => c1({ kernelSize: [3] as unknown as number }),
    /kernelSize \[3\] is not valid/,
  );
  assert.throws(() => c1({ strides: 1.5 }), /conv1d: strides 1.5 is not valid/);
  assert.throws(() => c1({ dilationRate: 0 }), /conv1d: dilationRate 0 is not valid/);
  assert.throws(
    () => c1({ padding: "full" as "same" }),
    /conv1d: padding must be "valid", "same" or "causal", got full/,
  );
  assert.throws(
    () => c1({ strides: 2, dilationRate: 2 }),
    /conv1d: strides \[2\] and dilationRate \[2\] are both > 1; Keras allows one or the other/,
  );
});

Deno.test("conv1d layer: the op with its kernel [k, in, filters] and bias; relu fused", () => {
  const x = normals([2, 9, 3], 3);
  for (const activation of ["relu", "tanh", undefined] as const) {
    const l = c1({ padding: "causal", dilationRate: 2, activation });
    const y = runLayer(l, x);
    const [k, b] = l.weights().map((w) => w.tensor);
    assert.deepEqual(k.shape, [3, 3, 4]);
    assert.deepEqual(b.shape, [4]);
    const plain = conv1d(x, k, { padding: "causal", dilations: 2, bias: b });
    const want = activation === "relu" ? relu(plain) : activation ? plain.tanh() : plain;
    assert.deepEqual(Array.from(y.dataSync()), Array.from(want.dataSync()));
  }
  assert.equal(c1({ useBias: false }).apply(input({ shape: [5, 2] })).shape.length, 2);
});

Deno.test("conv1d layer: config, model file and summary", async () => {
  const l = c1({ padding: "causal", dilationRate: 2, useBias: false });
  const c = layerToConfig(l);
  assert.deepEqual(c, {
    className: "Conv1D",
    config: { filters: 4, kernelSize: 3, padding: "causal", dilationRate: 2, useBias: false },
  });
  assert.deepEqual((layerFromConfig(c) as Conv1D).opts, l.opts);
  const model = new Sequential([
    layers.conv1d({ filters: 5, kernelSize: 3, padding: "causal", inputShape: [12, 2] }),
    layers.conv1d({ filters: 2, kernelSize: 2, strides: 2, useBias: false }),
    layers.flatten(),
  ], { seed: 1 });
  // 3·2·5 + 5 = 35 and 2·5·2 = 20 parameters; 12 causal steps, then ⌊(12 − 2)/2⌋ + 1 = 6.
  const s = model.summary();
  assert.match(s, /conv1d_\d+\s+\[null,12,5\]\s+35\n/);
  assert.match(s, /conv1d_\d+\s+\[null,6,2\]\s+20\n/);
  const x = normals([3, 12, 2], 5);
  await assertReloadsSame(model, x);
});

float64Gradcheck(
  "conv1d layer, causal, dilation 2, sigmoid: x, kernel, bias",
  [[2, 8, 3], [3, 3, 2], [2]],
  withKernelAndBias(
    c1({ filters: 2, padding: "causal", dilationRate: 2, activation: "sigmoid" }),
    [2, 8, 3],
  ),
);
float64Gradcheck(
  "conv1d layer, same, stride 2, relu: x, kernel, bias",
  [[2, 9, 2], [4, 2, 3], [3]],
  withKernelAndBias(
    c1({ filters: 3, kernelSize: 4, padding: "same", strides: 2, activation: "relu" }),
    [2, 9, 2],
  ),
);
