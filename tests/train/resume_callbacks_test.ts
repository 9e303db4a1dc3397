/**
 * Resuming with stateful callbacks: earlyStopping (best, wait, best weights), reduceLROnPlateau
 * (wait, cooldown, the rate) and modelCheckpoint (best) continue from fit's checkpoint, so a
 * run stopped after epoch 4 and resumed stops, drops its rate and saves at the epochs the
 * uninterrupted run does, with the same numbers; csvLogger's file holds every epoch.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import "../../kernels/tensor_methods.ts";
import { setDevice } from "../../kernels/device.ts";
import { Rng } from "../../kernels/random.ts";
import { tensor } from "../../kernels/tensor.ts";
import * as layers from "../../layers/mod.ts";
import { Sequential } from "../../layers/sequential.ts";
import * as callbacks from "../../train/callbacks/mod.ts";
import { readCheckpoint } from "../../train/checkpoint.ts";
import { fit } from "../../train/fit.ts";
import type { EpochRecord } from "../../train/history.ts";
import { adam } from "../../train/optimizers.ts";

await setDevice("cpu");

function clusters(n: number) {
  const rng = new Rng(1);
  const x = new Float32Array(3 * n), y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 2;
    for (let j = 0; j < 3; j++) x[3 * i + j] = rng.normal() + (y[i] ? 1 : -1);
  }
  return { x: tensor(x, [n, 3]), y };
}

const net = () =>
  new Sequential([
    layers.dense({ units: 6, activation: "tanh", inputShape: [3] }),
    layers.dropout(0.2),
    layers.dense({ units: 2 }),
  ], { seed: 2 });

// Scripted monitors, so the stop and the drops fall on known epochs: earlyStopping (patience 2)
// sees its best at epoch 4 and stops after 6; reduceLROnPlateau (patience 2, cooldown 1) drops
// after epochs 3 and 5. A resume after epoch 4 that forgot their state would not stop at 6
// (0.75 would be a fresh best) and would not drop at 5.
const SCORE = [1, 0.8, 0.9, 0.7, 0.75, 0.72, 0.71, 0.6];
const FLAT = [1, 1, 1, 1, 1, 1, 1, 1];

function makeCallbacks(dir: string) {
  const script = callbacks.lambda({
    onEpochEnd: (e, logs) => {
      const r = logs as unknown as Record<string, number>;
      r.score = SCORE[e - 1];
      r.flat = FLAT[e - 1];
    },
  });
  const es = callbacks.earlyStopping({ monitor: "score", patience: 2, restoreBestWeights: true });
  const lr = callbacks.reduceLROnPlateau({
    monitor: "flat",
    factor: 0.5,
    patience: 2,
    cooldown: 1,
  });
  const ck = callbacks.modelCheckpoint({
    path: join(dir, "best.ckpt"),
    monitor: "score",
    saveBestOnly: true,
  });
  const csv = callbacks.csvLogger({ path: join(dir, "history.csv") });
  return { list: [script, es, lr, ck, csv], es, lr, ck };
}

async function run(dir: string, stopAfter?: number) {
  const data = clusters(48);
  const base = {
    epochs: 8,
    batchSize: 8,
    validationSplit: 0.25,
    verbose: false as const,
    checkpoint: join(dir, "ckpt"),
    seed: 3,
  };
  let m = net(), opt = adam({ learningRate: 0.02 });
  let cb = makeCallbacks(dir);
  const stop = callbacks.lambda({
    onEpochEnd: (e, _r, ctx) => void (e === stopAfter && (ctx.stopTraining = true)),
  });
  let h = await fit(m, data, {
    ...base,
    optimizer: opt,
    callbacks: stopAfter ? [...cb.list, stop] : cb.list,
  });
  if (stopAfter) {
    assert.equal(h.epochs.length, stopAfter);
    m.dispose();
    opt.dispose();
    m = net();
    opt = adam({ learningRate: 0.02 });
    cb = makeCallbacks(dir);
    h = await fit(m, data, {
      ...base,
      optimizer: opt,
      callbacks: cb.list,
      resumeFrom: base.checkpoint,
    });
  }
  const weights = await Promise.all(
    m.weights().map(async (w) => Array.from(await w.tensor.data())),
  );
  const best = await readCheckpoint(join(dir, "best.ckpt"));
  const { seconds: _s, samplesPerSecond: _r, ...bestLogs } = best.meta.logs as EpochRecord;
  // history.csv without the timing columns: the resumed run's file has every epoch too.
  const csv = (await Deno.readTextFile(join(dir, "history.csv"))).trim().split("\n")
    .map((row) => row.split(",").slice(0, 5).join(","));
  m.dispose();
  return {
    csv,
    epochs: h.epochs.map(({ seconds: _s, samplesPerSecond: _r, ...rest }) => rest),
    stoppedEpoch: cb.es.stoppedEpoch,
    bestEpoch: cb.es.bestEpoch,
    drops: cb.lr.drops,
    learningRate: opt.currentLearningRate(),
    saved: cb.ck.saved,
    bestFile: {
      epoch: best.meta.epoch,
      logs: bestLogs,
      tensors: best.tensors.map((t) => Array.from(t.data)),
    },
    weights,
  };
}

Deno.test("resuming restores earlyStopping, reduceLROnPlateau and modelCheckpoint: same stop epoch, drops and numbers", async () => {
  const d1 = await Deno.makeTempDir(), d2 = await Deno.makeTempDir();
  try {
    const full = await run(d1);
    assert.equal(full.stoppedEpoch, 6);
    assert.equal(full.bestEpoch, 4);
    assert.equal(full.epochs.length, 6);
    assert.deepEqual(full.drops.map((d) => d.epoch), [3, 5]);
    assert.equal(full.learningRate, 0.005);
    assert.deepEqual(full.saved, [1, 2, 4]);
    assert.equal(full.csv.length, 7);
    const resumed = await run(d2, 4);
    assert.deepEqual(resumed, full);
  } finally {
    await Deno.remove(d1, { recursive: true });
    await Deno.remove(d2, { recursive: true });
  }
});

Deno.test("resumeFrom refuses other stateful callbacks than the checkpoint's, naming them", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const data = clusters(32);
    const base = { epochs: 2, batchSize: 8, verbose: false as const, checkpoint: dir };
    const m = net();
    await fit(m, data, {
      ...base,
      epochs: 1,
      optimizer: adam(),
      callbacks: [callbacks.earlyStopping({ monitor: "loss" })],
    });
    m.dispose();
    for (
      const cbs of [
        [],
        [callbacks.reduceLROnPlateau({ monitor: "loss" })],
        [callbacks.lambda({}), callbacks.earlyStopping({ monitor: "loss" })],
      ]
    ) {
      const m2 = net();
      await assert.rejects(
        fit(m2, data, { ...base, optimizer: adam(), callbacks: cbs, resumeFrom: dir }),
        /holds the state of the callbacks 0:EarlyStopping, but this run has .* resume with the same callbacks/,
      );
      m2.dispose();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("modelCheckpoint({ includeOptimizer }) writes a resumable checkpoint of the best epoch; resuming from it continues that run exactly", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const data = clusters(40);
    const best = join(dir, "best");
    const mk = () => {
      // Loss scripted best at epoch 2, so the folder keeps epoch 2's state.
      const script = callbacks.lambda({
        onEpochEnd: (e, logs) =>
          void ((logs as unknown as Record<string, number>).score = [3, 1, 2, 2][e - 1]),
      });
      const ck = callbacks.modelCheckpoint({
        path: best,
        monitor: "score",
        saveBestOnly: true,
        includeOptimizer: true,
      });
      return { list: [script, ck], ck };
    };
    const base = { epochs: 4, batchSize: 8, verbose: false as const, seed: 6 };
    const m1 = net(), c1 = mk();
    const full = await fit(m1, data, {
      ...base,
      optimizer: adam({ learningRate: 0.02 }),
      callbacks: c1.list,
    });
    assert.deepEqual(c1.ck.saved, [1, 2]);
    const m2 = net(), c2 = mk();
    const resumed = await fit(m2, data, {
      ...base,
      optimizer: adam({ learningRate: 0.02 }),
      callbacks: c2.list,
      resumeFrom: best,
    });
    const strip = (h: typeof full) =>
      h.epochs.map(({ seconds: _s, samplesPerSecond: _r, ...r }) => r);
    assert.deepEqual(
      strip(resumed),
      strip(full),
      "epochs 1-2 from the checkpoint, 3-4 trained again",
    );
    assert.deepEqual(c2.ck.saved, [1, 2]);
    const w = async (m: Sequential) => await Promise.all(m.weights().map((x) => x.tensor.data()));
    assert.deepEqual(await w(m2), await w(m1));
    [m1, m2].forEach((m) => m.dispose());
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
