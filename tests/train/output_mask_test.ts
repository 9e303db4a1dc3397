/**
 * fit and evaluate pass the model output's mask to the loss and the accuracy, as Keras: a
 * sequence model (embedding maskZero → lstm returnSequences → dense per step) is scored on the
 * kept steps only; without a mask, on every step.
 */
import assert from "node:assert/strict";
import "../../kernels/tensor_methods.ts";
import { setDevice } from "../../kernels/device.ts";
import { type Tensor, tensor } from "../../kernels/tensor.ts";
import * as layers from "../../layers/mod.ts";
import { Sequential } from "../../layers/sequential.ts";
import { evaluate, predict } from "../../train/evaluate.ts";
import { fit } from "../../train/fit.ts";
import { sgd } from "../../train/optimizers.ts";
import { f1Macro } from "../../train/metrics/f1_macro.ts";
import { sparseTopKCategoricalAccuracy } from "../../train/metrics/top_k.ts";
import type { Metric } from "../../train/metric.ts";

await setDevice("cpu");

const N = 4, T = 5, VOCAB = 6, C = 3;
const LENGTHS = [5, 2, 3, 1];

/** Ids in [1, VOCAB) up to each row's length, then 0 (padding). */
const ids = tensor(
  Int32Array.from(
    LENGTHS.flatMap((n, r) =>
      Array.from({ length: T }, (_, s) => (s < n ? 1 + ((r * 3 + s * 2) % (VOCAB - 1)) : 0))
    ),
  ),
  [N, T],
  "int32",
);

/** Labels per step; `pad` is the label at padded steps (it must not matter). */
const labels = (pad: number) =>
  tensor(
    Int32Array.from(
      LENGTHS.flatMap((n, r) => Array.from({ length: T }, (_, s) => (s < n ? (r + s) % C : pad))),
    ),
    [N, T],
    "int32",
  );

const net = (maskZero: boolean) =>
  new Sequential([
    layers.embedding({ inputDim: VOCAB, outputDim: 4, maskZero, inputShape: [T] }),
    layers.lstm({ units: 5, returnSequences: true }),
    layers.dense({ units: C }),
  ], { seed: 2 });

/**
 * Mean softmax cross-entropy and accuracy of `logits` [N, T, C] against `y`, over the steps
 * `keep` says, computed here on the host.
 */
async function scores(logits: Tensor, y: Tensor, keep: (r: number, s: number) => boolean) {
  const z = await logits.data(), t = await y.data();
  let sum = 0, count = 0, correct = 0;
  for (let r = 0; r < N; r++) {
    for (let s = 0; s < T; s++) {
      if (!keep(r, s)) continue;
      const row = Array.from(z.subarray((r * T + s) * C, (r * T + s + 1) * C));
      const max = Math.max(...row);
      const lse = max + Math.log(row.reduce((a, v) => a + Math.exp(v - max), 0));
      sum += lse - row[t[r * T + s]];
      if (row.indexOf(max) === t[r * T + s]) correct++;
      count++;
    }
  }
  return { loss: sum / count, acc: correct / count };
}

/** One epoch of one batch in order: its loss and accuracy are the step's, before the update. */
const oneStep = (m: Sequential, pad: number) =>
  fit(m, { x: ids, y: labels(pad) }, {
    epochs: 1,
    batchSize: N,
    shuffle: false,
    optimizer: sgd({ learningRate: 0.1 }),
    verbose: false,
  });

/**
 * The masked net trained a little (40 full-batch SGD steps), so its logits are not all near
 * uniform (where any label's loss is ≈ ln 3).
 */
async function pretrainedMaskedNet() {
  const m = net(true);
  await fit(m, { x: ids, y: labels(0) }, {
    epochs: 40,
    batchSize: N,
    optimizer: sgd({ learningRate: 1 }),
    verbose: false,
  });
  return m;
}

/** |got − want| within float32 rounding of a mean (relative 1e-5). */
const near = (got: number, want: number, what: string) =>
  assert.ok(Math.abs(got - want) < 1e-5 * Math.abs(want), `${what}: ${got} vs ${want}`);

Deno.test("fit and evaluate: a masked sequence model's loss and accuracy are over the kept steps", async () => {
  const m = await pretrainedMaskedNet();
  const logits = await predict(m, ids);
  const want = await scores(logits, labels(0), (r, s) => s < LENGTHS[r]);
  const all = await scores(logits, labels(2), () => true);
  assert.ok(Math.abs(want.loss - all.loss) > 1e-2, `padding moves the plain mean: ${all.loss}`);
  assert.notEqual(want.acc, all.acc, "padding moves the plain accuracy");
  for (const pad of [0, 2]) {
    const ev = await evaluate(m, { x: ids, y: labels(pad) }, { metrics: ["accuracy"] });
    near(ev.loss, want.loss, `evaluate, pad ${pad}`);
    assert.equal(ev.accuracy, want.acc, `evaluate's accuracy, pad ${pad}`);
    assert.equal(ev.metrics.accuracy, want.acc);
  }
  const h = await oneStep(m, 2);
  near(h.epochs[0].loss, want.loss, "fit");
  assert.equal(h.epochs[0].acc, want.acc, "fit's accuracy");
  m.dispose();
});

Deno.test("fit: the padded steps' labels get no gradient through a masked loss", async () => {
  const train = async (pad: number) => {
    const m = net(true);
    await fit(m, { x: ids, y: labels(pad) }, {
      epochs: 2,
      batchSize: 2,
      shuffle: false,
      optimizer: sgd({ learningRate: 0.5 }),
      verbose: false,
    });
    const w = await Promise.all(m.weights().map((t) => t.tensor.data()));
    m.dispose();
    return w;
  };
  assert.deepEqual(await train(0), await train(1));
});

Deno.test("fit and evaluate without a mask: loss and accuracy over every step", async () => {
  const m = net(false);
  const want = await scores(await predict(m, ids), labels(1), () => true);
  const ev = await evaluate(m, { x: ids, y: labels(1) });
  near(ev.loss, want.loss, "evaluate");
  assert.equal(ev.accuracy, want.acc);
  const h = await oneStep(m, 1);
  near(h.epochs[0].loss, want.loss, "fit");
  assert.equal(h.epochs[0].acc, want.acc);
  m.dispose();
});

Deno.test("fit and evaluate: topK and f1Macro of a masked output are over the kept steps", async () => {
  const m = await pretrainedMaskedNet();
  const make = () => [sparseTopKCategoricalAccuracy({ k: 2, name: "top2" }), f1Macro()];
  // The metrics fed the output and its mask directly (masked_test checks them by hand).
  const direct = async (masked: boolean, pad: number) => {
    const out: Record<string, number> = {};
    for (const metric of make() as Metric[]) {
      const { output, mask } = m.applyWithMask(ids);
      const y = labels(pad);
      metric.update(output, y, masked ? mask : undefined);
      out[metric.name] = await metric.result();
      metric.reset();
      for (const t of [output, mask, y]) t?.dispose();
    }
    return out;
  };
  const want = await direct(true, 0);
  const all = await direct(false, 2);
  assert.notEqual(want.top2, all.top2, "padding moves the plain top-2");
  assert.notEqual(want.f1Macro, all.f1Macro, "padding moves the plain F1");
  for (const pad of [0, 2]) {
    const ev = await evaluate(m, { x: ids, y: labels(pad) }, { metrics: make() });
    assert.deepEqual(ev.metrics, want, `evaluate, pad ${pad}`);
  }
  // One step in order: the epoch's training metrics are the step's, before its update.
  const h = await fit(m, { x: ids, y: labels(2) }, {
    epochs: 1,
    batchSize: N,
    shuffle: false,
    optimizer: sgd({ learningRate: 0.1 }),
    verbose: false,
    metrics: make(),
  });
  assert.equal(h.epochs[0].top2, want.top2, "fit's top-2");
  assert.equal(h.epochs[0].f1Macro, want.f1Macro, "fit's F1");
  m.dispose();
});
