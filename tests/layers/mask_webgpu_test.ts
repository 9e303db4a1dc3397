/**
 * A masked model on WebGPU (lavapipe in CI) against the CPU: embedding(maskZero) → bidirectional
 * LSTM → self-attention with the mask → residual add → masked mean and max pooling → dense, on a
 * right-padded batch; the outputs and every parameter's gradient agree to float32 rounding.
 */
import assert from "node:assert/strict";
import "../../kernels/tensor_methods.ts";
import { gradients } from "../../kernels/autograd.ts";
import { setDevice } from "../../kernels/device.ts";
import { tensor } from "../../kernels/tensor.ts";
import * as layers from "../../layers/mod.ts";
import { Model } from "../../layers/model.ts";
import { input } from "../../layers/symbolic.ts";
import { gpuTest } from "../kernels/webgpu/gpu_available.ts";
import { assertCloseTo } from "./layer_test_utils.ts";

const T = 6;
// Rows of 6, 2 and 4 words, right-padded with id 0.
const IDS = [3, 1, 4, 1, 5, 2, 6, 5, 0, 0, 0, 0, 3, 5, 8, 9, 0, 0];

async function run(device: "cpu" | "webgpu"): Promise<Float32Array[]> {
  await setDevice(device);
  const ids = input({ shape: [T] });
  const e = layers.embedding({ inputDim: 10, outputDim: 4, maskZero: true }).apply(ids);
  const seq = layers.bidirectional({ layer: layers.lstm({ units: 3, returnSequences: true }) })
    .apply(e);
  const att = layers.multiHeadAttention({ numHeads: 2, keyDim: 3 }).apply([seq, seq]);
  const res = layers.add().apply([att, seq]);
  const pooled = layers.concatenate().apply([
    layers.globalAveragePooling1d().apply(res),
    layers.globalMaxPooling1d().apply(res),
  ]);
  const net = new Model({
    inputs: ids,
    outputs: layers.dense({ units: 2 }).apply(pooled),
    seed: 7,
  });
  const y = net.apply(tensor(Int32Array.from(IDS), [3, T], "int32"));
  const ps = net.parameters();
  const gs = gradients(y.mul(tensor(Float32Array.from([1, -2, 3, 0.5, -1, 2]), [3, 2])).sum(), ps);
  const out = await Promise.all(
    [y, ...gs.map((g) => g!)].map(async (t) => Float32Array.from(await t.data())),
  );
  net.dispose();
  return out;
}

await gpuTest("webgpu vs cpu: a masked model's outputs and gradients", async () => {
  const cpu = await run("cpu");
  const gpu = await run("webgpu");
  await setDevice("cpu");
  assert.equal(gpu.length, cpu.length);
  cpu.forEach((c, k) => {
    assert.ok(c.some((v) => v !== 0), `tensor ${k} is not all zero`);
    assertCloseTo(gpu[k], c, 2e-5, `tensor ${k}`);
  });
});
