import assert from "node:assert/strict";
import { join } from "node:path";
import "../../kernels/tensor_methods.ts";
import { setDevice } from "../../kernels/device.ts";
import { Rng } from "../../kernels/random.ts";
import { tensor } from "../../kernels/tensor.ts";
import * as layers from "../../layers/mod.ts";
import { Sequential } from "../../layers/sequential.ts";
import { fit } from "../../train/fit.ts";
import { FIT_CHECKPOINT_FILE } from "../../train/fit_checkpoint.ts";
import type { Optimizer } from "../../train/optimizers.ts";
import { adam, nadam, rmsprop, sgd } from "../../train/optimizers.ts";
import { lambda } from "../../train/callbacks/lambda.ts";
import { undisposed } from "../kernels/undisposed.ts";

await setDevice("cpu");

const probe = new URL("./resume_probe.ts", import.meta.url).pathname;

async function runProbe(mode: string, dir: string): Promise<{ code: number; out: string }> {
  const r = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", probe, mode, dir],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  return { code: r.code, out: new TextDecoder().decode(r.stdout) };
}

Deno.test("a run killed in epoch 2 and resumed from epoch 1's checkpoint gives the uninterrupted run's numbers bit for bit", async () => {
  const full = await Deno.makeTempDir(), cut = await Deno.makeTempDir();
  const a = await runProbe("full", full);
  assert.equal(a.code, 0);
  const killed = await runProbe("kill", cut);
  assert.equal(killed.code, 3, "the kill probe exits in epoch 2");
  // The folder holds the whole checkpoint only: no temporary file of the save.
  const names = [...Deno.readDirSync(cut)].map((e) => e.name);
  assert.deepEqual(names, [FIT_CHECKPOINT_FILE]);
  const b = await runProbe("resume", cut);
  assert.equal(b.code, 0);
  const ra = JSON.parse(a.out), rb = JSON.parse(b.out);
  assert.equal(ra.epochs.length, 2);
  assert.deepEqual(rb.epochs, ra.epochs, "epoch records (loss, acc, valLoss, valAcc)");
  assert.equal(rb.steps, ra.steps);
  assert.deepEqual(rb.weights, ra.weights, "final weights");
  await Deno.remove(full, { recursive: true });
  await Deno.remove(cut, { recursive: true });
});

function clusters(n: number, seed: number) {
  const rng = new Rng(seed);
  const x = new Float32Array(3 * n), y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 2;
    for (let j = 0; j < 3; j++) x[3 * i + j] = rng.normal() + (y[i] ? 1 : -1);
  }
  return { x: tensor(x, [n, 3]), y };
}
const net = (units = 6) =>
  new Sequential([
    layers.dense({ units, activation: "tanh", inputShape: [3] }),
    layers.dropout(0.2),
    layers.dense({ units: 2 }),
  ], { seed: 2 });

/** Losses and weights of 3 epochs, optionally stopped after `stopAfter` and resumed. */
async function train(opt: () => Optimizer, dir: string, stopAfter?: number) {
  const base = { epochs: 3, batchSize: 8, verbose: false as const, checkpoint: dir, seed: 4 };
  let m = net();
  let h = await fit(m, clusters(44, 1), {
    ...base,
    optimizer: opt(),
    callbacks: stopAfter
      ? [
        lambda({ onEpochEnd: (e, _r, ctx) => void (e === stopAfter && (ctx.stopTraining = true)) }),
      ]
      : [],
  });
  if (stopAfter) {
    m.dispose();
    m = net();
    h = await fit(m, clusters(44, 1), { ...base, optimizer: opt(), resumeFrom: dir });
  }
  const w = await Promise.all(m.weights().map((x) => x.tensor.data()));
  m.dispose();
  return { losses: h.epochs.map((r) => [r.loss, r.acc]), w: w.map((a) => Array.from(a)) };
}

Deno.test("resuming continues every optimiser's state exactly (sgd momentum, nadam, rmsprop; stopped by a callback)", async () => {
  const opts: [string, () => Optimizer][] = [
    ["sgd", () => sgd({ learningRate: 0.05, momentum: 0.9, nesterov: true })],
    ["nadam", () => nadam({ learningRate: 0.01 })],
    ["rmsprop", () => rmsprop({ learningRate: 0.01 })],
  ];
  for (const [name, opt] of opts) {
    const d1 = await Deno.makeTempDir(), d2 = await Deno.makeTempDir();
    const a = await train(opt, d1);
    const b = await train(opt, d2, 2);
    assert.deepEqual(b, a, name);
    await Deno.remove(d1, { recursive: true });
    await Deno.remove(d2, { recursive: true });
  }
});

Deno.test("resumeFrom refuses a different model, optimiser, data size or batch size, naming it", async () => {
  const dir = await Deno.makeTempDir();
  const m = net();
  await fit(m, clusters(40, 1), {
    epochs: 1,
    batchSize: 8,
    optimizer: adam(),
    verbose: false,
    checkpoint: dir,
  });
  m.dispose();
  const resume = async (
    o: { units?: number; n?: number; optimizer?: Optimizer; batchSize?: number },
    re: RegExp,
  ) => {
    const m2 = net(o.units);
    const data = clusters(o.n ?? 40, 1);
    const optimizer = o.optimizer ?? adam();
    m2.ensureBuilt([3]);
    const before = undisposed();
    await assert.rejects(
      fit(m2, data, {
        epochs: 2,
        batchSize: o.batchSize ?? 8,
        optimizer,
        verbose: false,
        resumeFrom: dir,
      }),
      re,
    );
    optimizer.dispose(); // the state slots matching created
    assert.equal(undisposed(), before, "a refused resume leaves no tensor behind");
    m2.dispose();
    data.x.dispose();
  };
  await resume({ units: 5 }, /different model.*dense.*\[3, 6\].*\[3, 5\]|different model/s);
  await resume({ optimizer: sgd() }, /optimizer "adam" but this run uses "sgd"/);
  await resume({ n: 48 }, /trainSize is 40 in the checkpoint but 48 in this run/);
  await resume({ batchSize: 4 }, /batchSize is 8 in the checkpoint but 4 in this run/);
  await assert.rejects(
    fit(net(), clusters(40, 1), {
      epochs: 2,
      optimizer: adam(),
      verbose: false,
      resumeFrom: join(dir, "nowhere"),
    }),
    /no checkpoint\.safetensors/,
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("resuming mid-pass (stepsPerEpoch below a pass) with augment continues the batch order and the crops exactly", async () => {
  const rng = new Rng(9);
  const n = 40;
  const images = () => ({
    x: tensor(Float32Array.from({ length: n * 16 }, () => rng.normal()), [n, 4, 4, 1]),
    y: Int32Array.from({ length: n }, (_, i) => i % 2),
  });
  const data = images();
  const run = async (dir: string, stopAfter?: number) => {
    const make = () =>
      new Sequential([
        layers.flatten({ inputShape: [4, 4, 1] }),
        layers.dense({ units: 2 }),
      ], { seed: 3 });
    const base = {
      epochs: 3,
      batchSize: 8,
      stepsPerEpoch: 2, // a pass is 5 batches: epochs end mid-pass
      augment: { padding: 1, flip: true },
      verbose: false as const,
      checkpoint: dir,
    };
    let m = make();
    let h = await fit(m, data, {
      ...base,
      optimizer: adam({ learningRate: 0.05 }),
      onEpochEnd: (r) => r.epoch !== stopAfter,
    });
    if (stopAfter) {
      m.dispose();
      m = make();
      h = await fit(m, data, { ...base, optimizer: adam({ learningRate: 0.05 }), resumeFrom: dir });
    }
    const w = await Promise.all(m.weights().map((x) => x.tensor.data()));
    m.dispose();
    return { losses: h.epochs.map((r) => [r.loss, r.acc]), w: w.map((a) => Array.from(a)) };
  };
  const d1 = await Deno.makeTempDir(), d2 = await Deno.makeTempDir();
  const a = await run(d1), b = await run(d2, 1);
  assert.equal(a.losses.length, 3);
  assert.deepEqual(b, a);
  await Deno.remove(d1, { recursive: true });
  await Deno.remove(d2, { recursive: true });
});
