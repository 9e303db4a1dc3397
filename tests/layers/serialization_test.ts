import assert from "node:assert/strict";
import type { Tensor } from "../../kernels/tensor.ts";
import * as layers from "../../layers/mod.ts";
import { type CallContext, Layer } from "../../layers/module.ts";
import { layerFromConfig, layerToConfig, registeredLayers } from "../../layers/serialization.ts";

Deno.test("layer configs: every layer kind round-trips through { className, config }", () => {
  const all = [
    layers.dense({ units: 4, activation: "tanh", useBias: false, inputShape: [3] }),
    layers.conv2d({ filters: 2, kernelSize: [3, 1], strides: 2, padding: [1, 1, 0, 0] }),
    layers.conv1d({ filters: 3, kernelSize: 2, padding: "causal", dilationRate: 2 }),
    layers.conv2dTranspose({
      filters: 2,
      kernelSize: [3, 2],
      strides: 2,
      padding: "same",
      outputPadding: [1, 0],
    }),
    layers.maxPool2d({ poolSize: 3, strides: 1, padding: "same" }),
    layers.flatten({ inputShape: [2, 2] }),
    layers.dropout(0.3),
    layers.batchNorm({ momentum: 0.9, epsilon: 1e-5 }),
    layers.activation("sigmoid"),
    layers.add(),
    layers.multiply(),
    layers.average(),
    layers.concatenate({ axis: 2 }),
    layers.simpleRNN({ units: 2, activation: "relu", goBackwards: true }),
    layers.lstm({
      units: 3,
      returnSequences: true,
      unitForgetBias: false,
      zeroOutputForMask: true,
    }),
    layers.gru({ units: 2, recurrentInitializer: "glorotUniform" }),
    layers.bidirectional({ layer: layers.lstm({ units: 2 }), mergeMode: "sum" }),
    layers.averagePooling2d({ poolSize: [3, 2], padding: "same" }),
    layers.maxPooling1d({ poolSize: 3, strides: 1 }),
    layers.averagePooling1d({ padding: "same" }),
    layers.globalAveragePooling2d({ keepDims: true }),
    layers.globalMaxPooling2d(),
    layers.globalAveragePooling1d(),
    layers.globalMaxPooling1d(),
    layers.layerNormalization({ axis: [1, 2], epsilon: 1e-5, center: false }),
    layers.groupNormalization({ groups: 4, scale: false }),
    layers.embedding({ inputDim: 10, outputDim: 3, maskZero: true, inputShape: [7] }),
    layers.masking({ maskValue: -1, inputShape: [4, 2] }),
    layers.reshape({ targetShape: [2, -1] }),
    layers.permute({ dims: [2, 1] }),
    layers.repeatVector({ n: 3 }),
    layers.zeroPadding2d({ padding: [[1, 0], [2, 2]] }),
    layers.cropping2d({ cropping: 1 }),
    layers.upSampling2d({ size: [2, 3] }),
    layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: "same" }),
    layers.separableConv2d({ filters: 4, kernelSize: [3, 2], strides: 2, useBias: false }),
    layers.multiHeadAttention({
      numHeads: 2,
      keyDim: 3,
      valueDim: 4,
      dropout: 0.1,
      useBias: false,
    }),
  ];
  assert.deepEqual(registeredLayers(), [
    "Dense",
    "Conv2D",
    "MaxPool2D",
    "Flatten",
    "Dropout",
    "BatchNorm",
    "Activation",
    "Add",
    "Multiply",
    "Average",
    "Concatenate",
    "SimpleRNN",
    "LSTM",
    "GRU",
    "Bidirectional",
    "AveragePooling2D",
    "MaxPooling1D",
    "AveragePooling1D",
    "GlobalAveragePooling2D",
    "GlobalMaxPooling2D",
    "GlobalAveragePooling1D",
    "GlobalMaxPooling1D",
    "LayerNormalization",
    "GroupNormalization",
    "Embedding",
    "Masking",
    "Reshape",
    "Permute",
    "RepeatVector",
    "ZeroPadding2D",
    "Cropping2D",
    "UpSampling2D",
    "MultiHeadAttention",
    "Conv1D",
    "DepthwiseConv2D",
    "SeparableConv2D",
    "Conv2DTranspose",
  ]);
  for (const l of all) {
    const c = layerToConfig(l);
    const back = layerFromConfig(JSON.parse(JSON.stringify(c)));
    assert.equal(back.constructor, l.constructor);
    assert.deepEqual(layerToConfig(back), c);
  }
  assert.deepEqual(layerToConfig(all[2]), {
    className: "Conv1D",
    config: { filters: 3, kernelSize: 2, padding: "causal", dilationRate: 2 },
  });
  assert.deepEqual(layerToConfig(all[1]), {
    className: "Conv2D",
    config: { filters: 2, kernelSize: [3, 1], strides: 2, padding: [1, 1, 0, 0] },
  });
});

Deno.test("layer configs: unregistered classes and bad configs are named", () => {
  class Twice extends Layer {
    constructor() {
      super("twice");
    }
    outputShape(s: number[]): number[] {
      return s;
    }
    call(x: Tensor, _ctx: CallContext): Tensor {
      return x;
    }
  }
  assert.throws(() => layerToConfig(new Twice()), /Twice cannot be saved: it is not registered/);
  assert.throws(
    () => layerFromConfig({ className: "Twice", config: {} }),
    /unknown layer className/,
  );
  assert.throws(
    () =>
      layerFromConfig({ className: "Dense", config: null as unknown as Record<string, unknown> }),
    /Dense: config must be an object/,
  );
  assert.throws(
    () => layerFromConfig({ className: "Dense", config: { units: -1 } }),
    /dense: units -1 is not valid; it must be a whole number ≥ 1/,
  );
});
