import assert from "node:assert/strict";
import "../../kernels/tensor_methods.ts";
import { setDevice } from "../../kernels/device.ts";
import { mul } from "../../kernels/ops/mod.ts";
import { type Tensor, tensor } from "../../kernels/tensor.ts";
import * as layers from "../../layers/mod.ts";
import { Model } from "../../layers/model.ts";
import { Module } from "../../layers/module.ts";
import { input } from "../../layers/symbolic.ts";
import { loadCheckpoint, saveCheckpoint } from "../../train/checkpoint.ts";
import { fit } from "../../train/fit.ts";
import { sgd } from "../../train/optimizers.ts";
import { Block, ModuleResnet } from "./resnet_fixture.ts";

await setDevice("cpu");

class Mlp extends Module {
  hidden = [layers.dense({ units: 3, activation: "tanh" }), layers.dense({ units: 3 })];
  heads = new Map([["out", layers.dense({ units: 2 })]]);
  scale = this.param("scale", { shape: [2], initializer: "ones" });
  drop = layers.dropout(0.5);
  forward(x: Tensor): Tensor {
    let h = x;
    for (const l of this.hidden) h = l.apply(h);
    return mul(this.heads.get("out")!.apply(this.drop.apply(h)), this.scale);
  }
}

Deno.test("module fields are walked and named by path; counts are stable", () => {
  const m = new Mlp({ seed: 1 }).build([4]);
  assert.deepEqual(m.weights().map((w) => w.name), [
    "scale",
    "hidden.0.kernel",
    "hidden.0.bias",
    "hidden.1.kernel",
    "hidden.1.bias",
    "heads.out.kernel",
    "heads.out.bias",
  ]);
  assert.equal(m.countParams(), 2 + 15 + 12 + 8);
  assert.deepEqual(
    new Mlp({ seed: 1 }).build([4]).parameters().map((p) => Array.from(p.dataSync())),
    m.parameters().map((p) => Array.from(p.dataSync())),
    "same seed ⇒ same parameters",
  );
  // forward uses a raw op (mul), so the table has no traced shapes, only parameters.
  assert.match(m.summary(), /scale \(parameters\)\s+2\n/);
  assert.match(m.summary(), /hidden\.0 \(Dense\)\s+15/);
  assert.match(m.summary(), /Trainable params: 37/);
  const r = new ModuleResnet().build([8, 8, 1]);
  assert.match(r.summary(), /blocks\.1 \(Block\)\s+\[null,8,8,4\]\s+312/);
  assert.match(r.summary(), /blocks\.1\.bn2 \(BatchNorm\)\s+\[null,8,8,4\]\s+8/);
  assert.match(r.summary(), /fc \(Dense\)\s+\[null,3\]\s+771/);
  r.dispose();
});

Deno.test("nested modules: names by path, a shared layer listed once", () => {
  const r = new ModuleResnet({ seed: 2 }).build([8, 8, 1]);
  const names = r.weights().map((w) => w.name);
  assert.ok(names.includes("blocks.0.c1.kernel"), names.join());
  assert.ok(names.includes("blocks.1.bn2.moving_variance"), names.join());
  assert.equal(names.length, new Set(names).size);
  class Twice extends Module {
    d = layers.dense({ units: 2 });
    alias = this.d;
    forward(x: Tensor) {
      return this.alias.apply(this.d.apply(x));
    }
  }
  const t = new Twice().build([2]);
  assert.deepEqual(t.weights().map((w) => w.name), ["d.kernel", "d.bias"]);
  r.dispose();
});

Deno.test("train() and eval() set the mode recursively; fit trains, evaluate evaluates", async () => {
  const seen: boolean[] = [];
  class Probe extends Module {
    inner = new Block();
    fc = layers.dense({ units: 2 });
    flat = layers.flatten();
    forward(x: Tensor) {
      seen.push(this.training && this.inner.training && this.inner.bn1.training);
      return this.fc.apply(this.flat.apply(this.inner.apply(x)));
    }
  }
  const p = new Probe();
  p.train();
  assert.ok(p.inner.bn1.training && p.inner.c1.training);
  p.eval();
  assert.ok(!p.inner.bn1.training && !p.training);
  const x = tensor(Float32Array.from({ length: 8 * 16 * 4 }, (_, i) => (i % 7) / 7), [8, 4, 4, 4]);
  const y = Int32Array.from({ length: 8 }, (_, i) => i % 2);
  seen.length = 0;
  await fit(p, { x, y }, { epochs: 1, batchSize: 4, optimizer: sgd(), verbose: false });
  assert.deepEqual(seen.slice(-2), [true, true], "fit runs forward in training mode");
  const before = p.inner.bn1.movingMean!.dataSync().slice();
  p.eval();
  p.apply(x);
  assert.deepEqual(
    p.inner.bn1.movingMean!.dataSync(),
    before,
    "eval leaves batch-norm state alone",
  );
  p.dispose();
});

Deno.test("a Module can hold a Model, and a Model can hold a Module", () => {
  const inp = input({ shape: [3] });
  const backbone = new Model({ inputs: inp, outputs: layers.dense({ units: 4 }).apply(inp) });
  class Head extends Module {
    backbone = backbone;
    fc = layers.dense({ units: 2 });
    forward(x: Tensor) {
      return this.fc.apply(this.backbone.apply(x));
    }
  }
  const h = new Head().build([3]);
  assert.deepEqual(h.weights().map((w) => w.name), [
    "backbone.dense_1.kernel",
    "backbone.dense_1.bias",
    "fc.kernel",
    "fc.bias",
  ]);
  const i2 = input({ shape: [8, 8, 4] });
  const blockOut = new Block().apply(i2);
  assert.deepEqual(blockOut.shape, [8, 8, 4], "a module traces its output shape");
  const outer = new Model({
    inputs: i2,
    outputs: layers.dense({ units: 2 }).apply(layers.flatten().apply(blockOut)),
  });
  const names = outer.weights().map((w) => w.name);
  assert.equal(names[0], "block_1/c1.kernel");
  assert.match(outer.summary(), /block_1 \(Block\)\s+\[null,8,8,4\]\s+312\s+input_\d+/);
  const y = outer.apply(tensor(new Float32Array(2 * 256), [2, 8, 8, 4]));
  assert.deepEqual(y.shape, [2, 2]);
});

Deno.test("checkpoints take a Module like any model", async () => {
  const a = new Mlp({ seed: 1 }).build([4]), b = new Mlp({ seed: 9 }).build([4]);
  const dir = await Deno.makeTempDir();
  await saveCheckpoint(a, `${dir}/m.ckpt`);
  await loadCheckpoint(b, `${dir}/m.ckpt`);
  assert.deepEqual(
    b.parameters().map((p) => Array.from(p.dataSync())),
    a.parameters().map((p) => Array.from(p.dataSync())),
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a module says how to give it an input shape", () => {
  assert.throws(() => new Mlp().build(), /unknown input shape; call build\(shape\)/);
  class Raw extends Module {
    w = this.param("w", tensor([1, 2]));
    forward(x: Tensor) {
      return mul(x, this.w);
    }
  }
  assert.throws(() => new Raw().apply(input({ shape: [2] })), /cannot trace forward/);
  using r = new Raw().build([2]);
  assert.deepEqual(r.apply(input({ shape: [2] })).shape, [2], "built: a dry run gives the shape");
});
