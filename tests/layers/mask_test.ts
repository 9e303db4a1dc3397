/**
 * Masks travelling with sequences (layers/mask.ts): made by embedding({ maskZero }) and
 * masking(), used by 1-D global pooling and attention, passed on by Sequential and functional
 * models (computeMask) and explicitly in Module code; a padded batch gives each row what the row
 * gives alone; a masked model's gradient in float64.
 */
import assert from "node:assert/strict";
import "../../kernels/tensor_methods.ts";
import { setDevice } from "../../kernels/device.ts";
import { type Tensor, tensor } from "../../kernels/tensor.ts";
import * as layers from "../../layers/mod.ts";
import { Model } from "../../layers/model.ts";
import { Module } from "../../layers/module.ts";
import { Sequential } from "../../layers/sequential.ts";
import { input } from "../../layers/symbolic.ts";
import { layerFromConfig, layerToConfig } from "../../layers/serialization.ts";
import { gradcheck } from "../../train/gradcheck.ts";
import { randomTensor } from "./recurrent_fixture.ts";

await setDevice("cpu");

const LENGTHS = [5, 2, 4], T = 5, F = 3, VOCAB = 7;
const B = LENGTHS.length;

/** [B, T] int32 ids in [1, VOCAB), 0 after each row's length. */
function paddedIds(): Tensor {
  const v = LENGTHS.flatMap((n, r) =>
    Array.from({ length: T }, (_, s) => (s < n ? 1 + ((r * 5 + s * 3) % (VOCAB - 1)) : 0))
  );
  return tensor(Int32Array.from(v), [B, T], "int32");
}

/** Float [B, T, F] with all-zero steps after each row's length. */
function paddedFloats(seed: number): Tensor {
  const x = randomTensor([B, T, F], seed).cast("float32");
  const m = LENGTHS.flatMap((n) => Array.from({ length: T }, (_, s) => (s < n ? 1 : 0)));
  return x.mul(tensor(Float32Array.from(m), [B, T, 1]));
}

function row(t: Tensor, n: number): Float32Array {
  const per = t.size / t.shape[0];
  return Float32Array.from(t.dataSync().slice(n * per, (n + 1) * per));
}

function close(a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what: string) {
  assert.equal(a.length, b.length, what);
  for (let i = 0; i < a.length; i++) {
    assert.ok(Math.abs(a[i] - b[i]) <= tol, `${what}[${i}]: ${a[i]} vs ${b[i]}`);
  }
}

/** The layers of a Sequential one after another, unmasked (for an unpadded row). */
const chain = (net: Sequential) => (x: Tensor) => net.layers.reduce((h, l) => l.apply(h), x);

/**
 * Each row of `run(batch)` equals `alone(row without its padding)` (default `run`; a model's
 * input has a fixed length, so `alone` runs its layers without it).
 */
function rowsMatch(
  run: (x: Tensor) => Tensor,
  x: Tensor,
  what: string,
  tol = 1e-6,
  alone = run,
) {
  const y = run(x);
  LENGTHS.forEach((len, n) => {
    const rest = x.shape.slice(2);
    const one = alone(x.slice([n, 0, ...rest.map(() => 0)], [1, len, ...rest]));
    close(row(y, n), one.dataSync(), tol, `${what} row ${n}`);
  });
}

Deno.test("Sequential: embedding(maskZero) → lstm gives each padded row its unpadded result", () => {
  const net = new Sequential([
    layers.embedding({ inputDim: VOCAB, outputDim: 4, maskZero: true }),
    layers.lstm({ units: 3 }),
    layers.dense({ units: 2 }),
  ], { seed: 3, inputShape: [T] });
  rowsMatch((x) => net.apply(x), paddedIds(), "sequential", 1e-6, chain(net));
  // Without maskZero the padding is read as a word: the short rows differ.
  const plain = new Sequential([
    layers.embedding({ inputDim: VOCAB, outputDim: 4 }),
    layers.lstm({ units: 3 }),
    layers.dense({ units: 2 }),
  ], { seed: 3, inputShape: [T] });
  const a = net.apply(paddedIds()).dataSync(), b = plain.apply(paddedIds()).dataSync();
  close(a.slice(0, 2), b.slice(0, 2), 1e-6, "row 0 has no padding");
  assert.ok(Math.abs(a[2] - b[2]) > 1e-4, "row 1's padding was skipped");
});

Deno.test("Sequential: masking() on float sequences, lstm(returnSequences) → globalAveragePooling1d", () => {
  const net = new Sequential([
    layers.masking({ inputShape: [T, F] }),
    layers.lstm({ units: 4, returnSequences: true }),
    layers.dropout(0.3),
    layers.globalAveragePooling1d(),
  ], { seed: 1 });
  rowsMatch(
    (x) => net.apply(x),
    paddedFloats(5),
    "masking → lstm → dropout → avg",
    1e-6,
    chain(net),
  );
  assert.equal(net.computeMask(paddedFloats(5)), undefined, "pooling ends the mask");
  const m = layers.masking({ maskValue: 2 }).computeMask(tensor([[[2, 2], [2, 1]]]));
  assert.deepEqual(Array.from(m.dataSync()), [0, 1]);
  const copy = layerFromConfig(
    layerToConfig(layers.masking({ maskValue: -1, inputShape: [4, 2] })),
  );
  assert.deepEqual(layerToConfig(copy).config, { maskValue: -1, inputShape: [4, 2] });
});

Deno.test("functional model: embedding → bidirectional GRU → globalMaxPooling1d, and a nested model", () => {
  const embed = layers.embedding({ inputDim: VOCAB, outputDim: 4, maskZero: true });
  const bi = layers.bidirectional({ layer: layers.gru({ units: 3, returnSequences: true }) });
  const pool = layers.globalMaxPooling1d(), dense = layers.dense({ units: 2 });
  // The same layers (shared weights) on inputs of length t.
  const build = (t: number) => {
    const ids = input({ shape: [t] });
    const out = dense.apply(pool.apply(bi.apply(embed.apply(ids))));
    return new Model({ inputs: ids, outputs: out, seed: 2 });
  };
  const net = build(T);
  rowsMatch(
    (x) => net.apply(x),
    paddedIds(),
    "functional",
    1e-6,
    (x) => build(x.shape[1]).apply(x),
  );
  // A model whose output keeps the mask passes it on as one layer of another.
  const ids2 = input({ shape: [T] });
  const inner = new Model({
    inputs: ids2,
    outputs: layers.embedding({ inputDim: VOCAB, outputDim: 4, maskZero: true }).apply(ids2),
  });
  const mask = inner.computeMask(paddedIds());
  assert.deepEqual(
    Array.from(mask!.dataSync()),
    Array.from(paddedIds().dataSync()).map((v) => (v ? 1 : 0)),
  );
  const outer = new Sequential([inner, layers.simpleRNN({ units: 2 })], { inputShape: [T] });
  const rnn = outer.layers[1];
  rowsMatch(
    (x) => outer.apply(x),
    paddedIds(),
    "nested",
    1e-6,
    (x) => rnn.apply(inner.layers[0].apply(x)),
  );
});

Deno.test("Module code: applyWithMask and an explicit { mask }", () => {
  class Net extends Module {
    embed = layers.embedding({ inputDim: VOCAB, outputDim: 4, maskZero: true });
    rnn = layers.lstm({ units: 3, returnSequences: true });
    pool = layers.globalAveragePooling1d();
    forward(ids: Tensor) {
      const { output, mask } = this.embed.applyWithMask(ids);
      const h = this.rnn.applyWithMask(output, { mask });
      return this.pool.apply(h.output, { mask: h.mask });
    }
  }
  const net = new Net({ seed: 4 });
  rowsMatch((x) => net.apply(x), paddedIds(), "module");
});

Deno.test("global pooling 1-D with a mask: mean and max of the kept steps; none kept: NaN and -∞", () => {
  const x = tensor(Float32Array.from([1, -2, 3, 4, 5, 6, 7, -8]), [2, 2, 2]);
  const mask = tensor(Int32Array.from([1, 0, 0, 0]), [2, 2], "int32");
  const avg = layers.globalAveragePooling1d().apply(x, { mask }).dataSync();
  const max = layers.globalMaxPooling1d().apply(x, { mask }).dataSync();
  assert.deepEqual(Array.from(avg.slice(0, 2)), [1, -2]);
  assert.ok(Number.isNaN(avg[2]) && Number.isNaN(avg[3]));
  assert.deepEqual(Array.from(max), [1, -2, -Infinity, -Infinity]);
  const kept = layers.globalMaxPooling1d({ keepDims: true }).apply(x, {
    mask: tensor(Float32Array.from([1, 1, 0, 1]), [2, 2]),
  });
  assert.deepEqual(kept.shape, [2, 1, 2]);
  assert.deepEqual(Array.from(kept.dataSync()), [3, 4, 7, -8]);
  assert.throws(
    () => layers.globalAveragePooling2d().apply(tensor([[[[1]]]]), { mask: tensor([[1]]) }),
    /takes no mask/,
  );
});

Deno.test("multiHeadAttention with masks: query/value masks from the model equal Keras' attention mask", () => {
  const x = paddedFloats(9);
  const mha = layers.multiHeadAttention({ numHeads: 2, keyDim: 3 });
  const keep = LENGTHS.flatMap((n) => Array.from({ length: T }, (_, s) => (s < n ? 1 : 0)));
  const mask = tensor(Float32Array.from(keep), [B, T]);
  const y = mha.apply([x, x], { mask: [mask, mask] });
  // Keras: the [B, T, S] mask is query_mask[:, :, None] & value_mask[:, None, :].
  const am = tensor(
    Float32Array.from({ length: B * T * T }, (_, i) => {
      const n = Math.floor(i / (T * T)), t = Math.floor(i / T) % T, s = i % T;
      return keep[n * T + t] * keep[n * T + s];
    }),
    [B, T, T],
  );
  close(y.dataSync(), mha.applyAttention(x, { attentionMask: am }).dataSync(), 1e-6, "keras mask");
  close(
    y.dataSync(),
    mha.applyAttention(x, { queryMask: mask, valueMask: mask }).dataSync(),
    1e-6,
    "call masks",
  );
  assert.equal(mha.computeMask([x, x], [mask, mask]), mask);
  // A value mask alone: each row's kept queries equal the unpadded row's.
  const v = mha.apply([x, x], { mask: [undefined, mask] });
  LENGTHS.forEach((len, n) => {
    const one = x.slice([n, 0, 0], [1, len, F]);
    close(row(v, n).slice(0, len * F), mha.apply([one, one]).dataSync(), 1e-5, `row ${n}`);
  });
  // In a functional model, self-attention gets the embedding's mask on query and value.
  const embed = layers.embedding({ inputDim: VOCAB, outputDim: 4, maskZero: true });
  const self = layers.multiHeadAttention({ numHeads: 1, keyDim: 2 });
  const pool = layers.globalAveragePooling1d();
  const build = (t: number) => {
    const ids = input({ shape: [t] });
    const e = embed.apply(ids);
    return new Model({ inputs: ids, outputs: pool.apply(self.apply([e, e])) });
  };
  const net = build(T);
  rowsMatch(
    (x) => net.apply(x),
    paddedIds(),
    "attention model",
    1e-5,
    (x) => build(x.shape[1]).apply(x),
  );
  assert.throws(
    () => mha.applyAttention(x, { queryMask: tensor([[1, 0]]) }),
    /the query mask must be \[batch, T\] = \[3,5\], got \[1,2\]/,
  );
  assert.throws(() => mha.applyAttention(x, { keyMask: mask }), /keyMask needs a key/);
});

Deno.test("masked model: whole-model gradient in float64 (embedding, bidirectional LSTM, attention, pooling)", () => {
  const ids = input({ shape: [T] });
  const e = layers.embedding({ inputDim: VOCAB, outputDim: 3, maskZero: true }).apply(ids);
  const seq = layers.bidirectional({ layer: layers.lstm({ units: 2, returnSequences: true }) })
    .apply(e);
  const att = layers.multiHeadAttention({ numHeads: 1, keyDim: 2 }).apply([seq, seq]);
  const sum = layers.add().apply([att, seq]);
  const pooled = layers.globalAveragePooling1d().apply(sum);
  const net = new Model({
    inputs: ids,
    outputs: layers.dense({ units: 3 }).apply(pooled),
    seed: 5,
  });
  const res = gradcheck(net, { x: paddedIds(), y: Int32Array.from([0, 2, 1]) });
  assert.ok(res.maxRelError < 1e-5 || res.maxAbsError < 1e-9, JSON.stringify(res.parameters));
  assert.ok(res.parameters.length >= 10);
});

Deno.test("masks: a layer without masking drops the mask in a model, with one warning", () => {
  const warn = console.warn, seen: string[] = [];
  console.warn = (m: string) => seen.push(m);
  try {
    const net = new Sequential([
      layers.embedding({ inputDim: VOCAB, outputDim: 4, maskZero: true }),
      layers.conv1d({ filters: 2, kernelSize: 1 }),
      layers.lstm({ units: 2 }),
    ], { inputShape: [T] });
    net.apply(paddedIds());
    net.apply(paddedIds());
    assert.equal(seen.length, 1);
    assert.match(
      seen[0],
      /conv1d_1 \(Conv1D\) does not support masking: the mask of its input is dropped/,
    );
  } finally {
    console.warn = warn;
  }
  const ids = input({ shape: [T] });
  const e = layers.embedding({ inputDim: VOCAB, outputDim: 2, maskZero: true }).apply(ids);
  const joined = layers.concatenate({ axis: 1 }).apply([e, e]);
  const net = new Model({ inputs: ids, outputs: layers.lstm({ units: 1 }).apply(joined) });
  assert.throws(() => net.apply(paddedIds()), /cannot join masked sequences along time/);
});
