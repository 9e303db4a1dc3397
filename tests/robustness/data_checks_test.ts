/**
 * fit, evaluate and predict check their data once before the first step: NaN/Infinity in x
 * (first sample and position), class ids outside the model's outputs or not whole (index in the
 * data, not in a shuffled batch), y of another array type (converted) or of no usable type.
 */
import assert from "node:assert/strict";
import { setDevice } from "../../kernels/device.ts";
import { backend } from "../../kernels/engine.ts";
import { tensor } from "../../kernels/tensor.ts";
import * as layers from "../../layers/mod.ts";
import { Sequential } from "../../layers/sequential.ts";
import { checkFinite } from "../../train/data_checks.ts";
import { evaluate, predict } from "../../train/evaluate.ts";
import { fit } from "../../train/fit.ts";
import { sgd } from "../../train/optimizers_mod.ts";
import { ignoreWithoutGpu } from "../kernels/webgpu/gpu_available.ts";

const model4 = () =>
  new Sequential([layers.flatten({ inputShape: [2, 2] }), layers.dense({ units: 3 })], { seed: 1 });
const xs = (bad?: [number, number]) => {
  const v = Float32Array.from({ length: 40 }, (_, i) => (i % 7) / 7);
  if (bad) v[bad[0]] = bad[1];
  return tensor(v, [10, 2, 2]);
};
const labels = () => Int32Array.from({ length: 10 }, (_, i) => i % 3);

async function refuses(p: Promise<unknown>, message: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.equal((e as Error).message, message);
    return true;
  });
}

const NAN_FIX =
  "NaN or Infinity in the data turns the weights into NaN: replace or drop those samples";

async function checksOn(device: "cpu" | "webgpu"): Promise<void> {
  await setDevice(device);
  const opt = sgd();
  const run = (data: unknown, m = model4()) =>
    fit(m, data as never, { epochs: 1, batchSize: 4, optimizer: opt, verbose: false, seed: 3 });
  // Sample 5 is values 20..23; flat 22 is its position [1,0].
  await refuses(
    run({ x: xs([22, NaN]), y: labels() }),
    `fit: x holds NaN at sample 5, position [1,0] (x is [10,2,2]); ${NAN_FIX}`,
  );
  await refuses(
    evaluate(model4(), { x: xs([3, -Infinity]), y: labels() }),
    `evaluate: x holds -Infinity at sample 0, position [1,1] (x is [10,2,2]); ${NAN_FIX}`,
  );
  await refuses(
    predict(model4(), xs([39, Infinity])),
    `predict: x holds Infinity at sample 9, position [1,1] (x is [10,2,2]); ${NAN_FIX}`,
  );
  const y = labels();
  y[7] = 7;
  await refuses(
    run({ x: xs(), y }),
    "fit: y[7] is 7, but the model has 3 outputs, so class ids must be in [0, 3); check the " +
      "labels or give the last layer more units",
  );
  y[7] = 1;
  y[2] = -4;
  await refuses(
    evaluate(model4(), { x: xs(), y }),
    "evaluate: y[2] is -4, but the model has 3 outputs, so class ids must be in [0, 3); check " +
      "the labels or give the last layer more units",
  );
  await refuses(
    run({ x: xs(), y: Float32Array.of(0, 1, 2, 0, 1, 0.5, 0, 1, 2, 0) }),
    "fit: y[5] is 0.5, not a class id: class labels must be whole numbers (for regression " +
      "targets pass y as a float tensor)",
  );
  await refuses(
    run({ x: xs(), y: "0123" }),
    "fit: y must be class ids (an Int32Array, or an array of whole numbers) or a target tensor; " +
      "got string",
  );
  await refuses(
    run({ x: [[1, 2]], y: labels() }),
    "fit: x must be a tensor [samples, ...] (or a list of them, one per model input); " +
      "wrap arrays with tensor(data, shape)",
  );
  await refuses(
    run({ x: xs(), y: tensor(Float32Array.of(0, 1, NaN, 0, 1, 0, 0, 1, 2, 0), [10, 1]) }),
    `fit: y holds NaN at sample 2, position [0] (y is [10,1]); ${NAN_FIX}`,
  );
  assert.equal(opt.iterations, 0, "no step ran on bad data");

  // Float32Array, Uint8Array and plain-array labels are converted: the same training as Int32Array.
  const losses = [];
  for (
    const yy of [labels(), Float32Array.from(labels()), Uint8Array.from(labels()), [...labels()]]
  ) {
    const h = await fit(model4(), { x: xs(), y: yy as never }, {
      epochs: 2,
      batchSize: 4,
      optimizer: sgd({ learningRate: 0.5 }),
      verbose: false,
      seed: 3,
    });
    losses.push(h.epochs.map((e) => e.loss));
  }
  for (const l of losses.slice(1)) assert.deepEqual(l, losses[0]);
}

Deno.test("data checks on the CPU: exact errors, no step taken, other label arrays converted", async () => {
  await checksOn("cpu");
});

Deno.test({
  name: "data checks on WebGPU: the same errors (one readback per tensor, at the first check)",
  ignore: await ignoreWithoutGpu(),
  fn: async () => {
    try {
      await checksOn("webgpu");
      const x = xs();
      const before = backend().counters.readbacks;
      await checkFinite("fit", "x", x);
      const once = backend().counters.readbacks - before;
      await checkFinite("fit", "x", x);
      assert.equal(once, 1);
      assert.equal(backend().counters.readbacks - before, 1, "a checked tensor is not read again");
    } finally {
      await setDevice("cpu");
    }
  },
});

Deno.test("data checks read a large x in row slices and still name the sample", async () => {
  await setDevice("cpu");
  const per = 9_000_000; // over the 16 M-value slice, so each slice is one sample
  const v = new Float32Array(2 * per);
  v[per + 12345] = NaN;
  const x = tensor(v, [2, per]);
  await refuses(
    checkFinite("fit", "x", x),
    `fit: x holds NaN at sample 1, position [12345] (x is [2,${per}]); ${NAN_FIX}`,
  );
  x.dispose();
});
