import assert from "node:assert/strict";
import "../../kernels/tensor_methods.ts";
import { setDevice } from "../../kernels/device.ts";
import { Rng } from "../../kernels/random.ts";
import { tensor } from "../../kernels/tensor.ts";
import { argmax, softmax } from "../../kernels/ops/mod.ts";
import * as layers from "../../layers/mod.ts";
import { Sequential } from "../../layers/sequential.ts";
import { evaluate, predict } from "../../train/evaluate.ts";
import { fit } from "../../train/fit.ts";
import { adam, sgd } from "../../train/optimizers.ts";
import { loadCheckpoint, saveCheckpoint } from "../../train/checkpoint.ts";
import { undisposed } from "../kernels/undisposed.ts";
import { twoBlobs } from "./blobs.ts";

await setDevice("cpu");

const net = (seed: number) =>
  new Sequential([
    layers.dense({ units: 8, activation: "tanh", inputShape: [2] }),
    layers.dense({ units: 2 }),
  ], { seed });

Deno.test("fit learns separable blobs; history has every field; evaluate agrees", async () => {
  const data = twoBlobs(400, 1);
  const m = net(1);
  const lines: string[] = [];
  const h = await fit(m, data, {
    epochs: 5,
    batchSize: 20,
    validationSplit: 0.25,
    optimizer: adam({ learningRate: 0.05 }),
    verbose: (s) => lines.push(s),
  });
  assert.equal(h.trainSize, 300);
  assert.equal(h.valSize, 100);
  const last = h.epochs.at(-1)!;
  assert.ok(last.acc > 0.95 && last.valAcc! > 0.95, JSON.stringify(last));
  assert.ok(last.seconds > 0 && last.samplesPerSecond > 0);
  assert.ok(h.epochs[0].loss > last.loss);
  assert.ok(lines.some((l) => l.includes("epoch 5/5")), "progress lines were written");
  const ev = await evaluate(m, data);
  assert.ok(ev.accuracy > 0.95);
  assert.equal(ev.confusion!.flat().reduce((a, b) => a + b), 400);
  const logits = await predict(m, data.x);
  const probs = softmax(logits).dataSync();
  assert.ok(Math.abs(probs[0] + probs[1] - 1) < 1e-5, "softmax of predict's logits sums to 1");
  assert.deepEqual(
    Array.from(argmax(logits).dataSync()),
    Array.from(ev.predictions!),
    "predict and evaluate agree",
  );
  m.dispose();
});

Deno.test("same seed ⇒ same history; fit leaves no tensors behind", async () => {
  const run = async () => {
    const data = twoBlobs(120, 2);
    const m = net(3).build();
    const before = undisposed();
    const h = await fit(m, data, {
      epochs: 2,
      batchSize: 16,
      seed: 4,
      optimizer: sgd({ learningRate: 0.1 }),
      verbose: false,
    });
    const growth = undisposed() - before;
    m.dispose();
    data.x.dispose();
    return { losses: h.epochs.map((e) => e.loss), growth };
  };
  const a = await run(), b = await run();
  assert.deepEqual(a.losses, b.losses);
  assert.equal(
    a.growth,
    0,
    "optimizer state is the only thing kept, and it is disposed by the caller",
  );
});

Deno.test("a NaN loss stops training with an error that says what to do", async () => {
  // Finite data (NaN in x is refused before training: tests/robustness/data_checks_test.ts),
  // but a step size that makes the weights overflow.
  const x = new Float32Array(2 * 64).map((_, i) => (i % 5) * 1e3);
  const data = { x: tensor(x, [64, 2]), y: Int32Array.from({ length: 64 }, (_, i) => i % 2) };
  const m = net(1);
  await assert.rejects(
    fit(m, data, {
      epochs: 3,
      batchSize: 8,
      optimizer: sgd({ learningRate: 1e38 }),
      verbose: false,
    }),
    /loss became (NaN|Infinity).*Lower the learning rate/,
  );
});

Deno.test("checkpoint round trip; a corrupt file leaves the model untouched", async () => {
  const dir = await Deno.makeTempDir();
  const a = net(1), b = net(2);
  await saveCheckpoint(a, `${dir}/m.ckpt`, { epoch: 3 });
  const meta = await loadCheckpoint(b, `${dir}/m.ckpt`);
  assert.deepEqual(meta, { epoch: 3 });
  assert.deepEqual(
    b.parameters().map((p) => Array.from(p.dataSync())),
    a.parameters().map((p) => Array.from(p.dataSync())),
  );
  const bytes = await Deno.readFile(`${dir}/m.ckpt`);
  await Deno.writeFile(`${dir}/cut.ckpt`, bytes.subarray(0, bytes.length - 10));
  const c = net(3);
  const before = c.parameters().map((p) => Array.from(p.dataSync()));
  await assert.rejects(loadCheckpoint(c, `${dir}/cut.ckpt`), /cut\.ckpt: truncated data/);
  assert.deepEqual(c.parameters().map((p) => Array.from(p.dataSync())), before);
  await assert.rejects(loadCheckpoint(c, `${dir}/nope.ckpt`));
  const other = new Sequential([layers.dense({ units: 3, inputShape: [2] })]);
  await assert.rejects(
    loadCheckpoint(other, `${dir}/m.ckpt`),
    /dense_1\/kernel is float32\[2,8\] in the file but float32\[2,3\]/,
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("fit: augment changes the batches (identity when padding 0 and no flip)", async () => {
  await setDevice("cpu");
  const rng = new Rng(4);
  const n = 64;
  const x = tensor(Float32Array.from({ length: n * 8 * 8 }, () => rng.uniform()), [n, 8, 8, 1]);
  const y = Int32Array.from({ length: n }, () => rng.int(2));
  const losses = async (augment?: { padding?: number; flip?: boolean }) => {
    const model = new Sequential([
      layers.flatten({ inputShape: [8, 8, 1] }),
      layers.dense({ units: 2 }),
    ]);
    const h = await fit(model, { x, y }, {
      epochs: 2,
      batchSize: 16,
      seed: 3,
      verbose: false,
      optimizer: sgd({ learningRate: 0.1 }),
      augment,
    });
    model.dispose();
    return h.epochs.map((e) => e.loss);
  };
  const plain = await losses();
  assert.deepEqual(await losses({ padding: 0, flip: false }), plain);
  const augmented = await losses({ padding: 2, flip: true });
  assert.ok(augmented.every(Number.isFinite));
  assert.notDeepEqual(augmented, plain);
  x.dispose();
});

Deno.test("fit and evaluate leave a target tensor the caller passed alive", async () => {
  const n = 64;
  const x = tensor(Float32Array.from({ length: 2 * n }, (_, i) => Math.sin(i)), [n, 2]);
  const y = tensor(Float32Array.from({ length: 2 * n }, (_, i) => Math.cos(i)), [n, 2]);
  const m = net(2);
  await fit(m, { x, y }, {
    epochs: 1,
    batchSize: 16,
    loss: "mse",
    optimizer: sgd(),
    verbose: false,
  });
  assert.equal(y.isDisposed, false, "fit freed the caller's targets");
  const first = await evaluate(m, { x, y }, { loss: "mse" });
  const second = await evaluate(m, { x, y }, { loss: "mse" });
  assert.equal(second.loss, first.loss, "the same targets evaluate twice");
  assert.equal(y.isDisposed, false, "evaluate freed the caller's targets");
  m.dispose();
  x.dispose();
  y.dispose();
});
