/**
 * Model files for functional graphs (branches, merges, several inputs, shared layers, nested
 * models), and weights files for Modules (code: saved and loaded by path name).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import "../../io/model_methods.ts";
import { loadModel, type ModelJson, modelToJson, saveModel } from "../../io/model_file.ts";
import { saveWeights } from "../../io/weights.ts";
import { noGrad } from "../../kernels/engine.ts";
import { type Tensor, tensor } from "../../kernels/tensor.ts";
import type { Layer } from "../../layers/layer.ts";
import * as layers from "../../layers/mod.ts";
import { Model } from "../../layers/model.ts";
import { Module } from "../../layers/module.ts";
import { Sequential } from "../../layers/sequential.ts";
import { input } from "../../layers/symbolic.ts";
import { functionalResnet, ModuleResnet, tinyImages } from "../layers/resnet_fixture.ts";
import { withDir } from "./temp_dir.ts";
import { scramble, uniforms } from "./scramble.ts";
import { killMidSave } from "./kill_mid_save.ts";

const predict = (m: Layer, x: Tensor | Tensor[]) => m.apply(x).data();

/** Two inputs, a dense layer applied to both (shared weights), merges, nested models. */
function twoInputModel(seed: number): Model {
  const a = input({ shape: [4], name: "left" }), b = input({ shape: [4], name: "right" });
  const shared = layers.dense({ units: 3, activation: "tanh" });
  const ha = shared.apply(a), hb = shared.apply(b);
  const cat = layers.concatenate({ axis: -1 }).apply([ha, hb]);
  const prod = layers.multiply().apply([ha, hb]);
  const avg = layers.average().apply([ha, hb, prod]);
  const head = new Sequential([
    layers.dense({ units: 5, activation: "relu" }),
    layers.dense({ units: 3 }),
  ], {
    inputShape: [6],
  });
  const ip = input({ shape: [3] });
  const inner = new Model({
    inputs: ip,
    outputs: layers.add().apply([ip, layers.dense({ units: 3 }).apply(ip)]),
  });
  const out = layers.add().apply([head.apply(cat), inner.apply(avg)]);
  return new Model({ inputs: [a, b], outputs: out, seed, name: "two_towers" });
}

Deno.test("model files: a functional residual CNN reloads without its code and predicts bit-identically", async () => {
  await withDir(async (dir) => {
    const model = functionalResnet(3);
    scramble(model);
    const { x } = tinyImages(1, 4);
    model.apply(x, { training: true }).dispose(); // moves the batch-norm statistics
    const before = await predict(model, x);
    await model.save(dir);
    const json: ModelJson = JSON.parse(await Deno.readTextFile(join(dir, "model.json")));
    assert.equal(json.className, "Model");
    // The residual merge reads the block's input and its last batch norm.
    const merges = json.config.nodes.filter((n) => n.layer.startsWith("add"));
    assert.equal(merges.length, 2);
    assert.deepEqual(merges[0].inbound, ["conv2d_1", "batch_normalization_2"]);
    const loaded = await loadModel(dir);
    assert.ok(loaded instanceof Model && !(loaded instanceof Sequential));
    assert.equal(loaded.summary(), model.summary());
    assert.deepEqual(await predict(loaded, x), before);
    model.dispose();
    loaded.dispose();
  });
});

Deno.test("model files: several inputs, a shared layer, merges and nested models round-trip", async () => {
  await withDir(async (dir) => {
    const model = twoInputModel(2);
    scramble(model);
    const xs = [uniforms([3, 4], 1), uniforms([3, 4], 2)];
    const before = await predict(model, xs);
    await saveModel(model, dir);
    const json = modelToJson(model, "x");
    assert.deepEqual(json.config.inputs.map((i) => i.name), ["left", "right"]);
    const sharedCalls = json.config.nodes.filter((n) => n.layer === "dense_1");
    assert.deepEqual(sharedCalls.map((n) => n.inbound), [["left"], ["right"]]);
    assert.ok(json.config.nodes.some((n) => n.inbound.includes("dense_1[1]")));
    const nested = json.config.layers.filter((l) =>
      l.className !== "Dense" && /^(Sequential|Model)$/.test(l.className)
    );
    assert.deepEqual(nested.map((l) => l.className), ["Sequential", "Model"]);

    const loaded = await loadModel(dir);
    assert.equal(loaded.name, "two_towers");
    assert.equal(loaded.summary(), model.summary());
    assert.deepEqual(await predict(loaded, xs), before);
    // The shared layer is one object called twice: one kernel, its gradient from both calls.
    const dense = loaded.layers.filter((l) => l.name === "dense_1");
    assert.equal(dense.length, 1);
    assert.equal(loaded.weights().length, model.weights().length);
    assert.deepEqual(
      loaded.layerSummaries().filter((r) => r.name.startsWith("dense_1")).map((r) => r.name),
      ["dense_1", "dense_1[1]"],
    );
    model.dispose();
    loaded.dispose();
  });
});

Deno.test("model files: truncated, corrupt or inconsistent model.json gives a clear error", async () => {
  await withDir(async (dir) => {
    const model = twoInputModel(1);
    await saveModel(model, dir);
    const path = join(dir, "model.json");
    const text = await Deno.readTextFile(path);
    await Deno.writeTextFile(path, text.slice(0, text.length / 2));
    await assert.rejects(
      loadModel(dir),
      /model\.json is truncated or corrupt: not JSON .*save the model again/,
    );
    await Deno.writeTextFile(path, "\u0000\u0001garbage");
    await assert.rejects(loadModel(dir), /truncated or corrupt/);
    const good: ModelJson = JSON.parse(text);
    const cases: [(j: ModelJson) => unknown, RegExp][] = [
      [
        (j) => j.config.nodes[2].inbound = ["nowhere"],
        /reads "nowhere", which is neither an input nor an earlier node/,
      ],
      [
        (j) => j.config.nodes[0].layer = "ghost",
        /node 0 calls layer "ghost", which is not in the layer list/,
      ],
      [(j) => j.config.outputs = ["left2"], /output "left2" is not a node's output/],
      [(j) => j.config.nodes.pop(), /layers add_\d are never called by a node/],
      [(j) => j.config.layers[1].name = j.config.layers[0].name, /two layers are named "dense_1"/],
      [
        (j) => (j.config.inputs[0].shape = [5]),
        /dense_1\/kernel is F32\[4,3\] in the file but float32\[5,3\] in the model/,
      ],
      [
        (j) => (j.config.inputs[0].shape = [0]),
        /input left: input: shape must be a list of positive/,
      ],
      [(j) => delete (j as Partial<ModelJson>).config, /Model has no config object/],
    ];
    for (const [edit, pattern] of cases) {
      const j = structuredClone(good);
      edit(j);
      await Deno.writeTextFile(path, JSON.stringify(j));
      await assert.rejects(loadModel(dir), pattern, String(pattern));
    }
    await Deno.writeTextFile(path, "null");
    await assert.rejects(
      loadModel(dir),
      /model\.json is corrupt: it holds null, not a model description/,
    );
    model.dispose();
  });
});

Deno.test("model files: a failed save leaves the previous model loadable", async () => {
  await withDir(async (dir) => {
    const a = twoInputModel(1);
    const xs = [uniforms([2, 4], 1), uniforms([2, 4], 2)];
    const want = await predict(a, xs);
    await a.save(dir);
    const b = twoInputModel(2);
    const w = b.weights()[0].tensor;
    noGrad(() => w.assign(tensor(new Float32Array(w.size).fill(NaN), w.shape)));
    await assert.rejects(b.save(dir), /holds NaN or Infinity/);
    const loaded = await loadModel(dir);
    assert.deepEqual(await predict(loaded, xs), want);
    [a, b, loaded].forEach((m) => m.dispose());
  });
});

class Holder extends Module {
  enc = twoInputModel(5);
  scale = this.param("scale", tensor([2, -1, 0.5]));
  forward(a: Tensor, b: Tensor): Tensor {
    return this.enc.apply([a, b]).mul(this.scale);
  }
}

Deno.test("model files: a Module cannot be saved whole; the error says to use saveWeights", async () => {
  await withDir(async (dir) => {
    const net = new ModuleResnet();
    net.build([8, 8, 1]);
    await assert.rejects(
      saveModel(net, dir),
      /module_resnet is a Module \(class ModuleResnet\): its forward\(\) is code.*saveWeights/,
    );
    await assert.rejects(net.save(dir), /saveWeights/);
    // A functional model holding a Module: the same advice, naming the layer.
    const inp = input({ shape: [8, 8, 1] });
    const inner = new ModuleResnet();
    inner.build([8, 8, 1]);
    const outer = new Model({ inputs: inp, outputs: inner.apply(inp) });
    await assert.rejects(
      saveModel(outer, dir),
      /layer "module_resnet_1" of model "model" is a Module \(class ModuleResnet\)/,
    );
    assert.deepEqual([...Deno.readDirSync(dir)], [], "nothing written");
    [net, outer].forEach((m) => m.dispose());
  });
});

Deno.test("weights files: a Module saves and loads by path name; missing, extra and mis-shaped tensors are named", async () => {
  await withDir(async (dir) => {
    const path = join(dir, "net.safetensors");
    const { x } = tinyImages(2, 3);
    const a = new ModuleResnet({ seed: 1 });
    a.apply(x).dispose();
    scramble(a);
    const want = await predict(a, x);
    await a.saveWeights(path);
    const names = a.weights().map((w) => w.name);
    assert.ok(
      names.includes("blocks.0.c1.kernel") && names.includes("blocks.1.bn2.moving_variance"),
    );

    const b = new ModuleResnet({ seed: 9, inputShape: [8, 8, 1] }); // built by loadWeights
    assert.notDeepEqual(await predict(new ModuleResnet({ seed: 9 }), x), want);
    await b.loadWeights(path);
    assert.deepEqual(await predict(b, x), want);

    const cut = join(dir, "cut.safetensors");
    await saveWeights(a.weights().filter((w) => w.name !== "blocks.1.c2.bias"), cut);
    await assert.rejects(
      b.loadWeights(cut),
      /cut\.safetensors: no tensor named blocks\.1\.c2\.bias/,
    );
    const more = join(dir, "more.safetensors");
    await saveWeights([...a.weights(), { name: "head.kernel", tensor: tensor([1]) }], more);
    await assert.rejects(b.loadWeights(more), /tensors the model does not have: head\.kernel/);
    await b.loadWeights(more, { strict: false });
    const wide = new ModuleResnet();
    wide.fc = layers.dense({ units: 4 });
    wide.apply(x).dispose();
    await assert.rejects(
      wide.loadWeights(path),
      /fc\.kernel is F32\[256,3\] in the file but float32\[256,4\] in the model/,
    );
    const unbuilt = new ModuleResnet();
    await assert.rejects(
      unbuilt.loadWeights(path),
      /module_resnet is not built.*build\(inputShape\)/,
    );
    [a, b, wide].forEach((m) => m.dispose());
  });
});

Deno.test("weights files: a Module holding a functional Model, and a Model holding a Module, round-trip", async () => {
  await withDir(async (dir) => {
    const xs = [uniforms([2, 4], 3), uniforms([2, 4], 4)];
    const h1 = new Holder(), h2 = new Holder();
    h1.apply(xs).dispose();
    scramble(h1);
    const want = await predict(h1, xs);
    assert.ok(h1.weights().some((w) => w.name === "enc.dense_1.kernel"));
    await h1.saveWeights(join(dir, "holder.safetensors"));
    h2.apply(xs).dispose();
    await h2.loadWeights(join(dir, "holder.safetensors"));
    assert.deepEqual(await predict(h2, xs), want);

    const { x } = tinyImages(3, 2);
    const outer = (seed: number) => {
      const inp = input({ shape: [8, 8, 1] });
      const net = new ModuleResnet({ seed });
      net.build([8, 8, 1]);
      return new Model({ inputs: inp, outputs: layers.softmax().apply(net.apply(inp)), seed });
    };
    const m1 = outer(1), m2 = outer(2);
    scramble(m1);
    const y1 = await predict(m1, x);
    assert.notDeepEqual(await predict(m2, x), y1);
    await m1.saveWeights(join(dir, "outer.safetensors"));
    await m2.loadWeights(join(dir, "outer.safetensors"));
    assert.deepEqual(await predict(m2, x), y1);
    [h1, h2, m1, m2].forEach((m) => m.dispose());
  });
});

Deno.test("model files: a functional model's save killed at any moment leaves one whole model", async () => {
  await withDir(async (dir) => {
    const { x } = tinyImages(4, 2);
    const outputs = await Promise.all([1, 2].map(async (seed) => {
      const m = functionalResnet(seed);
      const y = await predict(m, x);
      m.dispose();
      return y;
    }));
    for (const [i, delay] of [0, 5, 11, 23].entries()) {
      await killMidSave(dir, 1 + (i % 2), delay, "functional");
      const loaded = await loadModel(dir);
      const y = await predict(loaded, x);
      loaded.dispose();
      assert.ok(
        outputs.some((o) => o.every((v, j) => v === y[j])),
        `after a kill ${delay} ms in, the folder holds neither model whole`,
      );
    }
  });
});
