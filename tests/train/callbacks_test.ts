import assert from "node:assert/strict";
import "../../kernels/tensor_methods.ts";
import { setDevice } from "../../kernels/device.ts";
import { Rng } from "../../kernels/random.ts";
import { tensor } from "../../kernels/tensor.ts";
import * as layers from "../../layers/mod.ts";
import { Sequential } from "../../layers/sequential.ts";
import * as callbacks from "../../train/callbacks/mod.ts";
import { loadCheckpoint } from "../../train/checkpoint.ts";
import { fit } from "../../train/fit.ts";
import type { EpochRecord } from "../../train/history.ts";
import { sgd } from "../../train/optimizers.ts";
import type { TrainStep } from "../../train/train_step.ts";
import { defaultTrainStep } from "../../train/train_step.ts";

await setDevice("cpu");

function data(n = 64) {
  const rng = new Rng(1);
  const y = Int32Array.from({ length: n }, () => rng.int(2));
  const x = Float32Array.from(
    { length: 2 * n },
    (_, i) => (i % 2 ? rng.normal() : y[i >> 1] * 2 - 1 + rng.normal()),
  );
  return { x: tensor(x, [n, 2]), y };
}
const net = () => new Sequential([layers.dense({ units: 2, inputShape: [2] })], { seed: 1 });

/** A callback that makes the epoch logs say `values[epoch - 1]` for `key` (a scripted monitor). */
function script(key: keyof EpochRecord, values: number[]): callbacks.Callback {
  return callbacks.lambda({
    onEpochEnd: (e, logs) =>
      void ((logs as unknown as Record<string, number>)[key] = values[e - 1]),
  });
}

Deno.test("hooks fire in Keras' order with logs", async () => {
  const events: string[] = [];
  await fit(net(), data(32), {
    epochs: 2,
    batchSize: 16,
    optimizer: sgd(),
    verbose: false,
    callbacks: [callbacks.lambda({
      onTrainBegin: () => void events.push("trainBegin"),
      onEpochBegin: (e) => void events.push(`epochBegin ${e}`),
      onBatchBegin: (s, l) => void events.push(`batchBegin ${s} ${l.batch}`),
      onBatchEnd: (s, l) => void events.push(`batchEnd ${s} ${l.size}`),
      onEpochEnd: (e, l) => void events.push(`epochEnd ${e} ${Number.isFinite(l.loss)}`),
      onTrainEnd: (ctx) => void events.push(`trainEnd ${ctx.history.epochs.length}`),
    })],
  });
  assert.deepEqual(events, [
    "trainBegin",
    "epochBegin 1",
    "batchBegin 1 0",
    "batchEnd 1 16",
    "batchBegin 2 1",
    "batchEnd 2 16",
    "epochEnd 1 true",
    "epochBegin 2",
    "batchBegin 3 0",
    "batchEnd 3 16",
    "batchBegin 4 1",
    "batchEnd 4 16",
    "epochEnd 2 true",
    "trainEnd 2",
  ]);
  assert.throws(() => callbacks.lambda({ onEpochStart: () => {} } as never), /unknown hook/);
});

Deno.test("earlyStopping stops at the right epoch and restores the best weights", async () => {
  const m = net();
  const snaps: number[][] = [];
  const es = callbacks.earlyStopping({ monitor: "valLoss", patience: 2, restoreBestWeights: true });
  const h = await fit(m, data(), {
    epochs: 10,
    batchSize: 16,
    validationSplit: 0.25,
    optimizer: sgd({ learningRate: 0.1 }),
    verbose: false,
    callbacks: [
      // valLoss: best at epoch 2, then two epochs without improvement ⇒ stop after epoch 4.
      script("valLoss", [0.5, 0.3, 0.31, 0.4, 0.1]),
      callbacks.lambda({
        onEpochEnd: (_e, _l, ctx) =>
          void snaps.push(Array.from(ctx.model.parameters()[0].dataSync())),
      }),
      es,
    ],
  });
  assert.equal(h.epochs.length, 4);
  assert.equal(es.stoppedEpoch, 4);
  assert.equal(es.bestEpoch, 2);
  assert.equal(es.best, 0.3);
  assert.deepEqual(Array.from(m.parameters()[0].dataSync()), snaps[1], "weights of epoch 2");
  assert.notDeepEqual(snaps[3], snaps[1]);
  await assert.rejects(
    fit(net(), data(), {
      epochs: 1,
      optimizer: sgd(),
      verbose: false,
      callbacks: [callbacks.earlyStopping()],
    }),
    /monitor "valLoss" is not in the epoch logs.*validationSplit/,
  );
});

Deno.test("earlyStopping: minDelta and accuracy monitors count improvements like Keras", async () => {
  const es = callbacks.earlyStopping({ monitor: "acc", patience: 1, minDelta: 0.05 });
  const h = await fit(net(), data(), {
    epochs: 10,
    optimizer: sgd(),
    verbose: false,
    // acc 0.5 → 0.6 improves; 0.62 is within minDelta ⇒ stop after epoch 3 (patience 1).
    callbacks: [script("acc", [0.5, 0.6, 0.62, 0.9]), es],
  });
  assert.equal(h.epochs.length, 3);
  assert.equal(es.bestEpoch, 2);
});

Deno.test("reduceLROnPlateau lowers the rate after `patience` flat epochs, never below minLr", async () => {
  const opt = sgd({ learningRate: 0.1 });
  const rates: number[] = [];
  const r = callbacks.reduceLROnPlateau({ monitor: "loss", factor: 0.5, patience: 2, minLr: 0.03 });
  await fit(net(), data(), {
    epochs: 8,
    optimizer: opt,
    verbose: false,
    callbacks: [
      // Improves at 1, 2; flat at 3, 4 ⇒ drop after 4; flat 5, 6 ⇒ drop after 6 (to minLr).
      script("loss", [1, 0.9, 0.9, 0.95, 0.9, 0.91, 0.5, 0.5]),
      r,
      callbacks.lambda({
        onEpochEnd: (_e, _l, ctx) => void rates.push(ctx.optimizer.currentLearningRate()),
      }),
    ],
  });
  assert.deepEqual(rates, [0.1, 0.1, 0.1, 0.05, 0.05, 0.03, 0.03, 0.03]);
  assert.deepEqual(r.drops, [{ epoch: 4, learningRate: 0.05 }, { epoch: 6, learningRate: 0.03 }]);
});

Deno.test("modelCheckpoint saves every epoch or only the best", async () => {
  const dir = await Deno.makeTempDir();
  const best = callbacks.modelCheckpoint({
    path: `${dir}/best.ckpt`,
    monitor: "loss",
    saveBestOnly: true,
  });
  const every = callbacks.modelCheckpoint({ path: `${dir}/e{epoch}.ckpt` });
  const m = net();
  await fit(m, data(), {
    epochs: 4,
    optimizer: sgd(),
    verbose: false,
    validationSplit: 0.25,
    callbacks: [script("loss", [1, 0.5, 0.7, 0.6]), best, every],
  });
  assert.deepEqual(best.saved, [1, 2]);
  assert.deepEqual(every.saved, [1, 2, 3, 4]);
  const meta = await loadCheckpoint(net().build(), `${dir}/best.ckpt`);
  assert.equal(meta.epoch, 2);
  await Deno.stat(`${dir}/e3.ckpt`);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("terminateOnNaN stops without an error; csvLogger writes history.csv each epoch", async () => {
  // Finite data (NaN inputs are refused before training) and a step that overflows the weights.
  const x = new Float32Array(2 * 64).map((_, i) => (i % 5) * 1e3);
  const t = callbacks.terminateOnNaN();
  const h = await fit(net(), {
    x: tensor(x, [64, 2]),
    y: Int32Array.from({ length: 64 }, (_, i) => i % 2),
  }, {
    epochs: 3,
    batchSize: 8,
    optimizer: sgd({ learningRate: 1e38 }),
    verbose: false,
    callbacks: [t],
  });
  assert.equal(t.stoppedEpoch, 1);
  assert.equal(h.epochs.length, 1);
  const dir = await Deno.makeTempDir();
  await fit(net(), data(), {
    epochs: 2,
    optimizer: sgd(),
    verbose: false,
    callbacks: [callbacks.csvLogger({ path: `${dir}/history.csv` })],
  });
  const csv = (await Deno.readTextFile(`${dir}/history.csv`)).trim().split("\n");
  assert.equal(csv.length, 3);
  assert.match(csv[0], /^epoch,loss,acc/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a custom trainStep runs instead of the default; legacy hooks still work", async () => {
  let calls = 0;
  const step: TrainStep = (m, b, s) => {
    calls++;
    assert.equal(b.size, 16);
    return defaultTrainStep(m, b, s);
  };
  const ends: number[] = [];
  const h = await fit(net(), data(), {
    epochs: 3,
    batchSize: 16,
    optimizer: sgd(),
    verbose: false,
    trainStep: step,
    onBatchEnd: (s) => void ends.push(s),
    onEpochEnd: (r) => r.epoch < 2,
  });
  assert.equal(h.epochs.length, 2, "onEpochEnd returning false stops");
  assert.equal(calls, 8);
  assert.deepEqual(ends, [1, 2, 3, 4, 5, 6, 7, 8]);
});
