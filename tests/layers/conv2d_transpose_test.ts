/**
 * layers.conv2dTranspose: output shapes (Keras' rule), kernel layout [kh, kw, filters, in],
 * values equal to the op, option errors, config and model files, summary parameter counts, and
 * the layer's float64 gradient (input, kernel, bias).
 */
import assert from "node:assert/strict";
import "../../io/model_methods.ts";
import { conv2dTranspose } from "../../kernels/ops/mod.ts";
import type { Conv2DTranspose, Conv2DTransposeOptions } from "../../layers/conv2d_transpose.ts";
import * as layers from "../../layers/mod.ts";
import { layerFromConfig, layerToConfig } from "../../layers/serialization.ts";
import { Sequential } from "../../layers/sequential.ts";
import { input } from "../../layers/symbolic.ts";
import { float64Gradcheck } from "../kernels/float64_gradcheck.ts";
import { assertReloadsSame, normals, runLayer, withKernelAndBias } from "./layer_test_utils.ts";

const ct = (o: Partial<Conv2DTransposeOptions>) =>
  layers.conv2dTranspose({ filters: 4, kernelSize: 3, ...o });

Deno.test("conv2dTranspose layer: output shapes (Keras' deconv_output_length)", () => {
  assert.deepEqual(ct({}).outputShape([5, 6, 2]), [7, 8, 4]);
  assert.deepEqual(ct({ padding: "same" }).outputShape([5, 6, 2]), [5, 6, 4]);
  assert.deepEqual(ct({ strides: 2, padding: "same" }).outputShape([5, 6, 2]), [10, 12, 4]);
  assert.deepEqual(ct({ strides: 2 }).outputShape([5, 6, 2]), [11, 13, 4]);
  assert.deepEqual(ct({ kernelSize: 2, strides: 3 }).outputShape([5, 6, 2]), [15, 18, 4]);
  assert.deepEqual(ct({ strides: [1, 2], kernelSize: [1, 4] }).outputShape([5, 6, 2]), [5, 14, 4]);
  assert.deepEqual(ct({ dilationRate: 2 }).outputShape([5, 6, 2]), [9, 10, 4]);
  const sym = ct({ strides: 2, padding: "same" }).apply(input({ shape: [4, 4, 3] }));
  assert.deepEqual(sym.shape, [8, 8, 4]);
  // outputPadding (Keras): "valid" (in − 1)·s + k + op; "same" (in − 1)·s + k mod 2 + op.
  assert.deepEqual(ct({ strides: 2, outputPadding: 1 }).outputShape([5, 6, 2]), [12, 14, 4]);
  assert.deepEqual(
    ct({ strides: [2, 3], padding: "same", outputPadding: [0, 2] }).outputShape([5, 6, 2]),
    [9, 18, 4],
  );
  const padded = ct({ strides: 2, padding: "same", outputPadding: 0 });
  assert.deepEqual(padded.apply(input({ shape: [4, 4, 3] })).shape, [7, 7, 4]);
  const x = normals([1, 4, 4, 3], 1);
  assert.deepEqual(runLayer(padded, x).shape, [1, 7, 7, 4]);
  const [k, b] = padded.weights().map((w) => w.tensor);
  const want = conv2dTranspose(x, k, { strides: 2, padding: "same", outputPadding: 0, bias: b });
  assert.deepEqual(Array.from(runLayer(padded, x).dataSync()), Array.from(want.dataSync()));
  assert.throws(() => ct({}).outputShape([5, 6]), /conv2d_transpose\w*: expects \[height/);
});

Deno.test("conv2dTranspose layer: options are checked when made", () => {
  assert.throws(() => ct({ filters: 0 }), /conv2dTranspose: filters 0 is not valid/);
  assert.throws(() => ct({ kernelSize: 0 }), /conv2dTranspose: kernelSize 0 is not valid/);
  assert.throws(() => ct({ strides: [2, 0] }), /conv2dTranspose: strides \[2,0\] is not valid/);
  assert.throws(
    () => ct({ padding: "causal" as "same" }),
    /conv2dTranspose: padding must be "valid" or "same", got causal/,
  );
  assert.throws(
    () => ct({ strides: [2, 3], outputPadding: [1, 3] }),
    /conv2dTranspose: outputPadding \[1,3\] is not valid; .* below the strides \[2,3\]/,
  );
  assert.throws(() => ct({ outputPadding: 1 }), /below the strides \[1,1\]/);
  assert.throws(
    () => ct({ strides: 2, dilationRate: 2 }),
    /conv2dTranspose: strides \[2,2\] and dilationRate \[2,2\] are both > 1/,
  );
});

Deno.test("conv2dTranspose layer: kernel [kh, kw, filters, in]; the op with it and the bias", () => {
  const x = normals([2, 4, 3, 5], 3);
  const l = ct({ kernelSize: [3, 2], strides: 2, padding: "same", activation: "relu" });
  const y = runLayer(l, x);
  const [k, b] = l.weights().map((w) => w.tensor);
  assert.deepEqual(k.shape, [3, 2, 4, 5]);
  assert.deepEqual(b.shape, [4]);
  const want = conv2dTranspose(x, k, { strides: 2, padding: "same", bias: b }).relu();
  assert.deepEqual(y.shape, [2, 8, 6, 4]);
  assert.deepEqual(Array.from(y.dataSync()), Array.from(want.dataSync()));
});

Deno.test("conv2dTranspose layer: config, model file and summary", async () => {
  const l = ct({ strides: [2, 1], padding: "same", useBias: false });
  const c = layerToConfig(l);
  assert.deepEqual(c, {
    className: "Conv2DTranspose",
    config: { filters: 4, kernelSize: 3, strides: [2, 1], padding: "same", useBias: false },
  });
  assert.deepEqual((layerFromConfig(c) as Conv2DTranspose).strides, [2, 1]);
  const model = new Sequential([
    layers.conv2dTranspose({
      filters: 3,
      kernelSize: 3,
      strides: 2,
      padding: "same",
      inputShape: [4, 4, 2],
    }),
    layers.conv2dTranspose({ filters: 1, kernelSize: 2, useBias: false }),
  ], { seed: 1 });
  // 3·3·3·2 + 3 = 57 and 2·2·1·3 = 12 parameters; 4 → 8 ("same", stride 2) → 9 (valid, k 2).
  const s = model.summary();
  assert.match(s, /conv2d_transpose_\d+\s+\[null,8,8,3\]\s+57\n/);
  assert.match(s, /conv2d_transpose_\d+\s+\[null,9,9,1\]\s+12\n/);
  const x = normals([2, 4, 4, 2], 5);
  await assertReloadsSame(model, x);
});

float64Gradcheck(
  "conv2dTranspose layer, stride 2 same, tanh: x, kernel, bias",
  [[2, 3, 3, 2], [3, 3, 3, 2], [3]],
  withKernelAndBias(ct({ filters: 3, strides: 2, padding: "same", activation: "tanh" }), [
    2,
    3,
    3,
    2,
  ]),
);
float64Gradcheck(
  "conv2dTranspose layer, valid, kernel below stride: x, kernel, bias",
  [[1, 3, 2, 3], [2, 1, 2, 3], [2]],
  withKernelAndBias(ct({ filters: 2, kernelSize: [2, 1], strides: 3 }), [1, 3, 2, 3]),
);
