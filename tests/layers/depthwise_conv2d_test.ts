/**
 * layers.depthwiseConv2d and layers.separableConv2d: output shapes (Keras' rules), values equal
 * to the ops with the layer's weights, Keras' weight names and shapes, option errors, config and
 * model files, summary parameter counts, and each layer's float64 gradient as a whole (input and
 * every weight). PyTorch's numbers: tests/io/torch_layout_test.ts (Conv2d(groups=C)) and
 * tests/kernels/ops/torch_ops_test.ts (the op and its gradients).
 */
import assert from "node:assert/strict";
import "../../io/model_methods.ts";
import { add, conv2d, depthwiseConv2d, relu } from "../../kernels/ops/mod.ts";
import { Rng } from "../../kernels/random.ts";
import type { Tensor } from "../../kernels/tensor.ts";
import type { DepthwiseConv2D, DepthwiseConv2DOptions } from "../../layers/depthwise_conv2d.ts";
import * as layers from "../../layers/mod.ts";
import type { SeparableConv2D, SeparableConv2DOptions } from "../../layers/separable_conv2d.ts";
import { layerFromConfig, layerToConfig } from "../../layers/serialization.ts";
import { Sequential } from "../../layers/sequential.ts";
import { input } from "../../layers/symbolic.ts";
import { float64Gradcheck } from "../kernels/float64_gradcheck.ts";
import { assertReloadsSame, normals, runLayer } from "./layer_test_utils.ts";

const dw = (o: Partial<DepthwiseConv2DOptions>) => layers.depthwiseConv2d({ kernelSize: 3, ...o });
const sep = (o: Partial<SeparableConv2DOptions>) =>
  layers.separableConv2d({ filters: 4, kernelSize: 3, ...o });

Deno.test("depthwiseConv2d / separableConv2d layers: output shapes (Keras)", () => {
  assert.deepEqual(dw({}).outputShape([8, 7, 3]), [6, 5, 3]);
  assert.deepEqual(dw({ depthMultiplier: 2, padding: "same" }).outputShape([8, 7, 3]), [8, 7, 6]);
  assert.deepEqual(dw({ strides: 2, padding: "same" }).outputShape([8, 7, 3]), [4, 4, 3]);
  assert.deepEqual(dw({ dilationRate: 2 }).outputShape([8, 7, 3]), [4, 3, 3]); // extent 5
  assert.deepEqual(sep({ depthMultiplier: 3 }).outputShape([8, 7, 2]), [6, 5, 4]);
  assert.deepEqual(sep({ padding: "same" }).apply(input({ shape: [5, 6, 2] })).shape, [5, 6, 4]);
  assert.deepEqual(dw({ depthMultiplier: 2 }).apply(input({ shape: [5, 6, 2] })).shape, [3, 4, 4]);
  assert.throws(() => dw({}).outputShape([8, 3]), /depthwise_conv2d\w*: expects \[height/);
  assert.throws(() => sep({ kernelSize: 5 }).outputShape([4, 4, 1]), /a 5x5 window does not fit/);
});

Deno.test("depthwiseConv2d / separableConv2d layers: options are checked when made", () => {
  assert.throws(() => dw({ kernelSize: 0 }), /depthwiseConv2d: kernelSize 0 is not valid/);
  assert.throws(
    () => dw({ depthMultiplier: 1.5 }),
    /depthwiseConv2d: depthMultiplier 1.5 is not valid; it must be a whole number ≥ 1/,
  );
  assert.throws(() => dw({ strides: [1, 0] }), /depthwiseConv2d: strides \[1,0\] is not valid/);
  assert.throws(() => dw({ padding: "Same" as "same" }), /depthwiseConv2d: padding "Same"/);
  assert.throws(
    () => dw({ strides: 2, dilationRate: 2 }),
    /depthwiseConv2d: strides \[2,2\] and dilationRate \[2,2\] are both > 1/,
  );
  assert.throws(() => dw({ activation: "rellu" as "relu" }), /unknown activation "rellu"/);
  assert.throws(() => sep({ filters: 0 }), /separableConv2d: filters 0 is not valid/);
  assert.throws(
    () => layers.separableConv2d({ kernelSize: 3 } as SeparableConv2DOptions),
    /separableConv2d: filters undefined is not valid/,
  );
  assert.throws(() => sep({ depthMultiplier: 0 }), /separableConv2d: depthMultiplier 0/);
});

Deno.test("depthwiseConv2d layer: the op with its kernel [kh, kw, C, M] and bias [C·M]", () => {
  const x = normals([2, 6, 5, 3], 3);
  for (const activation of ["relu", "tanh", undefined] as const) {
    const l = dw({ depthMultiplier: 2, padding: "same", dilationRate: [1, 2], activation });
    const y = runLayer(l, x);
    const ws = l.weights();
    assert.deepEqual(ws.map((w) => w.name.replace(/_\d+/, "")), [
      "depthwise_conv2d/depthwise_kernel",
      "depthwise_conv2d/bias",
    ]);
    const [k, b] = ws.map((w) => w.tensor);
    assert.deepEqual(k.shape, [3, 3, 3, 2]);
    assert.deepEqual(b.shape, [6]);
    const plain = add(depthwiseConv2d(x, k, { padding: "same", dilations: [1, 2] }), b);
    const want = activation === "relu" ? relu(plain) : activation ? plain.tanh() : plain;
    assert.deepEqual(Array.from(y.dataSync()), Array.from(want.dataSync()));
  }
  assert.deepEqual(runLayer(dw({ useBias: false }), x).shape, [2, 4, 3, 3]);
  assert.equal(dw({ useBias: false }).apply(input({ shape: [5, 5, 2] })).shape.length, 3);
});

Deno.test("separableConv2d layer: depthwise then a 1x1 conv2d with bias; Keras' weights", () => {
  const x = normals([2, 6, 5, 3], 4);
  for (const activation of ["relu", "sigmoid"] as const) {
    const l = sep({ depthMultiplier: 2, strides: 2, padding: "same", activation });
    const y = runLayer(l, x);
    const ws = l.weights();
    assert.deepEqual(ws.map((w) => w.name.replace(/_\d+/, "")), [
      "separable_conv2d/depthwise_kernel",
      "separable_conv2d/pointwise_kernel",
      "separable_conv2d/bias",
    ]);
    const [d, p, b] = ws.map((w) => w.tensor);
    assert.deepEqual([d.shape, p.shape, b.shape], [[3, 3, 3, 2], [1, 1, 6, 4], [4]]);
    const mid = depthwiseConv2d(x, d, { strides: 2, padding: "same" });
    const plain = conv2d(mid, p, { bias: b });
    const want = activation === "relu" ? relu(plain) : plain.sigmoid();
    const got = y.dataSync(), exp = want.dataSync();
    for (let i = 0; i < got.length; i++) assert.ok(Math.abs(got[i] - exp[i]) < 1e-6);
  }
  const noBias = sep({ useBias: false });
  runLayer(noBias, x);
  assert.equal(noBias.weights().length, 2);
});

Deno.test("depthwiseConv2d / separableConv2d layers: config, model file and summary", async () => {
  const d = dw({ depthMultiplier: 2, dilationRate: 2, padding: "same", useBias: false });
  const c = layerToConfig(d);
  assert.deepEqual(c, {
    className: "DepthwiseConv2D",
    config: { kernelSize: 3, depthMultiplier: 2, dilationRate: 2, padding: "same", useBias: false },
  });
  assert.deepEqual((layerFromConfig(c) as DepthwiseConv2D).opts, d.opts);
  const s = sep({ strides: 2, activation: "relu", depthMultiplier: 3 });
  const sc = layerToConfig(s);
  assert.equal(sc.className, "SeparableConv2D");
  assert.deepEqual((layerFromConfig(sc) as SeparableConv2D).opts, s.opts);
  const model = new Sequential([
    layers.depthwiseConv2d({
      kernelSize: 3,
      depthMultiplier: 2,
      padding: "same",
      inputShape: [8, 8, 3],
    }),
    layers.separableConv2d({ filters: 5, kernelSize: 3, activation: "relu" }),
    layers.separableConv2d({ filters: 2, kernelSize: 2, useBias: false, depthMultiplier: 2 }),
    layers.flatten(),
  ], { seed: 1 });
  // depthwise 3·3·3·2 + 6 = 60; separable 3·3·6·1 + 6·5 + 5 = 89; 2·2·5·2 + 10·2 = 60.
  const summary = model.summary();
  assert.match(summary, /depthwise_conv2d_\d+\s+\[null,8,8,6\]\s+60\n/);
  assert.match(summary, /separable_conv2d_\d+\s+\[null,6,6,5\]\s+89\n/);
  assert.match(summary, /separable_conv2d_\d+\s+\[null,5,5,2\]\s+60\n/);
  const x = normals([2, 8, 8, 3], 5);
  await assertReloadsSame(model, x);
});

/** The layer's call with its weights replaced by the arguments (float64 gradient of all). */
function withWeights(layer: Layer2, shape: number[], fields: string[]) {
  layer.build(shape.slice(1), new Rng(0));
  return (x: Tensor, ...ws: Tensor[]): Tensor => {
    fields.forEach((f, i) => ((layer as unknown as Record<string, Tensor>)[f] = ws[i]));
    return layer.call(x, { training: true });
  };
}
type Layer2 = DepthwiseConv2D | SeparableConv2D;

float64Gradcheck(
  "depthwiseConv2d layer, multiplier 2, same, stride 2, tanh: x, kernel, bias",
  [[1, 6, 5, 3], [3, 3, 3, 2], [6]],
  withWeights(
    dw({ depthMultiplier: 2, strides: 2, padding: "same", activation: "tanh" }),
    [1, 6, 5, 3],
    ["kernel", "bias"],
  ),
);
float64Gradcheck(
  "separableConv2d layer, dilation 2, relu: x, depthwise, pointwise, bias",
  [[2, 7, 6, 2], [3, 3, 2, 2], [1, 1, 4, 3], [3]],
  withWeights(
    sep({ filters: 3, depthMultiplier: 2, dilationRate: 2, activation: "relu" }),
    [2, 7, 6, 2],
    ["depthwiseKernel", "pointwiseKernel", "bias"],
  ),
);
