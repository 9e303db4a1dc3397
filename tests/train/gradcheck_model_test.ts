/**
 * gradcheck on whole models: the loss gradient with respect to every parameter of the residual
 * CNN (functional and Module), in float64 against central differences, in evaluation and
 * training mode; the model comes back with its own dtype and values; a detached path is caught.
 */
import assert from "node:assert/strict";
import "../../kernels/tensor_methods.ts";
import { setDevice } from "../../kernels/device.ts";
import { noGrad } from "../../kernels/engine.ts";
import { Rng } from "../../kernels/random.ts";
import { type Tensor, tensor } from "../../kernels/tensor.ts";
import type { Layer } from "../../layers/layer.ts";
import * as layers from "../../layers/mod.ts";
import { Module } from "../../layers/module.ts";
import { Sequential } from "../../layers/sequential.ts";
import { gradcheck } from "../../train/gradcheck.ts";
import { functionalResnet, ModuleResnet, tinyImages } from "../layers/resnet_fixture.ts";

await setDevice("cpu");

const models: [string, () => Layer][] = [
  ["functional residual CNN", () => functionalResnet(1)],
  ["the same as a Module", () => new ModuleResnet({ seed: 1 })],
];
const snapshot = (m: Layer) =>
  m.weights().map((w) => ({ dtype: w.tensor.dtype, data: Array.from(w.tensor.dataSync()) }));

Deno.test("gradcheck(model): every parameter of the residual CNN, functional and Module, evaluation mode", () => {
  const { x, y } = tinyImages(1, 4);
  const losses: number[] = [];
  for (const [label, make] of models) {
    const m = make();
    m.ensureBuilt([8, 8, 1]);
    const before = snapshot(m);
    const r = gradcheck(m, { x, y }, { eps: 1e-5 });
    assert.deepEqual(
      r.parameters.map((p) => p.name),
      m.weights().filter((w) => w.trainable).map((w) => w.name),
      label,
    );
    assert.equal(r.parameters.length, 20);
    // Measured 3.6e-7 (eps 1e-5, seed 1).
    assert.ok(r.maxRelError < 1e-5, `${label}: ${r.maxRelError}`);
    assert.deepEqual(snapshot(m), before, `${label}: weights back as they were (float32)`);
    losses.push(r.loss);
    m.dispose();
  }
  assert.equal(losses[0], losses[1], "same architecture and seed, same float64 loss");
});

Deno.test("gradcheck(model): training mode (batch statistics) on the residual CNN; batch-norm state restored", () => {
  const { x, y } = tinyImages(2, 4);
  for (const [label, make] of models) {
    const m = make();
    m.ensureBuilt([8, 8, 1]);
    const before = snapshot(m);
    const r = gradcheck(m, { x, y }, { training: true });
    for (const p of r.parameters) {
      // A conv bias before a batch norm has gradient 0 in training mode: only the difference's
      // rounding (≈1e-10) is left there, so it is held to an absolute bound; the rest to both.
      assert.ok(p.maxAbsError < 1e-8, `${label} ${p.name}: abs ${p.maxAbsError}`);
      if (!p.name.endsWith("bias")) {
        assert.ok(p.maxRelError < 1e-4, `${label} ${p.name}: rel ${p.maxRelError}`);
      }
    }
    assert.deepEqual(snapshot(m), before, `${label}: moving statistics restored too`);
    m.dispose();
  }
});

class Detached extends Module {
  fc1 = layers.dense({ units: 3, activation: "tanh" });
  fc2 = layers.dense({ units: 2 });
  forward(x: Tensor): Tensor {
    const h = this.fc1.apply(x);
    // A bug autograd cannot see: the first layer's output is cut off the graph.
    return this.fc2.apply(noGrad(() => h.mul(1)));
  }
}

function uniforms(shape: number[], seed: number): Tensor {
  const rng = new Rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return tensor(Float32Array.from({ length: n }, () => rng.uniform() * 2 - 1), shape);
}

Deno.test("gradcheck(model) catches a gradient that does not reach a parameter", () => {
  const m = new Detached({ seed: 3 });
  const x = uniforms([5, 4], 1);
  m.apply(x).dispose();
  const r = gradcheck(m, { x, y: Int32Array.from([0, 1, 1, 0, 1]) });
  const by = Object.fromEntries(r.parameters.map((p) => [p.name, p]));
  assert.ok(by["fc1.kernel"].maxRelError > 0.99, `fc1.kernel: ${by["fc1.kernel"].maxRelError}`);
  assert.ok(by["fc2.kernel"].maxRelError < 1e-6, `fc2.kernel: ${by["fc2.kernel"].maxRelError}`);
  m.dispose();
});

Deno.test("gradcheck(model): dropout in training mode draws the same masks at every evaluation; mse targets", () => {
  const m = new Sequential([
    layers.dense({ units: 6, activation: "tanh", inputShape: [4] }),
    layers.dropout(0.4),
    layers.dense({ units: 2 }),
  ], { seed: 5 });
  const x = uniforms([6, 4], 2), target = uniforms([6, 2], 3);
  const r = gradcheck(m, { x, y: target }, { loss: "mse", training: true, eps: 1e-5 });
  assert.equal(r.parameters.length, 4);
  assert.ok(r.maxRelError < 1e-6, `${r.maxRelError}`);
  m.dispose();
});
