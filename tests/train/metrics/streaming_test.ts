import assert from "node:assert/strict";
import { setDevice } from "../../../kernels/device.ts";
import { tidy } from "../../../kernels/engine.ts";
import { tensor } from "../../../kernels/tensor.ts";
import type { Metric } from "../../../train/metric.ts";
import { metricsByName, validationKey } from "../../../train/metrics/by_name.ts";
import { f1Macro } from "../../../train/metrics/f1_macro.ts";
import { meanAbsoluteError } from "../../../train/metrics/mean_absolute_error.ts";
import {
  sparseTopKCategoricalAccuracy,
  topKCategoricalAccuracy,
} from "../../../train/metrics/top_k.ts";
import { confusionMatrix, precisionRecall } from "../../../train/metrics.ts";
import { gpuTest } from "../../kernels/webgpu/gpu_available.ts";

/** The streaming metrics against counts done by hand, in one batch and split over batches. */

await setDevice("cpu");

// True class ranks (classes scoring strictly higher): 1, 0 (a tie), 3, 3.
const SCORES = [
  [0.1, 0.5, 0.3, 0.2],
  [0.4, 0.4, 0.1, 0.1],
  [0.9, 0.05, 0.03, 0.02],
  [0.2, 0.3, 0.25, 0.25],
];
const LABELS = [2, 1, 3, 0];

/** The metric over `rows` fed in batches of `batch` rows. */
async function run(m: Metric, rows: number[][], labels: number[], batch = rows.length) {
  for (let s = 0; s < rows.length; s += batch) {
    const part = rows.slice(s, s + batch);
    tidy(() =>
      m.update(
        tensor(part.flat(), [part.length, part[0].length]),
        tensor(Int32Array.from(labels.slice(s, s + batch))),
      )
    );
  }
  const r = await m.result();
  m.reset();
  return r;
}

Deno.test("top-k accuracy: ties count in (TensorFlow's in_top_k), k default 5", async () => {
  const want: Record<number, number> = { 1: 0.25, 2: 0.5, 3: 0.5, 4: 1 };
  for (const [k, acc] of Object.entries(want)) {
    assert.equal(await run(topKCategoricalAccuracy({ k: Number(k) }), SCORES, LABELS), acc);
    assert.equal(
      await run(sparseTopKCategoricalAccuracy({ k: Number(k) }), SCORES, LABELS, 3),
      acc,
    );
  }
  assert.equal(await run(topKCategoricalAccuracy(), SCORES, LABELS), 1);
  // One-hot labels give the same.
  const m = topKCategoricalAccuracy({ k: 2 });
  const oneHot = LABELS.map((c) => [0, 1, 2, 3].map((k) => (k === c ? 1 : 0)));
  tidy(() => m.update(tensor(SCORES), tensor(oneHot)));
  assert.equal(await m.result(), 0.5);
  m.reset();
  assert.ok(Number.isNaN(await m.result()), "no batches: NaN");
});

Deno.test("top-k: bad k and float labels for the sparse one are refused", () => {
  assert.throws(() => topKCategoricalAccuracy({ k: 0 }), /k must be a positive integer/);
  const m = sparseTopKCategoricalAccuracy();
  assert.throws(() => m.update(tensor(SCORES), tensor(SCORES)), /int32 class ids/);
});

Deno.test("f1Macro: equals the mean of per-class F1 over all classes, batches summed", async () => {
  // labels 0 0 1 1 2 2 / predictions 0 1 1 1 0 2; class 3 never seen nor predicted.
  const labels = [0, 0, 1, 1, 2, 2], preds = [0, 1, 1, 1, 0, 2];
  const rows = preds.map((p) => [0, 1, 2, 3].map((k) => (k === p ? 0.7 : 0.1)));
  const hand = (0.5 + 0.8 + 2 / 3 + 0) / 4;
  const { f1 } = precisionRecall(confusionMatrix(preds, labels, 4));
  const fromConfusion = f1.reduce((a, b) => a + b) / 4;
  for (const batch of [6, 4, 1]) {
    const got = await run(f1Macro(), rows, labels, batch);
    assert.ok(Math.abs(got - hand) < 1e-12 && Math.abs(got - fromConfusion) < 1e-12, `${got}`);
  }
});

Deno.test("meanAbsoluteError: Σ|output − target| over every value", async () => {
  const m = meanAbsoluteError();
  tidy(() => m.update(tensor([[1, 2], [3, 4]]), tensor([[0, 2], [5, 4]])));
  tidy(() => m.update(tensor([[0, 0]]), tensor([[1, -1]])));
  assert.equal(await m.result(), (1 + 0 + 2 + 0 + 1 + 1) / 6);
  assert.throws(
    () => m.update(tensor([[1, 2]]), tensor([1, 2])),
    /output \[1,2\] and target \[2\]/,
  );
  m.reset();
});

Deno.test("metricsByName: names, log keys, clear errors", () => {
  assert.deepEqual(
    metricsByName(["accuracy", "topK", "f1Macro", "mae"]).map((m) => m.name),
    ["topK", "f1Macro", "mae"],
  );
  assert.equal(validationKey("f1Macro"), "valF1Macro");
  assert.throws(() => metricsByName(["top5" as never]), /unknown metric "top5"; use one of/);
  assert.throws(() => metricsByName(["mae", meanAbsoluteError({ name: "mae" })]), /given twice/);
});

await gpuTest("streaming metrics on WebGPU equal the CPU's", async () => {
  const all = async () => [
    await run(topKCategoricalAccuracy({ k: 2 }), SCORES, LABELS, 3),
    await run(f1Macro(), SCORES, LABELS, 3),
  ];
  await setDevice("cpu");
  const cpu = await all();
  await setDevice("webgpu");
  try {
    assert.deepEqual(await all(), cpu);
  } finally {
    await setDevice("cpu");
  }
});
