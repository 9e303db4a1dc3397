import assert from "node:assert/strict";
import "../../kernels/tensor_methods.ts";
import { setDevice } from "../../kernels/device.ts";
import { noGrad, tidy } from "../../kernels/engine.ts";
import { tensor } from "../../kernels/tensor.ts";
import * as layers from "../../layers/mod.ts";
import { Sequential } from "../../layers/sequential.ts";
import { mnistStarter } from "../../tasks/mnist_models.ts";

await setDevice("cpu");

Deno.test("mnist-starter has 416 + 6416 + 7850 = 14 682 parameters", () => {
  const m = mnistStarter(1);
  m.build();
  assert.deepEqual(m.layerSummaries().map((r) => r.params), [416, 0, 0, 6416, 0, 0, 0, 7850]);
  assert.equal(m.countParams(), 14682);
  assert.match(m.summary(), /Trainable params: 14,682/);
  m.dispose();
});

Deno.test("the RDFIA CIFAR-10 net has 1 191 170 parameters", () => {
  const m = new Sequential([
    layers.conv2d({
      filters: 32,
      kernelSize: 5,
      padding: "same",
      activation: "relu",
      inputShape: [32, 32, 3],
    }),
    layers.maxPool2d({ poolSize: 2 }),
    layers.conv2d({ filters: 64, kernelSize: 5, padding: "same", activation: "relu" }),
    layers.maxPool2d({ poolSize: 2 }),
    layers.conv2d({ filters: 64, kernelSize: 5, padding: "same", activation: "relu" }),
    layers.maxPool2d({ poolSize: 2 }),
    layers.flatten(),
    layers.dense({ units: 1000, activation: "relu" }),
    layers.dense({ units: 10 }),
  ]);
  assert.equal(m.countParams(), 1191170);
  assert.deepEqual(m.layerSummaries()[5].outputShape, [4, 4, 64]);
  m.dispose();
});

Deno.test("same seed gives the same initial weights, another seed different ones", () => {
  const w = (seed: number) => {
    const m = new Sequential([layers.dense({ units: 3, inputShape: [4] })], { seed });
    const v = Array.from(m.parameters()[0].dataSync());
    m.dispose();
    return v;
  };
  assert.deepEqual(w(5), w(5));
  assert.notDeepEqual(w(5), w(6));
});

Deno.test("glorot-uniform kernels stay within ±√(6/(in+out))", () => {
  const m = new Sequential([layers.dense({ units: 50, inputShape: [200] })], { seed: 2 });
  const v = m.parameters()[0].dataSync();
  const limit = Math.sqrt(6 / 250);
  assert.ok(v.every((x) => Math.abs(x) <= limit));
  assert.ok(Math.max(...v) > 0.9 * limit, "the range is used");
  m.dispose();
});

Deno.test("dropout: identity in eval; in training zeroes ≈rate and scales by 1/(1−rate)", () => {
  const m = new Sequential([layers.dropout(0.25)], { inputShape: [1000] });
  tidy(() => {
    const x = tensor(new Float32Array(1000).fill(1), [1, 1000]);
    assert.deepEqual(m.apply(x).dataSync(), x.dataSync());
    const y = m.apply(x, { training: true }).dataSync();
    const zeros = y.filter((v) => v === 0).length;
    assert.ok(zeros > 200 && zeros < 300, `${zeros} of 1000 dropped`);
    assert.ok(y.every((v) => v === 0 || Math.abs(v - 1 / 0.75) < 1e-6));
    const y2 = m.apply(x, { training: true }).dataSync();
    assert.notDeepEqual(y2, y, "each call draws a new mask");
  });
});

Deno.test("batchNorm: training output is normalised per channel; running stats move", () => {
  const m = new Sequential([layers.batchNorm({ momentum: 0.5 })], { inputShape: [2] });
  tidy(() => {
    const x = tensor([[1, 10], [3, 20], [5, 30]]);
    const y = noGrad(() => m.apply(x, { training: true })).dataSync();
    const col0 = [y[0], y[2], y[4]];
    assert.ok(Math.abs(col0.reduce((a, b) => a + b)) < 1e-5);
    assert.ok(Math.abs(col0[2] - Math.sqrt(1.5)) < 1e-2, `${col0}`);
    const [, , mean] = m.weights();
    assert.deepEqual(Array.from(mean.tensor.dataSync()), [1.5, 10]); // 0.5·0 + 0.5·batch mean
  });
});

Deno.test("a wrong input shape names both shapes", () => {
  const m = new Sequential([layers.dense({ units: 2, inputShape: [3] })]);
  assert.throws(
    () => m.apply(tensor([[1, 2]])),
    /input \[1,2\] does not match the model's input \[batch,3\]/,
  );
  m.dispose();
});

Deno.test("dense after conv without flatten acts on each pixel's channels, as Keras' Dense", () => {
  const m = new Sequential([
    layers.conv2d({ filters: 2, kernelSize: 3, inputShape: [5, 5, 1] }),
    layers.dense({ units: 4 }),
  ]);
  m.build();
  assert.deepEqual(m.layers[1].outputShape([3, 3, 2]), [3, 3, 4]);
  assert.match(m.summary(), /\[null,3,3,4\]\s+12/);
  m.dispose();
});
