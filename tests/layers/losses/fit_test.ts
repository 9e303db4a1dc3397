import assert from "node:assert/strict";
import { setDevice } from "../../../kernels/device.ts";
import { tidy } from "../../../kernels/engine.ts";
import { tensor } from "../../../kernels/tensor.ts";
import * as losses from "../../../layers/losses_mod.ts";
import * as layers from "../../../layers/mod.ts";
import { Sequential } from "../../../layers/sequential.ts";
import { evaluate, predict } from "../../../train/evaluate.ts";
import { fit } from "../../../train/fit.ts";
import { adam } from "../../../train/optimizers.ts";
import { twoBlobs } from "../../train/blobs.ts";

/** The Keras losses in fit and evaluate, by name and as configured functions. */

await setDevice("cpu");

const net = (units: number, activation?: "softmax" | "sigmoid") =>
  new Sequential([
    layers.dense({ units: 8, activation: "tanh", inputShape: [2] }),
    layers.dense({ units, activation }),
  ], { seed: 1 });

Deno.test("fit with a configured loss (logits, label smoothing); evaluate reports that loss", async () => {
  const data = twoBlobs(200, 1);
  const m = net(2);
  const loss = losses.categoricalCrossentropy({ fromLogits: true, labelSmoothing: 0.1 });
  const h = await fit(m, data, {
    epochs: 4,
    batchSize: 20,
    loss,
    optimizer: adam({ learningRate: 0.05 }),
    verbose: () => {},
  });
  assert.ok(h.epochs.at(-1)!.acc > 0.95, JSON.stringify(h.epochs.at(-1)));
  const ev = await evaluate(m, data, { loss });
  const logits = await predict(m, data.x);
  const direct = tidy(() => loss(logits, tensor(data.y)).dataSync()[0]);
  assert.ok(Math.abs(ev.loss - direct) < 1e-5, `${ev.loss} vs ${direct}`);
  // Smoothing puts a floor under the loss: it cannot reach 0 even when every sample is right.
  assert.ok(ev.loss > 0.1, `${ev.loss}`);
  m.dispose();
});

Deno.test("evaluate by name: sparseCategoricalCrossentropy and binaryCrossentropy", async () => {
  const data = twoBlobs(64, 2);
  const soft = net(2, "softmax");
  const probs = await predict(soft, data.x);
  const want = tidy(() =>
    losses.sparseCategoricalCrossentropy()(probs, tensor(data.y)).dataSync()[0]
  );
  const ev = await evaluate(soft, data, { loss: "sparseCategoricalCrossentropy" });
  assert.ok(Math.abs(ev.loss - want) < 1e-5, `${ev.loss} vs ${want}`);
  soft.dispose();

  const sig = net(1, "sigmoid");
  const y = tensor(Float32Array.from(data.y), [64, 1]);
  const p = await predict(sig, data.x);
  const wantB = tidy(() => losses.binaryCrossentropy()(p, y).dataSync()[0]);
  const evB = await evaluate(sig, { x: data.x, y }, { loss: "binaryCrossentropy" });
  assert.ok(Math.abs(evB.loss - wantB) < 1e-5, `${evB.loss} vs ${wantB}`);
  sig.dispose();
});

Deno.test("an unknown loss name lists the known ones", () => {
  assert.throws(
    () => losses.lossByName("crossEntropy" as never),
    /unknown loss "crossEntropy"; use one of .*binaryCrossentropy.*kld/,
  );
});
