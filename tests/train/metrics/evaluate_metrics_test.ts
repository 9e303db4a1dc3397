import assert from "node:assert/strict";
import { setDevice } from "../../../kernels/device.ts";
import { Rng } from "../../../kernels/random.ts";
import { tensor } from "../../../kernels/tensor.ts";
import * as layers from "../../../layers/mod.ts";
import { Sequential } from "../../../layers/sequential.ts";
import { evaluate, predict } from "../../../train/evaluate.ts";
import { topKCategoricalAccuracy } from "../../../train/metrics/top_k.ts";
import { precisionRecall } from "../../../train/metrics.ts";

/** evaluate's `metrics`: each value equals the same metric computed from what evaluate returns. */

await setDevice("cpu");

function data(n: number, classes: number, seed: number) {
  const rng = new Rng(seed);
  const x = new Float32Array(3 * n), y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % classes;
    for (let j = 0; j < 3; j++) x[3 * i + j] = rng.normal() + (j === y[i] % 3 ? 1 : 0);
  }
  return { x: tensor(x, [n, 3]), y };
}

Deno.test("evaluate: topK, f1Macro and accuracy by name, in batches", async () => {
  const d = data(70, 6, 1);
  const m = new Sequential([layers.dense({ units: 6, inputShape: [3] })], { seed: 2 });
  const ev = await evaluate(m, d, {
    batchSize: 16,
    metrics: ["accuracy", "topK", "f1Macro", topKCategoricalAccuracy({ k: 2, name: "top2" })],
  });
  assert.deepEqual(Object.keys(ev.metrics).sort(), ["accuracy", "f1Macro", "top2", "topK"]);
  assert.equal(ev.metrics.accuracy, ev.accuracy);
  const { f1 } = precisionRecall(ev.confusion!);
  assert.ok(Math.abs(ev.metrics.f1Macro - f1.reduce((a, b) => a + b) / 6) < 1e-12);
  // Top-k from the predicted scores by hand (no ties in random scores).
  const scores = (await predict(m, d.x)).dataSync();
  const topK = (k: number) => {
    let hits = 0;
    for (let i = 0; i < 70; i++) {
      const row = scores.slice(6 * i, 6 * i + 6);
      hits += row.filter((s) => s > row[d.y[i]]).length < k ? 1 : 0;
    }
    return hits / 70;
  };
  assert.equal(ev.metrics.topK, topK(5));
  assert.equal(ev.metrics.top2, topK(2));
  assert.ok(ev.metrics.top2 >= ev.accuracy && ev.metrics.topK >= ev.metrics.top2);
  m.dispose();
});

Deno.test("evaluate: mae for a regression model; no metrics asked, an empty record", async () => {
  const x = tensor([1, 2, 3, 4, 5, 6], [3, 2]);
  // evaluate frees a target tensor it is given, so each call gets its own.
  const y = () => tensor([0.5, -1, 2], [3, 1]);
  const m = new Sequential([layers.dense({ units: 1, inputShape: [2] })], { seed: 3 });
  const ev = await evaluate(m, { x, y: y() }, { loss: "mse", metrics: ["mae"], batchSize: 2 });
  const p = (await predict(m, x)).dataSync();
  const want = (Math.abs(p[0] - 0.5) + Math.abs(p[1] + 1) + Math.abs(p[2] - 2)) / 3;
  assert.ok(Math.abs(ev.metrics.mae - want) < 1e-6, `${ev.metrics.mae} vs ${want}`);
  assert.deepEqual((await evaluate(m, { x, y: y() }, { loss: "mse" })).metrics, {});
  m.dispose();
});
