import assert from "node:assert/strict";
import "../../kernels/tensor_methods.ts";
import { setDevice } from "../../kernels/device.ts";
import { noGrad, tidy } from "../../kernels/engine.ts";
import { Rng } from "../../kernels/random.ts";
import { tensor } from "../../kernels/tensor.ts";
import * as layers from "../../layers/mod.ts";
import { Model, model } from "../../layers/model.ts";
import { Sequential } from "../../layers/sequential.ts";
import { input } from "../../layers/symbolic.ts";
import { evaluate, predict } from "../../train/evaluate.ts";
import { fit } from "../../train/fit.ts";
import { sgd } from "../../train/optimizers.ts";
import { functionalResnet } from "./resnet_fixture.ts";

await setDevice("cpu");

Deno.test("a layer applies to tensors now and to symbolic inputs as a graph node", () => {
  const d = layers.dense({ units: 3 });
  const s = d.apply(input({ shape: [5] }));
  assert.deepEqual(s.shape, [3]);
  assert.equal(s.node?.layer, d);
  assert.equal(d.isBuilt, false, "a symbolic call does not build");
  const y = d.apply(tensor(new Float32Array(10), [2, 5]));
  assert.deepEqual(y.shape, [2, 3]);
  assert.equal(d.isBuilt, true, "the first tensor builds it lazily");
  assert.throws(
    () => d.apply(input({ shape: [4, 4] })),
    /was built for 5 features on the last axis/,
  );
});

Deno.test("a layer applied twice shares its weights; summary marks the second call", async () => {
  const inp = input({ shape: [4] });
  const shared = layers.dense({ units: 4, activation: "tanh" });
  const out = layers.dense({ units: 2 }).apply(shared.apply(shared.apply(inp)));
  const m = model({ inputs: inp, outputs: out, seed: 3 });
  assert.equal(m.countParams(), 4 * 4 + 4 + 4 * 2 + 2);
  assert.deepEqual(m.weights().map((w) => w.name), [
    "dense_1/kernel",
    "dense_1/bias",
    "dense_2/kernel",
    "dense_2/bias",
  ]);
  const rows = m.layerSummaries();
  assert.deepEqual(rows.map((r) => [r.name, r.inbound.join(","), r.params]), [
    [inp.name, "", 0],
    ["dense_1", inp.name, 20],
    ["dense_1[1]", "dense_1", 0],
    ["dense_2", "dense_1[1]", 10],
  ]);
  // The graph equals applying the shared layer twice by hand.
  const x = tensor(Float32Array.from({ length: 8 }, (_, i) => i / 8 - 0.5), [2, 4]);
  const byHand = tidy(() => noGrad(() => m.layers[1].apply(shared.apply(shared.apply(x)))));
  assert.deepEqual((await predict(m, x)).dataSync(), byHand.dataSync());
  m.dispose();
});

Deno.test("summary lists each node with its type, output shape, params and inbound nodes", () => {
  const m = functionalResnet(1);
  const text = m.summary();
  const inName = m.inputs[0].name!;
  assert.match(text, /Layer \(type\)\s+Output shape\s+Params\s+Connected to/);
  assert.match(text, new RegExp(`${inName} \\(Input\\)\\s+\\[null,8,8,1\\]\\s+0`));
  assert.match(text, /conv2d_1 \(Conv2D\)\s+\[null,8,8,4\]\s+40\s+input_\d+/);
  assert.match(text, /add_1 \(Add\)\s+\[null,8,8,4\]\s+0\s+conv2d_1, batch_normalization_2/);
  assert.match(text, /dense_1 \(Dense\)\s+\[null,3\]\s+771\s+flatten_1/);
  const params = 40 + 2 * (2 * 148 + 2 * 8) + 771;
  assert.equal(m.countParams(), params);
  assert.match(text, new RegExp(`Trainable params: ${params.toLocaleString("en-US")}`));
  assert.match(text, /Non-trainable state: 32/);
  m.dispose();
});

Deno.test("several inputs: x: [xa, xb] in fit, evaluate and predict", async () => {
  const rng = new Rng(2);
  const n = 64;
  const y = Int32Array.from({ length: n }, () => rng.int(2));
  const xa = tensor(
    Float32Array.from({ length: n * 3 }, (_, i) => y[Math.floor(i / 3)] + rng.normal() * 0.3),
    [n, 3],
  );
  const xb = tensor(Float32Array.from({ length: n * 2 }, () => rng.normal()), [n, 2]);
  const a = input({ shape: [3] }), b = input({ shape: [2] });
  const h = layers.concatenate().apply([layers.dense({ units: 4 }).apply(a), b]);
  assert.deepEqual(h.shape, [6]);
  const m = new Model({ inputs: [a, b], outputs: layers.dense({ units: 2 }).apply(h), seed: 1 });
  const hist = await fit(m, { x: [xa, xb], y }, {
    epochs: 8,
    batchSize: 16,
    optimizer: sgd({ learningRate: 0.3 }),
    verbose: false,
  });
  assert.ok(hist.epochs.at(-1)!.acc > 0.9, JSON.stringify(hist.epochs.at(-1)));
  const ev = await evaluate(m, { x: [xa, xb], y });
  assert.ok(ev.accuracy > 0.9);
  assert.deepEqual((await predict(m, [xa, xb])).shape, [n, 2]);
  await assert.rejects(() => predict(m, xa), /takes 2 inputs, got 1|does not match/);
  await assert.rejects(
    () => evaluate(m, { x: [xa, xb.reshape([n, 2, 1])], y }),
    /does not match the model's input/,
  );
  m.dispose();
});

Deno.test("a model's output must come from its inputs; names count per model", () => {
  const a = input({ shape: [2] }), b = input({ shape: [2] });
  const out = layers.add().apply([a, b]);
  assert.throws(() => new Model({ inputs: a, outputs: out }), /depends on input_\d+, which is not/);
  const s = new Sequential([
    layers.dense({ units: 2, inputShape: [2] }),
    layers.dense({ units: 1 }),
  ]);
  assert.deepEqual(s.layers.map((l) => l.name), ["dense_1", "dense_2"]);
  assert.ok(s instanceof Model, "Sequential is a Model");
  s.dispose();
});
