import assert from "node:assert/strict";
import { setDevice } from "../../../kernels/device.ts";
import { backend } from "../../../kernels/engine.ts";
import type { BackendCounters } from "../../../kernels/backend.ts";
import { Rng } from "../../../kernels/random.ts";
import { tensor } from "../../../kernels/tensor.ts";
import { categoricalCrossentropy } from "../../../layers/losses.ts";
import * as layers from "../../../layers/mod.ts";
import { Sequential } from "../../../layers/sequential.ts";
import { evaluate } from "../../../train/evaluate.ts";
import { fit } from "../../../train/fit.ts";
import { adam } from "../../../train/optimizers.ts";
import { gpuTest } from "../../kernels/webgpu/gpu_available.ts";

/** fit's `metrics`: training and validation values in each epoch's record, no step readbacks. */

await setDevice("cpu");

function blobs(n: number, classes: number, seed: number) {
  const rng = new Rng(seed);
  const x = new Float32Array(2 * n), y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % classes;
    x[2 * i] = rng.normal() * 0.4 + Math.cos(y[i]) * 2;
    x[2 * i + 1] = rng.normal() * 0.4 + Math.sin(y[i]) * 2;
  }
  return { x: tensor(x, [n, 2]), y };
}

const net = () =>
  new Sequential([
    layers.dense({ units: 8, activation: "tanh", inputShape: [2] }),
    layers.dense({ units: 3 }),
  ], { seed: 1 });

Deno.test("fit: metrics land in each epoch's record, validation ones as valName", async () => {
  const m = net();
  const val = blobs(60, 3, 2);
  const h = await fit(m, blobs(150, 3, 1), {
    epochs: 3,
    batchSize: 16,
    optimizer: adam({ learningRate: 0.05 }),
    validationData: val,
    metrics: ["accuracy", "topK", "f1Macro"],
    verbose: false,
  });
  for (const r of h.epochs) {
    for (const k of ["topK", "f1Macro", "valTopK", "valF1Macro"]) {
      assert.equal(typeof r[k], "number", `${k} in ${JSON.stringify(r)}`);
    }
    // k = 5 ≥ 3 classes: every true class is in the top 5.
    assert.equal(r.topK, 1);
    assert.ok(r.f1Macro! >= 0 && r.f1Macro! <= 1);
    assert.ok(!("accuracy" in r), "accuracy stays acc/valAcc");
  }
  const last = h.epochs.at(-1)!;
  assert.ok(last.f1Macro! > 0.8 && last.valF1Macro! > 0.8, JSON.stringify(last));
  // The validation value is evaluate's on the final model.
  const ev = await evaluate(m, val, { metrics: ["f1Macro"] });
  assert.equal(last.valF1Macro, ev.metrics.f1Macro);
  m.dispose();
});

await gpuTest(
  "fit on WebGPU with metrics, clipping and a clipped-probability loss: no readback, " +
    "no upload, one submit per steady step",
  async () => {
    await setDevice("webgpu");
    try {
      const data = blobs(64, 3, 3);
      const m = new Sequential([
        layers.dense({ units: 8, activation: "tanh", inputShape: [2] }),
        layers.dense({ units: 3, activation: "softmax" }),
      ], { seed: 1 });
      const snaps: BackendCounters[] = [];
      await fit(m, data, {
        epochs: 2,
        batchSize: 16,
        stepsPerEpoch: 4,
        loss: categoricalCrossentropy({ labelSmoothing: 0.1 }),
        optimizer: adam({ learningRate: 0.01, globalClipNorm: 1 }),
        metrics: ["topK", "f1Macro"],
        verbose: false,
        onBatchEnd: () => snaps.push({ ...backend().counters }),
      });
      for (let s = 5; s < 8; s++) {
        const d = (k: keyof BackendCounters) => snaps[s][k] - snaps[s - 1][k];
        assert.equal(d("readbacks"), 0, `readback in step ${s + 1}`);
        assert.equal(d("bytesUploaded"), 0, `upload in step ${s + 1}`);
        assert.equal(d("submits"), 1, `submits in step ${s + 1}`);
      }
      m.dispose();
      data.x.dispose();
    } finally {
      await setDevice("cpu");
    }
  },
);
