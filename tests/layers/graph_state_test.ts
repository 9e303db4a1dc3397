/**
 * returnState and initialState inside functional models (issue 17, gap A): a recurrent or
 * bidirectional layer's graph node has several outputs, `initialState` is a call option that
 * reads other nodes; values equal `applyWithState` bit for bit, and the gradient through an
 * encoder–decoder's states is checked in float64.
 */
import assert from "node:assert/strict";
import "../../kernels/tensor_methods.ts";
import { setDevice } from "../../kernels/device.ts";
import { type Tensor, tensor } from "../../kernels/tensor.ts";
import * as layers from "../../layers/mod.ts";
import { Model } from "../../layers/model.ts";
import { Sequential } from "../../layers/sequential.ts";
import { input, type SymbolicTensor } from "../../layers/symbolic.ts";
import { gradcheck } from "../../train/gradcheck.ts";
import { type CellKind, randomTensor as random64, recurrentLayer } from "./recurrent_fixture.ts";

await setDevice("cpu");

const B = 2, T = 4, F = 3, U = 5;
/** Seeded float32 values (the layers' dtype; gradcheck makes its own float64 copies). */
const randomTensor = (shape: number[], seed: number) =>
  tensor(Float32Array.from(random64(shape, seed).dataSync()), shape);
const STATES: Record<CellKind, number> = { simple: 1, lstm: 2, gru: 1 };

for (const kind of ["simple", "lstm", "gru"] as const) {
  Deno.test(`graph ${kind}: returnState gives [output, ...states] nodes equal to applyWithState`, () => {
    const x = input({ shape: [T, F] });
    const rnn = recurrentLayer(kind, U, { returnSequences: true, returnState: true });
    const outs = [...rnn.apply(x)];
    assert.equal(outs.length, 1 + STATES[kind]);
    assert.deepEqual(outs.map((o) => o.shape), [[T, U], ...outs.slice(1).map(() => [U])]);
    // Each output is usable downstream: a model per output, and one reading a state.
    const xs = randomTensor([B, T, F], 3);
    const m = new Model({ inputs: x, outputs: outs[0], seed: 4 });
    const want = rnn.applyWithState(xs);
    assert.deepEqual(m.apply(xs).dataSync(), want[0].dataSync());
    for (let i = 1; i < outs.length; i++) {
      const mi = new Model({ inputs: x, outputs: outs[i] });
      assert.deepEqual(mi.apply(xs).dataSync(), want[i].dataSync(), `state ${i}`);
    }
    const head = layers.dense({ units: 2 }).apply(outs.at(-1)!);
    assert.deepEqual(new Model({ inputs: x, outputs: head }).apply(xs).shape, [B, 2]);
    // The summary lists each further output on its own row, named as other nodes read it.
    const rows = m.summary().split("\n");
    const at = rows.findIndex((r) => r.startsWith(`${rnn.name} (`));
    assert.match(rows[at], new RegExp(`\\[null,${T},${U}\\]`));
    for (let i = 1; i < outs.length; i++) {
      assert.match(rows[at + i], new RegExp(`^  ${rnn.name}:${i} +\\[null,${U}\\]`));
    }
  });

  Deno.test(`graph ${kind}: initialState from other nodes equals applyWithState({ initialState })`, () => {
    const x = input({ shape: [T, F] }), y = input({ shape: [T - 1, F] });
    const enc = recurrentLayer(kind, U, { returnState: true });
    const [, ...states] = enc.apply(x);
    const dec = recurrentLayer(kind, U, { returnSequences: true });
    const out = dec.apply(y, { initialState: states });
    const m = new Model({ inputs: [x, y], outputs: out, seed: 2 });
    const xs = randomTensor([B, T, F], 5), ys = randomTensor([B, T - 1, F], 6);
    const got = m.apply([xs, ys]).dataSync();
    const [, ...s] = enc.applyWithState(xs);
    assert.deepEqual(got, dec.applyWithState(ys, { initialState: s })[0].dataSync());
    // A zero start would differ: the states do reach the decoder.
    assert.notDeepEqual(got, dec.apply(ys).dataSync());
    assert.match(m.summary(), /\(initialState\)/);
  });
}

Deno.test("graph lstm: float64 gradient of an encoder–decoder through initialState", () => {
  const x = input({ shape: [T, F] }), y = input({ shape: [T - 1, F] });
  const [, h, c] = layers.lstm({ units: U, returnState: true }).apply(x);
  const seq = layers.lstm({ units: U, returnSequences: true }).apply(y, { initialState: [h, c] });
  const m = new Model({
    inputs: [x, y],
    outputs: layers.conv1d({ filters: 2, kernelSize: 1 }).apply(seq),
    seed: 7,
  });
  const xs = randomTensor([B, T, F], 8), ys = randomTensor([B, T - 1, F], 9);
  const probe = randomTensor([B, T - 1, 2], 10);
  const r = gradcheck(m, { x: [xs, ys], y: probe }, {
    loss: (out: Tensor, p: Tensor) => out.mul(p).sum(),
  });
  // The encoder's kernel, recurrent kernel and bias get their gradient only through [h, c].
  assert.equal(r.parameters.length, 3 + 3 + 2, JSON.stringify(r.parameters.map((p) => p.name)));
  // recurrent_test's bound: differences agree to ~1e-10 absolute, tiny entries (~1e-4) make the
  // relative error alone ~1e-6; a wrong gradient is off by ~1e-2.
  for (const p of r.parameters) {
    assert.ok(p.maxAbsError < 1e-8 && p.maxRelError < 1e-5, `${p.name}: ${JSON.stringify(p)}`);
  }
  m.dispose();
});

Deno.test("graph bidirectional: returnState gives [out, ...forward, ...backward] and takes initialState", () => {
  const x = input({ shape: [T, F] });
  const bi = layers.bidirectional({ layer: layers.lstm({ units: U, returnState: true }) });
  const outs = [...bi.apply(x)];
  assert.deepEqual(outs.map((o) => o.shape), [[2 * U], [U], [U], [U], [U]]);
  const xs = randomTensor([B, T, F], 12);
  const want = bi.applyWithState(xs);
  outs.forEach((o, i) => {
    const m = new Model({ inputs: x, outputs: o });
    assert.deepEqual(m.apply(xs).dataSync(), want[i].dataSync(), `output ${i}`);
  });
  // Keras: the first half of initialState starts the forward layer, the second the backward.
  const y = input({ shape: [T, F] });
  const bi2 = layers.bidirectional({
    layer: layers.lstm({ units: U, returnSequences: true }),
    mergeMode: "sum",
  });
  const m2 = new Model({ inputs: [x, y], outputs: bi2.apply(y, { initialState: outs.slice(1) }) });
  const ys = randomTensor([B, T, F], 13);
  const got = m2.apply([xs, ys]).dataSync();
  assert.deepEqual(got, bi2.applyWithState(ys, { initialState: want.slice(1) })[0].dataSync());
  assert.notDeepEqual(got, bi2.apply(ys).dataSync());
});

Deno.test("graph recurrent: wrong initialState, returnState in a Sequential and on tensors are clear errors", () => {
  const x = input({ shape: [T, F] });
  const [, h] = layers.gru({ units: U, returnState: true }).apply(x);
  assert.throws(
    () => layers.lstm({ units: U }).apply(x, { initialState: [h] }),
    /initialState must be 2 symbolic tensors of \[batch,5\]/,
  );
  assert.throws(
    () => layers.gru({ units: U + 1 }).apply(x, { initialState: [h] }),
    /initialState must be 1 symbolic tensors of \[batch,6\], got \[batch,5\]/,
  );
  assert.throws(
    () => layers.dense({ units: 2 }).apply(x, { initialState: [h] }),
    /takes no call options, got "initialState"/,
  );
  assert.throws(
    () =>
      new Sequential([layers.lstm({ units: U, returnState: true, inputShape: [T, F] })]).build(),
    /Sequential: lstm_1 gives 3 outputs \(returnState\).*functional Model/,
  );
  assert.throws(
    () => layers.lstm({ units: U, returnState: true }).apply(randomTensor([B, T, F], 1)),
    /call applyWithState\(x\) for the list/,
  );
});

Deno.test("graph: applyAll lists every output of a node, typed as a list", () => {
  const x = input({ shape: [T, F] });
  const lstm = layers.lstm({ units: U, returnSequences: true, returnState: true });
  const all: SymbolicTensor[] = lstm.applyAll(x);
  assert.deepEqual(all.map((o) => o.shape), [[T, U], [U], [U]]);
  assert.deepEqual(all.map((o) => o.outputIndex), [0, 1, 2]);
  assert.ok(all.every((o) => o.node === all[0].node), "one node, its three outputs");
  // Without returnState the list has the one output, where destructuring leaves states undefined.
  const [seq, ...states] = layers.lstm({ units: U, returnSequences: true }).applyAll(x);
  assert.deepEqual([seq.shape, states.length], [[T, U], 0]);
  const [y, ...more] = layers.dense({ units: 2 }).applyAll(x);
  assert.deepEqual([y.shape, more], [[T, 2], []]);
  // A state from the list runs in a model like the one apply's destructuring gives.
  const xs = randomTensor([B, T, F], 8);
  const want = lstm.applyWithState(xs);
  assert.deepEqual(
    new Model({ inputs: x, outputs: all[2] }).apply(xs).dataSync(),
    want[2].dataSync(),
  );
  // The list is not a SymbolicTensor: using it as one is a type error.
  // @ts-expect-error applyAll returns SymbolicTensor[]
  const one: SymbolicTensor = layers.dense({ units: 2 }).applyAll(x);
  assert.ok(Array.isArray(one));
  assert.throws(
    // @ts-expect-error tensors are not symbolic inputs
    () => layers.dense({ units: 2 }).applyAll(xs),
    /applyAll\(\) takes symbolic inputs/,
  );
});
