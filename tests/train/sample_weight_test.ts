import assert from "node:assert/strict";
import { setDevice } from "../../kernels/device.ts";
import { softmaxCrossEntropy } from "../../kernels/ops/mod.ts";
import { tensor } from "../../kernels/tensor.ts";
import { categoricalCrossentropy } from "../../layers/losses.ts";
import * as layers from "../../layers/mod.ts";
import { Sequential } from "../../layers/sequential.ts";
import { evaluate, predict } from "../../train/evaluate.ts";
import { fit } from "../../train/fit.ts";
import { sgd } from "../../train/optimizers.ts";
import { twoBlobs } from "./blobs.ts";

/** Data with `sampleWeight` (Keras' sample_weight) in fit and evaluate. */

await setDevice("cpu");

const net = () =>
  new Sequential([
    layers.dense({ units: 8, activation: "tanh", inputShape: [2] }),
    layers.dense({ units: 2 }),
  ], { seed: 1 });

Deno.test("evaluate with sampleWeight: Σ wᵢℓᵢ / N over batches, for the default loss and mse", async () => {
  const d = twoBlobs(50, 1);
  const sampleWeight = Float32Array.from({ length: 50 }, (_, i) => (i % 5) / 2);
  const m = net();
  const ev = await evaluate(m, { ...d, sampleWeight }, { batchSize: 16 });
  const logits = await predict(m, d.x);
  const want = categoricalCrossentropy({ fromLogits: true })(logits, tensor(d.y), {
    sampleWeight: tensor(sampleWeight),
  }).dataSync()[0];
  assert.ok(Math.abs(ev.loss - want) < 1e-5, `${ev.loss} vs ${want}`);
  const unweighted = await evaluate(m, d, { batchSize: 16 });
  assert.ok(Math.abs(ev.loss - unweighted.loss) > 1e-3, "the weights change the loss");
  m.dispose();
});

Deno.test("fit with sampleWeight: zero weights move nothing; doubling them is doubling α", async () => {
  const d = twoBlobs(60, 2);
  const train = async (w: number, lr: number) => {
    const m = net();
    await fit(m, { ...d, sampleWeight: new Float32Array(60).fill(w) }, {
      epochs: 2,
      batchSize: 16,
      seed: 4,
      optimizer: sgd({ learningRate: lr }),
      verbose: false,
    });
    const out = m.parameters().map((p) => Array.from(p.dataSync()));
    m.dispose();
    return out;
  };
  const start = net();
  start.ensureBuilt([2]);
  const initial = start.parameters().map((p) => Array.from(p.dataSync()));
  start.dispose();
  assert.deepEqual(await train(0, 0.1), initial);
  // ×2 is exact in floating point, so w = 2 at α/2 gives the very same steps as w = 1 at α.
  const doubled = await train(2, 0.05), single = await train(1, 0.1);
  assert.deepEqual(doubled, single);
  assert.notDeepEqual(single, initial);
});

Deno.test("sampleWeight: a loss without weights and a wrong length are refused", async () => {
  const d = twoBlobs(10, 3);
  const m = net();
  await assert.rejects(
    () => evaluate(m, { ...d, sampleWeight: new Float32Array(10) }, { loss: softmaxCrossEntropy }),
    /the data has sampleWeight but the loss softmaxCrossEntropy takes no weights/,
  );
  await assert.rejects(
    () => evaluate(m, { ...d, sampleWeight: new Float32Array(3) }),
    /sampleWeight has 3 values for 10 samples/,
  );
  m.dispose();
});
