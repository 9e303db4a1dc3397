/**
 * checkNumerics mode names the first op that made a NaN or Infinity, forward or backward, with
 * its layer; a NaN that came in with the data is named as such; off (the default) it costs
 * nothing and changes nothing. On WebGPU the error comes at the next readback.
 */
import assert from "node:assert/strict";
import { checkNumericsEnabled, setCheckNumerics } from "../../kernels/check_numerics.ts";
import { setDevice } from "../../kernels/device.ts";
import { gradients } from "../../kernels/autograd.ts";
import { relu, sqrt, sum } from "../../kernels/ops/mod.ts";
import { type Tensor, tensor, variable } from "../../kernels/tensor.ts";
import * as layers from "../../layers/mod.ts";
import { type CallContext, Layer } from "../../layers/module.ts";
import { Sequential } from "../../layers/sequential.ts";
import { startRun } from "../../experiment/run.ts";
import { fit } from "../../train/fit.ts";
import { adam } from "../../train/optimizers_mod.ts";
import { ignoreWithoutGpu } from "../kernels/webgpu/gpu_available.ts";

/** A layer that takes square roots: NaN forward for x < 0, Infinity backward at x = 0. */
class Root extends Layer {
  constructor() {
    super("root");
  }
  outputShape(s: number[]): number[] {
    return s;
  }
  call(x: Tensor, _ctx: CallContext): Tensor {
    return sqrt(x);
  }
}

const net = () =>
  new Sequential([layers.dense({ units: 2, inputShape: [2] }), new Root()], { seed: 1 }).build();

/** Runs `fn` with the mode on, always switching it off again. */
async function checked(fn: () => Promise<void> | void): Promise<void> {
  setCheckNumerics(true);
  try {
    await fn();
  } finally {
    setCheckNumerics(false);
  }
}

Deno.test("checkNumerics on the CPU: forward op and layer, backward op, data NaN; off by default", async () => {
  await setDevice("cpu");
  assert.equal(checkNumericsEnabled(), false);
  const m = net();
  // dense_1 maps [−1, −1] to a negative unit for this seed: its root is NaN.
  const x = tensor([[-1, -1]]);
  const y = m.apply(x);
  assert.ok((await y.data()).some(Number.isNaN), "off: the NaN passes silently");
  await checked(() => {
    assert.throws(
      () => m.apply(x),
      /^Error: checkNumerics: sqrt \(forward, layer root_1\) produced NaN at index \d of its float32\[1,2\] output; this is the first op whose result is not finite$/,
    );
    // sqrt(0) = 0 is fine forward; its gradient 1/(2·0) is not.
    const w = variable(tensor([0, 4]));
    const s = sum(sqrt(w));
    assert.throws(
      () => gradients(s, [w]),
      /^Error: checkNumerics: div \(backward of sqrt\) produced Infinity at index 0 of its float32\[2\] output/,
    );
    assert.throws(
      () => relu(tensor([1, NaN])),
      /^Error: checkNumerics: input 0 of relu \(forward\) holds NaN at index 1 of float32\[2\]; it came in with the data or a parameter, not from an op$/,
    );
  });
  // A backward pass through a layer names it.
  await checked(() => {
    const z = tensor([[0, 0]]);
    const [d] = m.layers[0].weights().map((w) => w.tensor);
    d.assign(tensor(new Float32Array(d.size)));
    const out = m.apply(z);
    assert.throws(
      () => gradients(sum(out), [d]),
      /^Error: checkNumerics: div \(backward of sqrt, layer root_1\) produced Infinity/,
    );
  });
  assert.equal(checkNumericsEnabled(), false);
});

Deno.test({
  name: "checkNumerics on WebGPU: the op is named at the next readback",
  ignore: await ignoreWithoutGpu(),
  fn: async () => {
    await setDevice("webgpu");
    try {
      await checked(async () => {
        const y = sqrt(tensor([4, -1]));
        const after = relu(y); // queued after the bad op: not the one named
        await assert.rejects(
          after.data(),
          /^Error: checkNumerics: sqrt \(forward\) produced NaN at index 1 of its float32\[2\] output/,
        );
        assert.deepEqual(Array.from(await tensor([1, 2]).data()), [1, 2], "settled: reads work");
      });
    } finally {
      await setDevice("cpu");
    }
  },
});

Deno.test("--check-numerics turns the mode on for a task", async () => {
  const out = await Deno.makeTempDir();
  try {
    await startRun({ task: "probe", description: "test" }, [
      "--device",
      "cpu",
      "--out",
      out,
      "--check-numerics",
    ]);
    assert.equal(checkNumericsEnabled(), true);
    await startRun({ task: "probe", description: "test" }, ["--device", "cpu", "--out", out]);
    assert.equal(checkNumericsEnabled(), false);
  } finally {
    setCheckNumerics(false);
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("checkNumerics on healthy training: no error and the same numbers as without it", async () => {
  await setDevice("cpu");
  const data = () => ({
    x: tensor(Float32Array.from({ length: 64 }, (_, i) => Math.sin(i)), [32, 2]),
    y: Int32Array.from({ length: 32 }, (_, i) => i % 2),
  });
  const run = async () => {
    const m = new Sequential([
      layers.dense({ units: 4, activation: "relu", inputShape: [2] }),
      layers.dense({ units: 2, activation: "softmax" }),
    ], { seed: 2 });
    const h = await fit(m, data(), { epochs: 2, batchSize: 8, optimizer: adam(), verbose: false });
    return h.epochs.map((e) => e.loss);
  };
  const plain = await run();
  let withChecks: number[] = [];
  await checked(async () => {
    withChecks = await run();
  });
  assert.deepEqual(withChecks, plain);
});
