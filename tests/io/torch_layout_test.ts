import assert from "node:assert/strict";
import { join } from "node:path";
import { readSafetensors, writeSafetensors } from "../../io/safetensors.ts";
import {
  loadSafetensors,
  permuteAxes,
  saveSafetensors,
  torchInputPermutation,
  torchSequentialSource,
} from "../../io/torch_layout.ts";
import { noGrad } from "../../kernels/engine.ts";
import { Rng } from "../../kernels/random.ts";
import { type Tensor, tensor } from "../../kernels/tensor.ts";
import * as layers from "../../layers/mod.ts";
import { Sequential } from "../../layers/sequential.ts";
import { cifarStarter, kerasCifarCnn, rdfiaNet } from "../../tasks/cifar10_models.ts";
import { mnistCnn, mnistMlp, mnistStarter } from "../../tasks/mnist_models.ts";
import { maxAbsDiff } from "../../train/finite_differences.ts";
import { ignoreWithoutTorch, PYTHON } from "../torch_python.ts";
import { withDir } from "./temp_dir.ts";

const SCRIPT = new URL("./torch_interop.py", import.meta.url).pathname;

function uniform(shape: number[], seed: number, lo = 0, hi = 1): Tensor {
  const rng = new Rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return tensor(Float32Array.from({ length: n }, () => lo + (hi - lo) * rng.uniform()), shape);
}

/** A model that uses what the course models do not: strides, uneven padding, BN1d, no bias. */
function extraModel(seed: number): Sequential {
  return new Sequential([
    layers.conv2d({
      filters: 3,
      kernelSize: 3,
      strides: 2,
      padding: "same",
      inputShape: [8, 8, 2],
    }),
    layers.activation("tanh"),
    layers.conv2d({ filters: 4, kernelSize: [2, 3], useBias: false, activation: "sigmoid" }),
    layers.maxPool2d({ poolSize: 2, strides: 1 }),
    layers.flatten(),
    layers.dense({ units: 5 }),
    layers.batchNorm({ momentum: 0.8, epsilon: 1e-4 }),
    layers.dense({ units: 3, activation: "softmax" }),
  ], { seed });
}

/** Dilated convs: "same" on the dilated extent (even and uneven pads) and "valid". */
function dilatedModel(seed: number): Sequential {
  return new Sequential([
    layers.conv2d({
      filters: 3,
      kernelSize: 3,
      dilationRate: 2,
      padding: "same",
      inputShape: [9, 8, 2],
    }),
    layers.conv2d({ filters: 2, kernelSize: 2, dilationRate: [3, 1], padding: "same" }),
    layers.conv2d({ filters: 2, kernelSize: [2, 3], dilationRate: [1, 2], activation: "relu" }),
    layers.flatten(),
    layers.dense({ units: 3 }),
  ], { seed });
}

/** Conv1d: causal (dilated), uneven "same", strided "valid" and a Flatten of [steps, channels]. */
function conv1dModel(seed: number): Sequential {
  return new Sequential([
    layers.conv1d({
      filters: 3,
      kernelSize: 3,
      padding: "causal",
      dilationRate: 2,
      activation: "relu",
      inputShape: [11, 2],
    }),
    layers.conv1d({ filters: 4, kernelSize: 2, padding: "same", useBias: false }),
    layers.conv1d({ filters: 2, kernelSize: 3, strides: 2, activation: "tanh" }),
    layers.flatten(),
    layers.dense({ units: 3 }),
  ], { seed });
}

/**
 * Depthwise (multiplier 2, strided uneven "same"; dilated; no bias) and separable convs (relu in
 * the pointwise kernel; no bias, tanh), so each layout and the groups=C mapping matter; bilinear
 * and nearest upsampling.
 */
function depthwiseModel(seed: number): Sequential {
  return new Sequential([
    layers.depthwiseConv2d({
      kernelSize: 3,
      depthMultiplier: 2,
      strides: 2,
      padding: "same",
      inputShape: [10, 12, 3],
    }),
    layers.depthwiseConv2d({ kernelSize: [2, 3], dilationRate: [1, 2], useBias: false }),
    layers.upSampling2d({ size: [2, 3], interpolation: "bilinear" }),
    layers.separableConv2d({ filters: 4, kernelSize: 2, padding: "same", activation: "relu" }),
    layers.separableConv2d({
      filters: 3,
      kernelSize: [3, 2],
      depthMultiplier: 3,
      useBias: false,
      activation: "tanh",
    }),
    layers.upSampling2d({ size: [1, 2] }),
    layers.flatten(),
    layers.dense({ units: 3 }),
  ], { seed });
}

/**
 * Transposed convs: "same" with an even total (k 4, s 2), an odd total (k 3, s 2: cropped after),
 * "valid" with the kernel below the stride (output_padding), a dilated one and no bias.
 */
function transposeModel(seed: number): Sequential {
  return new Sequential([
    layers.conv2dTranspose({
      filters: 3,
      kernelSize: 4,
      strides: 2,
      padding: "same",
      activation: "relu",
      inputShape: [3, 4, 2],
    }),
    layers.conv2dTranspose({ filters: 2, kernelSize: [3, 2], strides: [2, 1], padding: "same" }),
    layers.conv2dTranspose({ filters: 2, kernelSize: 1, strides: 2, useBias: false }),
    layers.conv2dTranspose({ filters: 2, kernelSize: 2, dilationRate: 2, activation: "tanh" }),
    layers.flatten(),
    layers.dense({ units: 3 }),
  ], { seed });
}

/**
 * Dense on [steps, features] (Linear on the last axis, input not permuted), a dropout and a
 * softmax over the last axis (dim=-1 in torch), so a wrong input layout or softmax axis shows.
 */
function denseStepsModel(seed: number): Sequential {
  return new Sequential([
    layers.dense({ units: 4, activation: "tanh", inputShape: [5, 3] }),
    layers.dropout(0.1),
    layers.dense({ units: 3, useBias: false }),
    layers.activation("softmax"),
  ], { seed });
}

/** Dense on a rank-3 [2, 3, 4] input, then a Flatten in our order and a Dense on it. */
function denseRank3Model(seed: number): Sequential {
  return new Sequential([
    layers.dense({ units: 2, activation: "relu", inputShape: [2, 3, 4] }),
    layers.flatten(),
    layers.dense({ units: 3, activation: "softmax" }),
  ], { seed });
}

const models: [string, (seed: number) => Sequential, number[]][] = [
  ["mnist_mlp", (s) => mnistMlp("relu", s), [28, 28, 1]],
  ["mnist_cnn_dropout", (s) => mnistCnn(true, s), [28, 28, 1]],
  ["mnist_starter", (s) => mnistStarter(s), [28, 28, 1]],
  ["keras_cifar_cnn", (s) => kerasCifarCnn(s), [32, 32, 3]],
  ["cifar_starter", (s) => cifarStarter(s), [32, 32, 3]],
  ["rdfia_bn_dropout", (s) => rdfiaNet(s, { batchNorm: true, dropout: true }), [32, 32, 3]],
  ["extra", extraModel, [8, 8, 2]],
  ["dilated", dilatedModel, [9, 8, 2]],
  ["conv1d", conv1dModel, [11, 2]],
  ["depthwise_separable", depthwiseModel, [10, 12, 3]],
  ["transpose", transposeModel, [3, 4, 2]],
  ["dense_steps", denseStepsModel, [5, 3]],
  ["dense_rank3", denseRank3Model, [2, 3, 4]],
];

Deno.test({
  name: "torch layout: PyTorch loads our weights and predicts the same; we load PyTorch's",
  ignore: ignoreWithoutTorch,
  async fn() {
    await withDir(async (root) => {
      const jobs = [];
      const prepared = [];
      for (const [key, make, shape] of models) {
        const dir = join(root, key);
        await Deno.mkdir(dir);
        const model = make(1);
        // Non-zero biases and moved batch-norm statistics, so every tensor's mapping matters.
        const x = uniform([4, ...shape], 2);
        noGrad(() => {
          model.weights().forEach((w, i) => {
            if (!w.name.endsWith("/bias")) return;
            const b = uniform(w.tensor.shape, 10 + i, -0.1, 0.1);
            w.tensor.assign(b);
            b.dispose();
          });
        });
        model.apply(uniform([4, ...shape], 3, 0, 2), { training: true }).dispose();
        await saveSafetensors(model, join(dir, "ours.safetensors"), { layout: "torch" });
        await writeSafetensors(join(dir, "x.safetensors"), {
          x: { shape: x.shape, data: await x.data() },
        });
        jobs.push({
          key,
          dir,
          source: torchSequentialSource(model),
          inputPerm: torchInputPermutation(model),
        });
        prepared.push({ key, dir, model, make, x });
      }
      await Deno.writeTextFile(join(root, "jobs.json"), JSON.stringify(jobs));
      const r = await new Deno.Command(PYTHON, { args: [SCRIPT, join(root, "jobs.json")] })
        .output();
      const td = new TextDecoder();
      assert.ok(r.success, td.decode(r.stderr) + td.decode(r.stdout));
      for (const { key, dir, model, make, x } of prepared) {
        const y = (await readSafetensors(join(dir, "y.safetensors"))).tensors;
        const ours = await model.apply(x).data();
        const d1 = maxAbsDiff(ours, y.get("y_ours")!.data as Float32Array);
        assert.ok(d1 <= 1e-5, `${key}: torch with our weights differs by ${d1}`);
        const fresh = make(9);
        await loadSafetensors(fresh, join(dir, "torch_state.safetensors"), { layout: "torch" });
        const d2 = maxAbsDiff(await fresh.apply(x).data(), y.get("y_torch")!.data as Float32Array);
        assert.ok(d2 <= 1e-5, `${key}: our model with torch's weights differs by ${d2}`);
        model.dispose();
        fresh.dispose();
      }
    });
  },
});

function smallCnn(seed: number): Sequential {
  return new Sequential([
    layers.conv2d({
      filters: 2,
      kernelSize: 3,
      padding: "same",
      activation: "relu",
      inputShape: [4, 4, 1],
    }),
    layers.batchNorm(),
    layers.maxPool2d({ poolSize: 2 }),
    layers.flatten(),
    layers.dense({ units: 3, activation: "softmax" }),
  ], { seed });
}

Deno.test("torch layout: names, shapes and the equivalent module of a small CNN", async () => {
  await withDir(async (dir) => {
    const model = smallCnn(0);
    assert.equal(
      torchSequentialSource(model),
      "nn.Sequential(\n    nn.Conv2d(1, 2, 3, padding=1),\n    nn.ReLU(),\n" +
        "    nn.BatchNorm2d(2, eps=0.001, momentum=0.01),\n    nn.MaxPool2d(2, 2),\n" +
        "    nn.Flatten(),\n    nn.Linear(8, 3),\n    nn.Softmax(dim=1),\n)",
    );
    const path = join(dir, "t.safetensors");
    await saveSafetensors(model, path, { layout: "torch" });
    const f = await readSafetensors(path);
    assert.deepEqual(
      [...f.tensors].map(([k, t]) => `${k} ${t.dtype}[${t.shape}]`),
      [
        "0.weight F32[2,1,3,3]",
        "0.bias F32[2]",
        "2.weight F32[2]",
        "2.bias F32[2]",
        "2.running_mean F32[2]",
        "2.running_var F32[2]",
        "2.num_batches_tracked I64[]",
        "5.weight F32[3,8]",
        "5.bias F32[3]",
      ],
    );
    // Columns of the Dense after Flatten follow NCHW order: torch column c·H·W + h·W + w.
    const kernel = await model.layers[4].weights()[0].tensor.data(); // [h·W·C + w·C + c, out]
    const w = f.tensors.get("5.weight")!.data as Float32Array;
    for (const [h, ww, c, o] of [[0, 0, 1, 2], [1, 0, 0, 1], [1, 1, 1, 0]]) {
      assert.equal(w[o * 8 + (c * 4 + h * 2 + ww)], kernel[(h * 2 * 2 + ww * 2 + c) * 3 + o]);
    }
    // And back: a fresh model loads the file to the same weights.
    const again = smallCnn(5);
    await loadSafetensors(again, path, { layout: "torch" });
    for (const [i, wt] of again.weights().entries()) {
      assert.deepEqual(await wt.tensor.data(), await model.weights()[i].tensor.data(), wt.name);
    }
    // Clear errors for a file that does not fit.
    const bad = join(dir, "bad.safetensors");
    await writeSafetensors(bad, {
      "0.weight": { shape: [2, 1, 3, 3], data: new Float32Array(18) },
    });
    await assert.rejects(
      loadSafetensors(again, bad, { layout: "torch" }),
      /no tensor named 0\.bias, 2\.weight/,
    );
    const f2 = Object.fromEntries(
      [...f.tensors].map(([k, t]) => [k, { shape: t.shape, data: t.data }]),
    );
    f2["5.weight"] = { shape: [8, 3], data: new Float32Array(24) };
    await writeSafetensors(bad, f2);
    await assert.rejects(
      loadSafetensors(again, bad, { layout: "torch" }),
      /5\.weight is \[8,3\] in the file, the model needs \[3,8\]/,
    );
    f2["9.weight"] = { shape: [1], data: new Float32Array(1) };
    f2["5.weight"] = { shape: [3, 8], data: new Float32Array(24) };
    await writeSafetensors(bad, f2);
    await assert.rejects(
      loadSafetensors(again, bad, { layout: "torch" }),
      /torch model does not have: 9\.weight/,
    );
    model.dispose();
    again.dispose();
  });
});

Deno.test("torch layout: permuteAxes reorders like a transpose", () => {
  const a = Float32Array.from({ length: 24 }, (_, i) => i); // [2, 3, 4]
  const p = permuteAxes(a, [2, 3, 4], [2, 0, 1]); // → [4, 2, 3]
  for (let i = 0; i < 2; i++) {
    for (let j = 0; j < 3; j++) {
      for (let k = 0; k < 4; k++) assert.equal(p[k * 6 + i * 3 + j], a[i * 12 + j * 4 + k]);
    }
  }
  assert.deepEqual(permuteAxes(p, [4, 2, 3], [1, 2, 0]), a);
});

Deno.test("torch layout: a Dense on [steps, features] keeps our layout; what cannot map throws", () => {
  const steps = denseStepsModel(0);
  assert.equal(
    torchSequentialSource(steps),
    "nn.Sequential(\n    nn.Linear(3, 4),\n    nn.Tanh(),\n    nn.Dropout(p=0.1),\n" +
      "    nn.Linear(4, 3, bias=False),\n    nn.Softmax(dim=-1),\n)",
  );
  assert.deepEqual(torchInputPermutation(steps), [0, 1, 2]);
  assert.deepEqual(torchInputPermutation(conv1dModel(0)), [0, 2, 1]);
  assert.deepEqual(torchInputPermutation(smallCnn(0)), [0, 3, 1, 2]);
  assert.deepEqual(torchInputPermutation(mnistMlp("relu", 0)), [0, 3, 1, 2]);
  // A Dense on a channels-first tensor (after a conv) would take the wrong axis in torch.
  const afterConv = new Sequential([
    layers.conv1d({ filters: 2, kernelSize: 2, inputShape: [6, 3] }),
    layers.dense({ units: 2 }),
  ]);
  assert.throws(
    () => torchSequentialSource(afterConv),
    /dense_\d+: a Dense on \[5,2\] after a channels-first layer/,
  );
  // A conv after a Dense kept in our layout would need a permute torch.nn lacks.
  const convAfter = new Sequential([
    layers.dense({ units: 2, inputShape: [6, 3] }),
    layers.conv1d({ filters: 2, kernelSize: 2 }),
  ]);
  assert.throws(() => torchSequentialSource(convAfter), /needs it channels-first/);
  for (const m of [steps, afterConv, convAfter]) m.dispose();
});
