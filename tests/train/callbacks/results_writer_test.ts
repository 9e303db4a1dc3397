/**
 * callbacks.resultsWriter and run.resultsCallback: the results folder is one complete set after
 * every epoch (partial until training ends), in the format tasks write.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import "../../../kernels/tensor_methods.ts";
import { readManifest } from "../../../experiment/result_set.ts";
import { historyCsv } from "../../../experiment/results.ts";
import { startRun } from "../../../experiment/run.ts";
import { setDevice } from "../../../kernels/device.ts";
import { Rng } from "../../../kernels/random.ts";
import { tensor } from "../../../kernels/tensor.ts";
import * as layers from "../../../layers/mod.ts";
import { Sequential } from "../../../layers/sequential.ts";
import * as callbacks from "../../../train/callbacks/mod.ts";
import { fit } from "../../../train/fit.ts";
import { sgd } from "../../../train/optimizers.ts";

await setDevice("cpu");

function data(n = 32) {
  const rng = new Rng(1);
  const y = Int32Array.from({ length: n }, () => rng.int(2));
  const x = Float32Array.from({ length: 2 * n }, (_, i) => y[i >> 1] * 2 - 1 + rng.normal());
  return { x: tensor(x, [n, 2]), y };
}
const net = () => new Sequential([layers.dense({ units: 2, inputShape: [2] })], { seed: 1 });
const readJson = async (dir: string, name: string) =>
  JSON.parse(await Deno.readTextFile(join(dir, name)));

Deno.test("resultsWriter writes a whole results set after each epoch, partial until training ends", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const seen: { epochsDone: number; partial: boolean; rows: number; files: string[] }[] = [];
    // Runs after the writer: what a reader of the folder sees during training.
    const probe = callbacks.lambda({
      onEpochEnd: async () => {
        const m = await readJson(dir, "metrics.json");
        const csv = (await Deno.readTextFile(join(dir, "history.csv"))).trim().split("\n");
        const files = (await readManifest(dir)).files.map((f) => f.name).sort();
        seen.push({ epochsDone: m.epochsDone, partial: m.partial, rows: csv.length - 1, files });
      },
    });
    const h = await fit(net(), data(), {
      epochs: 3,
      batchSize: 8,
      optimizer: sgd(),
      verbose: false,
      callbacks: [
        callbacks.resultsWriter({
          dir,
          metrics: (ctx) => ({ lr: ctx.optimizer.currentLearningRate() }),
        }),
        probe,
      ],
    });
    const files = ["curves.svg", "history.csv", "metrics.json"];
    assert.deepEqual(
      seen,
      [1, 2, 3].map((e) => ({ epochsDone: e, partial: true, rows: e, files })),
    );
    const m = await readJson(dir, "metrics.json");
    assert.deepEqual(m, { lr: 0.01, partial: false, epochsDone: 3 });
    assert.equal(await Deno.readTextFile(join(dir, "history.csv")), historyCsv(h.epochs));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("resultsWriter: every n epochs, the last epoch's record by default, clear option errors", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const exists = async () =>
      await Deno.stat(join(dir, "metrics.json")).then(() => true, () => false);
    const when: boolean[] = [];
    const h = await fit(net(), data(), {
      epochs: 3,
      optimizer: sgd(),
      verbose: false,
      callbacks: [
        callbacks.resultsWriter({ dir, every: 2 }),
        callbacks.lambda({ onEpochEnd: async () => void when.push(await exists()) }),
      ],
    });
    assert.deepEqual(when, [false, true, true]);
    const m = await readJson(dir, "metrics.json");
    assert.equal(m.epochsDone, 3);
    assert.equal(m.last.loss, h.epochs[2].loss);
    assert.throws(() => callbacks.resultsWriter({ dir: "" }), /give a folder/);
    assert.throws(() => callbacks.resultsWriter({ dir, every: 0 }), /every must be a whole number/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("run.resultsCallback writes the run's header and the history's summary; finish replaces the set", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const run = await startRun({ task: "demo", description: "A demo." }, [
      "--device",
      "cpu",
      "--out",
      dir,
    ]);
    const h = await fit(net(), data(), {
      epochs: 2,
      optimizer: sgd(),
      verbose: false,
      callbacks: [run.resultsCallback(() => ({ data: { train: 32 } }))],
    });
    const m = await readJson(dir, "metrics.json");
    assert.equal(m.task, "demo");
    assert.equal(m.command, `deno task demo --device cpu --out ${dir}`);
    assert.deepEqual(m.config, { epochs: 2, stepsPerEpoch: 1 });
    assert.deepEqual(m.data, { train: 32 });
    assert.equal(m.ours.finalTrainLoss, h.epochs[1].loss);
    assert.equal(m.partial, false);
    await run.finish({ config: {}, reported: {}, ours: { done: true } }, { history: h.epochs });
    const final = await readJson(dir, "metrics.json");
    assert.deepEqual(final.ours, { done: true });
    assert.equal(final.partial, undefined);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
