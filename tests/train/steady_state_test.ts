/**
 * The WebGPU steady-state rules of a training step, checked with the backend's counters on the
 * mnist-starter model, the recurrent layers (LSTM; GRU, simpleRNN and bidirectional), a
 * transformer encoder block, causal self-attention and masked sequence models: after warm-up a
 * step creates no buffers and no pipelines, reads nothing back, uploads nothing and submits
 * exactly once. Runs on the software adapter in CI (fails there if absent).
 */
import assert from "node:assert/strict";
import "../../kernels/tensor_methods.ts";
import { setDevice } from "../../kernels/device.ts";
import { backend } from "../../kernels/engine.ts";
import type { BackendCounters } from "../../kernels/backend.ts";
import { Rng } from "../../kernels/random.ts";
import { tensor } from "../../kernels/tensor.ts";
import { fit } from "../../train/fit.ts";
import { adam, momentum } from "../../train/optimizers.ts";
import type { Optimizer } from "../../train/optimizer.ts";
import type { Layer } from "../../layers/layer.ts";
import * as layers from "../../layers/mod.ts";
import { Sequential } from "../../layers/sequential.ts";
import { Module } from "../../layers/module.ts";
import type { Tensor } from "../../kernels/tensor.ts";
import { mnistStarter } from "../../tasks/mnist_models.ts";
import { EncoderBlock } from "../../tasks/vit_mnist.ts";
import { gpuTest } from "../kernels/webgpu/gpu_available.ts";

/**
 * Trains `model` 2 epochs of 4 steps and checks steps 6..8 (steady state) with the counters; the
 * inputs are uniform floats, or int32 ids in [0, vocab) (zeros among them) given a `vocab`.
 */
async function checkSteadyState(
  model: Layer,
  sample: number[],
  optimizer: Optimizer,
  vocab?: number,
) {
  const rng = new Rng(3);
  const n = 64;
  const size = sample.reduce((a, b) => a * b, 1);
  const x = vocab
    ? tensor(Int32Array.from({ length: n * size }, () => rng.int(vocab)), [n, ...sample], "int32")
    : tensor(Float32Array.from({ length: n * size }, () => rng.uniform()), [n, ...sample]);
  const y = Int32Array.from({ length: n }, () => rng.int(10));
  const snaps: BackendCounters[] = [];
  await fit(model, { x, y }, {
    epochs: 2,
    batchSize: 16,
    stepsPerEpoch: 4,
    verbose: false,
    optimizer,
    onBatchEnd: () => snaps.push({ ...backend().counters }),
  });
  // Steps 6..8 (the second epoch, after its first step) are steady state.
  for (let s = 5; s < 8; s++) {
    const d = (k: keyof BackendCounters) => snaps[s][k] - snaps[s - 1][k];
    const at = `step ${s + 1}: ${JSON.stringify(snaps[s])} vs ${JSON.stringify(snaps[s - 1])}`;
    assert.equal(d("bufferCreations"), 0, `buffers created in ${at}`);
    assert.equal(d("pipelineCreations"), 0, `pipelines created in ${at}`);
    assert.equal(d("readbacks"), 0, `readback in ${at}`);
    assert.equal(d("bytesUploaded"), 0, `bytes uploaded in ${at}`);
    assert.equal(d("submits"), 1, `submits in ${at}`);
    assert.ok(d("dispatches") > 20, `a step should dispatch its kernels (${d("dispatches")})`);
  }
  x.dispose();
}

await gpuTest(
  "webgpu steady state: mnist-starter steps create nothing, read nothing, submit once",
  async () => {
    await setDevice("webgpu");
    await checkSteadyState(
      mnistStarter(1),
      [28, 28, 1],
      momentum({ learningRate: 0.05, momentum: 0.9, momentumForm: "ema" }),
    );
    await setDevice("cpu");
  },
);

await gpuTest(
  "webgpu steady state: an LSTM's whole time loop stays on the device (one submit a step)",
  async () => {
    await setDevice("webgpu");
    const model = new Sequential([
      layers.lstm({ units: 8, inputShape: [6, 5] }),
      layers.dense({ units: 10 }),
    ], { seed: 1 });
    await checkSteadyState(model, [6, 5], adam({ learningRate: 1e-3 }));
    await setDevice("cpu");
  },
);

await gpuTest(
  "webgpu steady state: GRU, simpleRNN and bidirectional time loops stay on the device",
  async () => {
    await setDevice("webgpu");
    const model = new Sequential([
      layers.gru({ units: 6, returnSequences: true, inputShape: [5, 4] }),
      layers.simpleRNN({ units: 5, returnSequences: true, goBackwards: true }),
      layers.bidirectional({ layer: layers.gru({ units: 4 }), mergeMode: "sum" }),
      layers.dense({ units: 10 }),
    ], { seed: 1 });
    await checkSteadyState(model, [5, 4], adam({ learningRate: 1e-3 }));
    await setDevice("cpu");
  },
);

await gpuTest(
  "webgpu steady state: masks (embedding maskZero → bidirectional GRU → masked pooling) upload nothing",
  async () => {
    await setDevice("webgpu");
    const model = new Sequential([
      layers.embedding({ inputDim: 5, outputDim: 4, maskZero: true, inputShape: [6] }),
      layers.bidirectional({ layer: layers.gru({ units: 4, returnSequences: true }) }),
      layers.globalMaxPooling1d(),
      layers.dense({ units: 10 }),
    ], { seed: 1 });
    await checkSteadyState(model, [6], adam({ learningRate: 1e-3 }), 5);
    const avg = new Sequential([
      layers.masking({ inputShape: [6, 3] }),
      layers.lstm({ units: 4, returnSequences: true }),
      layers.globalAveragePooling1d(),
      layers.dense({ units: 10 }),
    ], { seed: 1 });
    await checkSteadyState(avg, [6, 3], adam({ learningRate: 1e-3 }));
    await setDevice("cpu");
  },
);

/** One small pre-norm encoder block (vit-mnist's), the mean token, dense 10 logits. */
class TinyEncoder extends Module {
  block = new EncoderBlock({ dim: 8, heads: 2, mlp: 16 });
  head = layers.dense({ units: 10 });
  forward(x: Tensor): Tensor {
    return this.head.apply(this.block.apply(x).mean(1));
  }
}

await gpuTest(
  "webgpu steady state: a transformer encoder block (attention, layer norm, gelu) submits once",
  async () => {
    await setDevice("webgpu");
    await checkSteadyState(new TinyEncoder({ seed: 1 }), [6, 8], adam({ learningRate: 1e-3 }));
    await setDevice("cpu");
  },
);

/** Causal self-attention over the tokens (a decoder's), the mean token, dense 10 logits. */
class TinyCausal extends Module {
  mha = layers.multiHeadAttention({ numHeads: 2, keyDim: 4 });
  head = layers.dense({ units: 10 });
  forward(x: Tensor): Tensor {
    return this.head.apply(this.mha.applyAttention(x, { useCausalMask: true }).mean(1));
  }
}

await gpuTest(
  "webgpu steady state: causal self-attention uploads no mask per step",
  async () => {
    await setDevice("webgpu");
    await checkSteadyState(new TinyCausal({ seed: 1 }), [6, 8], adam({ learningRate: 1e-3 }));
    await setDevice("cpu");
  },
);
