/**
 * layers.dense on the last axis of any rank, as Keras' Dense: [batch, time, features] gives
 * [batch, time, units] with one [features, units] kernel; values by hand, summary shapes, errors,
 * masks passed on, model files, a float64 gradient on rank-3 input, and WebGPU against the CPU.
 */
import assert from "node:assert/strict";
import "../../kernels/tensor_methods.ts";
import { setDevice } from "../../kernels/device.ts";
import { Rng } from "../../kernels/random.ts";
import { tensor } from "../../kernels/tensor.ts";
import * as layers from "../../layers/mod.ts";
import { Sequential } from "../../layers/sequential.ts";
import { input } from "../../layers/symbolic.ts";
import { float64Gradcheck } from "../kernels/float64_gradcheck.ts";
import { gpuTest } from "../kernels/webgpu/gpu_available.ts";
import {
  assertCloseTo,
  assertReloadsSame,
  normals,
  outputAndGradients,
  withKernelAndBias,
} from "./layer_test_utils.ts";

await setDevice("cpu");

Deno.test("dense on [batch, time, features]: every token is x·W + b, by hand", async () => {
  const [b, t, f, u] = [2, 3, 4, 5];
  const d = layers.dense({ units: u, biasInitializer: "glorotUniform" });
  const x = normals([b, t, f], 1);
  d.build([t, f], new Rng(2));
  const y = d.apply(x);
  assert.deepEqual(y.shape, [b, t, u]);
  const [xv, w, bias, got] = await Promise.all(
    [x, d.params!.kernel, d.params!.bias!, y].map((v) => v.data()),
  );
  const want = new Float64Array(b * t * u);
  for (let r = 0; r < b * t; r++) {
    for (let j = 0; j < u; j++) {
      let s = bias[j];
      for (let k = 0; k < f; k++) s += xv[r * f + k] * w[k * u + j];
      want[r * u + j] = s;
    }
  }
  assertCloseTo(got, want, 1e-6, "dense [2, 3, 4]");
  // The same GEMM as on the rows [batch·time, features]: equal to the bit.
  assert.deepEqual(await y.data(), await d.apply(x.reshape([b * t, f])).data());
  // Rank 4 too: only the last axis is mixed.
  const x4 = normals([2, 2, 3, f], 3);
  const y4 = d.apply(x4);
  assert.deepEqual(y4.shape, [2, 2, 3, u]);
  assert.deepEqual(await y4.data(), await d.apply(x4.reshape([12, f])).data());
  d.dispose();
});

Deno.test("dense: shapes as Keras, summary [null,t,units], clear errors", () => {
  assert.deepEqual(layers.dense({ units: 3 }).outputShape([7, 5]), [7, 3]);
  assert.deepEqual(layers.dense({ units: 3 }).apply(input({ shape: [2, 7, 5] })).shape, [2, 7, 3]);
  const m = new Sequential([
    layers.dense({ units: 6, activation: "gelu", inputShape: [4, 5] }),
    layers.dense({ units: 2 }),
  ]);
  assert.match(m.summary(), /\[null,4,6\]\s+36/);
  assert.match(m.summary(), /\[null,4,2\]\s+14/);
  assert.equal(m.countParams(), 5 * 6 + 6 + 6 * 2 + 2);
  assert.throws(
    () => layers.dense({ units: 3 }).outputShape([]),
    /dense\w*: expects \[\.\.\., features\] input, got a scalar/,
  );
  const built = layers.dense({ units: 3 });
  built.build([4], new Rng(0));
  assert.throws(
    () => built.apply(input({ shape: [2, 5] })),
    /dense\w*: was built for 4 features on the last axis, got input \[2,5\]/,
  );
  m.dispose();
  built.dispose();
});

Deno.test("dense passes a sequence's mask on (Keras supports_masking)", async () => {
  const ids = tensor(Int32Array.from([1, 2, 0, 3, 0, 0]), [2, 3], "int32");
  const m = new Sequential([
    layers.embedding({ inputDim: 4, outputDim: 3, maskZero: true, inputShape: [3] }),
    layers.dense({ units: 2 }),
  ]);
  const { output, mask } = m.applyWithMask(ids);
  assert.deepEqual(output.shape, [2, 3, 2]);
  assert.ok(mask, "the embedding's mask reaches the model's output");
  assert.deepEqual(Array.from(await mask.cast("float32").data()), [1, 1, 0, 1, 0, 0]);
  m.dispose();
});

Deno.test("dense on [time, features] survives a model file", async () => {
  const m = new Sequential([
    layers.dense({ units: 6, activation: "tanh", inputShape: [3, 4] }),
    layers.dense({ units: 2 }),
  ], { seed: 4 });
  await assertReloadsSame(m, normals([2, 3, 4], 5));
});

float64Gradcheck(
  "dense layer on [batch, time, features], gelu: x, kernel, bias",
  [[2, 3, 4], [4, 5], [5]],
  withKernelAndBias(layers.dense({ units: 5, activation: "gelu" }), [2, 3, 4]),
);

/** dense on [batch, 5, 7] → [batch, 5, 6], relu, seed 1. */
const denseOnSequence = () =>
  new Sequential([layers.dense({ units: 6, activation: "relu", inputShape: [5, 7] })], {
    seed: 1,
  });

await gpuTest("webgpu vs cpu: dense on [batch, time, features] outputs and gradients", async () => {
  const cpu = await outputAndGradients(denseOnSequence, [3, 5, 7], "cpu");
  const gpu = await outputAndGradients(denseOnSequence, [3, 5, 7], "webgpu");
  await setDevice("cpu");
  assert.equal(cpu.length, 4);
  ["output", "dx", "dkernel", "dbias"].forEach((what, k) =>
    assertCloseTo(gpu[k], cpu[k], 1e-5, `dense ${what}`)
  );
});
