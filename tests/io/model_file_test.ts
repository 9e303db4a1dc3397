import assert from "node:assert/strict";
import { join } from "node:path";
import "../../io/model_methods.ts";
import { withDir } from "./temp_dir.ts";
import denoJson from "../../deno.json" with { type: "json" };
import { loadModel, type ModelJson, modelToJson, saveModel } from "../../io/model_file.ts";
import { noGrad } from "../../kernels/engine.ts";
import { Rng } from "../../kernels/random.ts";
import { type Tensor, tensor } from "../../kernels/tensor.ts";
import * as layers from "../../layers/mod.ts";
import { Sequential } from "../../layers/sequential.ts";
import { mnistCnn, mnistMlp, mnistStarter } from "../../tasks/mnist_models.ts";
import { cifarStarter, kerasCifarCnn, rdfiaNet } from "../../tasks/cifar10_models.ts";
import { killMidSave } from "./kill_mid_save.ts";

function randomBatch(shape: number[], seed: number): Tensor {
  const rng = new Rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return tensor(Float32Array.from({ length: n }, () => rng.uniform()), shape);
}

/** New values for every weight, so a reload that ignored the file (same seed) would differ. */
function scramble(model: Sequential): void {
  model.weights().forEach((w, i) => {
    const t = randomBatch(w.tensor.shape, 100 + i);
    noGrad(() => w.tensor.assign(t));
    t.dispose();
  });
}

const courseModels: [string, () => Sequential, number[]][] = [
  ["mnist MLP (relu)", () => mnistMlp("relu", 3), [28, 28, 1]],
  ["mnist CNN with dropout", () => mnistCnn(true, 3), [28, 28, 1]],
  ["mnist starter", () => mnistStarter(3), [28, 28, 1]],
  ["keras CIFAR CNN", () => kerasCifarCnn(3), [32, 32, 3]],
  ["CIFAR starter", () => cifarStarter(3), [32, 32, 3]],
  ["RDFIA net with batch norm", () => rdfiaNet(3, { batchNorm: true, dropout: true }), [32, 32, 3]],
];

for (const [label, make, shape] of courseModels) {
  Deno.test(`model files: ${label} reloads without its code and predicts bit-identically`, async () => {
    await withDir(async (dir) => {
      const model = make();
      scramble(model);
      const x = randomBatch([2, ...shape], 7);
      // A training-mode pass moves batch-norm statistics away from their initial values.
      model.apply(x, { training: true }).dispose();
      const before = await model.apply(x).data();
      await model.save(dir);
      assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name).sort(), [
        "model.json",
        "model.safetensors",
      ]);
      const loaded = await loadModel(dir);
      assert.deepEqual(loaded.layers.map((l) => l.name), model.layers.map((l) => l.name));
      assert.equal(loaded.summary(), model.summary());
      const after = await loaded.apply(x).data();
      assert.deepEqual(after, before);
      model.dispose();
      loaded.dispose();
    });
  });
}

Deno.test("model files: model.json is a graph of { className, config } layers with the version", () => {
  const model = new Sequential([
    layers.conv2d({ filters: 2, kernelSize: 3, padding: 1, inputShape: [5, 5, 1] }),
    layers.batchNorm({ momentum: 0.9 }),
    layers.relu(),
    layers.flatten(),
    layers.dense({ units: 3, activation: "softmax" }),
  ], { seed: 4 });
  const json = modelToJson(model, "id-1");
  assert.equal(json.toolkitVersion, denoJson.version);
  assert.equal(json.className, "Sequential");
  assert.equal(json.saveId, "id-1");
  assert.deepEqual(json.config.inputs, [{ name: "input_1", shape: [5, 5, 1] }]);
  assert.deepEqual(json.config.layers[1], {
    name: "batch_normalization_1",
    className: "BatchNorm",
    config: { momentum: 0.9, epsilon: 1e-3 },
  });
  assert.deepEqual(json.config.layers[4].config, { units: 3, activation: "softmax" });
  assert.deepEqual(json.config.nodes.slice(0, 2), [
    { layer: "conv2d_1", inbound: ["input_1"] },
    { layer: "batch_normalization_1", inbound: ["conv2d_1"] },
  ]);
  assert.deepEqual(json.config.outputs, ["dense_1"]);
  assert.deepEqual(json.weights.map((w) => [w.name, w.trainable]), [
    ["conv2d_1/kernel", true],
    ["conv2d_1/bias", true],
    ["batch_normalization_1/gamma", true],
    ["batch_normalization_1/beta", true],
    ["batch_normalization_1/moving_mean", false],
    ["batch_normalization_1/moving_variance", false],
    ["dense_1/kernel", true],
    ["dense_1/bias", true],
  ]);
  model.dispose();
});

Deno.test("model files: a folder mixing two saves is refused; a pending description completes", async () => {
  await withDir(async (dir) => {
    const a = mnistMlp("relu", 1), b = mnistMlp("relu", 2);
    await saveModel(a, join(dir, "a"));
    await saveModel(b, join(dir, "b"));
    const mixed = join(dir, "mixed");
    await Deno.mkdir(mixed);
    await Deno.copyFile(join(dir, "a", "model.json"), join(mixed, "model.json"));
    await Deno.copyFile(join(dir, "b", "model.safetensors"), join(mixed, "model.safetensors"));
    await assert.rejects(loadModel(mixed), /come from different saves; save the model again/);
    // What a save killed between the weights and the final rename leaves behind.
    await Deno.copyFile(join(dir, "b", "model.json"), join(mixed, "model.json.pending"));
    const loaded = await loadModel(mixed);
    const x = randomBatch([1, 28, 28, 1], 1);
    assert.deepEqual(await loaded.apply(x).data(), await b.apply(x).data());
    [a, b, loaded].forEach((m) => m.dispose());
  });
});

Deno.test("model files: bad model.json contents give clear errors", async () => {
  await withDir(async (dir) => {
    const model = mnistMlp("relu", 1);
    await saveModel(model, dir);
    const path = join(dir, "model.json");
    const good: ModelJson = JSON.parse(await Deno.readTextFile(path));
    const cases: [(j: ModelJson) => void, RegExp][] = [
      [(j) => j.formatVersion = 99, /formatVersion 99 is newer/],
      [(j) => j.format = "other", /not a model file/],
      [
        (j) => j.config.layers[1].className = "Dense3D",
        /unknown layer className "Dense3D"; known: Dense/,
      ],
      [(j) => j.config.nodes[2].inbound = ["input_1"], /must form a chain/],
      [(j) => j.className = "Module", /className "Module" cannot be loaded/],
      [
        (j) => (j.config.layers[1].config as { units: number }).units = 64,
        /dense_1\/kernel is F32\[784,128\] in the file but float32\[784,64\]/,
      ],
    ];
    for (const [edit, pattern] of cases) {
      const j = structuredClone(good);
      edit(j);
      await Deno.writeTextFile(path, JSON.stringify(j));
      await assert.rejects(loadModel(dir), pattern);
    }
    await Deno.remove(join(dir, "model.safetensors"));
    await assert.rejects(
      loadModel(dir),
      /no model\.safetensors \(is this a folder written by saveModel\?\)/,
    );
    model.dispose();
  });
});

Deno.test("model files: a save killed at any moment leaves a folder that loads one whole model", async () => {
  await withDir(async (dir) => {
    const x = randomBatch([1, 28, 28, 1], 5);
    const outputs = await Promise.all([1, 2].map(async (seed) => {
      const m = mnistMlp("relu", seed);
      const y = await m.apply(x).data();
      m.dispose();
      return y;
    }));
    // Kill points spread over the save: each run is killed a different time after its first save.
    for (const [i, delay] of [0, 3, 7, 12, 20, 31].entries()) {
      await killMidSave(dir, 1 + (i % 2), delay);
      const loaded = await loadModel(dir);
      const y = await loaded.apply(x).data();
      loaded.dispose();
      assert.ok(
        outputs.some((o) => o.every((v, j) => v === y[j])),
        `after a kill ${delay} ms in, the folder holds neither model whole`,
      );
    }
  });
});
