/**
 * fit's metrics reach the callbacks: each epoch's logs hold topK, f1Macro and mae (and their
 * validation keys), and the monitoring callbacks read their direction in "auto" mode.
 */
import assert from "node:assert/strict";
import { setDevice } from "../../../kernels/device.ts";
import { Rng } from "../../../kernels/random.ts";
import { tensor } from "../../../kernels/tensor.ts";
import * as layers from "../../../layers/mod.ts";
import { Sequential } from "../../../layers/sequential.ts";
import * as callbacks from "../../../train/callbacks/mod.ts";
import { evaluate } from "../../../train/evaluate.ts";
import { fit } from "../../../train/fit.ts";
import type { EpochRecord } from "../../../train/history.ts";
import { adam, sgd } from "../../../train/optimizers.ts";

await setDevice("cpu");

function blobs(n: number, seed: number) {
  const rng = new Rng(seed);
  const x = new Float32Array(2 * n), y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 3;
    x[2 * i] = rng.normal() * 0.4 + Math.cos(y[i]) * 2;
    x[2 * i + 1] = rng.normal() * 0.4 + Math.sin(y[i]) * 2;
  }
  return { x: tensor(x, [n, 2]), y };
}

/** A callback that keeps a copy of every epoch's logs as it saw them. */
function recorder(seen: EpochRecord[]): callbacks.Callback {
  return callbacks.lambda({ onEpochEnd: (_e, logs) => void seen.push({ ...logs }) });
}

Deno.test("callbacks' epoch logs hold topK, f1Macro and their validation values", async () => {
  const m = new Sequential([
    layers.dense({ units: 8, activation: "tanh", inputShape: [2] }),
    layers.dense({ units: 3 }),
  ], { seed: 1 });
  const val = blobs(45, 2);
  const seen: EpochRecord[] = [];
  const h = await fit(m, blobs(90, 1), {
    epochs: 2,
    batchSize: 16,
    optimizer: adam({ learningRate: 0.05 }),
    validationData: val,
    metrics: ["topK", "f1Macro"],
    callbacks: [recorder(seen)],
    verbose: false,
  });
  assert.equal(seen.length, 2);
  for (const [i, logs] of seen.entries()) {
    for (const k of ["topK", "f1Macro", "valTopK", "valF1Macro"]) {
      assert.equal(typeof logs[k], "number", `${k} in ${JSON.stringify(logs)}`);
      assert.equal(logs[k], h.epochs[i][k], `${k}: the callback saw the history's value`);
    }
  }
  const ev = await evaluate(m, val, { metrics: ["topK", "f1Macro"] });
  assert.equal(seen[1].valF1Macro, ev.metrics.f1Macro);
  assert.equal(seen[1].valTopK, ev.metrics.topK);
  m.dispose();
});

Deno.test("callbacks' epoch logs hold mae and valMae for a regression model", async () => {
  const rng = new Rng(4);
  const xs = Float32Array.from({ length: 40 }, () => rng.normal());
  const target = (x: Float32Array) =>
    Float32Array.from({ length: x.length / 2 }, (_, i) => x[2 * i] - 0.5 * x[2 * i + 1]);
  // fit and evaluate free the target tensors they are given: each call gets its own.
  const x = tensor(xs, [20, 2]);
  const vx = tensor(xs.slice(0, 16), [8, 2]);
  const vy = () => tensor(target(xs.slice(0, 16)), [8, 1]);
  const m = new Sequential([layers.dense({ units: 1, inputShape: [2] })], { seed: 2 });
  const seen: EpochRecord[] = [];
  await fit(m, { x, y: tensor(target(xs), [20, 1]) }, {
    epochs: 2,
    batchSize: 5,
    loss: "mse",
    optimizer: sgd({ learningRate: 0.05 }),
    validationData: { x: vx, y: vy() },
    metrics: ["mae"],
    callbacks: [recorder(seen)],
    verbose: false,
  });
  for (const logs of seen) {
    assert.ok(logs.mae! > 0 && logs.valMae! > 0, JSON.stringify(logs));
  }
  const ev = await evaluate(m, { x: vx, y: vy() }, { loss: "mse", metrics: ["mae"] });
  assert.ok(
    Math.abs(seen[1].valMae! - ev.metrics.mae) < 1e-7,
    `${seen[1].valMae} vs ${ev.metrics.mae}`,
  );
  m.dispose();
});

/** Scripted values of `key` in the logs, then earlyStopping in auto mode: epochs run. */
async function epochsRun(key: string, values: number[]): Promise<number> {
  const net = new Sequential([layers.dense({ units: 3, inputShape: [2] })], { seed: 1 });
  const es = callbacks.earlyStopping({ monitor: key, patience: 1 });
  const h = await fit(net, blobs(30, 3), {
    epochs: values.length,
    optimizer: sgd(),
    verbose: false,
    callbacks: [
      callbacks.lambda({
        onEpochEnd: (e, logs) =>
          void ((logs as unknown as Record<string, number>)[key] = values[e - 1]),
      }),
      es,
    ],
  });
  net.dispose();
  return h.epochs.length;
}

Deno.test("earlyStopping in auto mode: topK and f1Macro improve upwards, mae downwards", async () => {
  // Rising every epoch: an up-metric never stalls (read as a loss it would stop after epoch 2).
  const rising = [0.2, 0.4, 0.6, 0.8];
  for (const key of ["topK", "valTopK", "f1Macro", "valF1Macro", "valAcc"]) {
    assert.equal(await epochsRun(key, rising), 4, key);
  }
  // Falling every epoch: mae improves; a rising mae stalls at once.
  assert.equal(await epochsRun("valMae", [0.8, 0.6, 0.4, 0.2]), 4);
  assert.equal(await epochsRun("valMae", rising), 2);
});
