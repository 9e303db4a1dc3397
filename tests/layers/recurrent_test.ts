import assert from "node:assert/strict";
import "../../kernels/tensor_methods.ts";
import { setDevice } from "../../kernels/device.ts";
import { concat } from "../../kernels/ops/mod.ts";
import { Rng } from "../../kernels/random.ts";
import { type Tensor, tensor } from "../../kernels/tensor.ts";
import { orthogonal } from "../../layers/orthogonal.ts";
import * as layers from "../../layers/mod.ts";
import type { RecurrentLayer } from "../../layers/recurrent.ts";
import { input } from "../../layers/symbolic.ts";
import { gradcheck, type GradcheckResult } from "../../train/gradcheck.ts";
import {
  type CellKind,
  cellWeights,
  randomTensor,
  recurrentLayer,
  reference,
} from "./recurrent_fixture.ts";

await setDevice("cpu");

const B = 2, T = 3, F = 4, U = 3;
const make = (kind: CellKind, o: { returnSequences?: boolean; goBackwards?: boolean } = {}) =>
  recurrentLayer(kind, U, o);
const weightsFor = (kind: CellKind, seed: number) => cellWeights(kind, F, U, seed);

function close(a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what: string) {
  assert.equal(a.length, b.length, what);
  for (let i = 0; i < a.length; i++) {
    assert.ok(Math.abs(a[i] - b[i]) <= tol, `${what}[${i}]: ${a[i]} vs ${b[i]}`);
  }
}

/**
 * Finite differences agree to ~1e-10 absolute; a relative bound alone trips on entries whose
 * gradient is itself ~1e-4 (noise / tiny value), so both are bounded. A wrong gradient is off
 * by ~1e-2.
 */
function ok(res: GradcheckResult) {
  for (const r of res.inputs) {
    assert.ok(r.maxAbsError < 1e-8 && r.maxRelError < 1e-5, JSON.stringify(res));
  }
}

for (const kind of ["simple", "lstm", "gru"] as CellKind[]) {
  Deno.test(`${kind}: float64 outputs and states equal the hand-written recurrence`, () => {
    for (const goBackwards of [false, true]) {
      const layer = make(kind, { returnSequences: true, goBackwards });
      const x = randomTensor([B, T, F], 1);
      const w = weightsFor(kind, 10);
      const init = kind === "lstm"
        ? [randomTensor([B, U], 20), randomTensor([B, U], 21)]
        : [randomTensor([B, U], 20)];
      for (const start of [undefined, init]) {
        const [seq, ...states] = layer.runWith(x, w, start);
        const ref = reference(
          kind,
          x.dataSync() as Float64Array,
          [B, T, F],
          U,
          w.kernel.dataSync() as Float64Array,
          w.recurrentKernel.dataSync() as Float64Array,
          w.bias.dataSync() as Float64Array,
          start?.map((s) => s.dataSync() as Float64Array),
          goBackwards,
        );
        assert.deepEqual(seq.shape, [B, T, U]);
        assert.equal(seq.dtype, "float64");
        // Step s of the output is processing step s (Keras: goBackwards returns it reversed).
        const want = new Float64Array(B * T * U);
        ref.hs.forEach((h, s) => {
          for (let n = 0; n < B; n++) {
            for (let j = 0; j < U; j++) want[(n * T + s) * U + j] = h[n * U + j];
          }
        });
        close(seq.dataSync(), want, 1e-12, `${kind} sequence`);
        assert.equal(states.length, kind === "lstm" ? 2 : 1);
        states.forEach((s, i) => close(s.dataSync(), ref.states[i], 1e-12, `${kind} state ${i}`));
      }
    }
  });

  Deno.test(`${kind}: gradient of the whole layer in float64 (inputs, weights, initial state)`, () => {
    const layer = make(kind, { returnSequences: true });
    const w = weightsFor(kind, 30);
    const x = randomTensor([B, T, F], 31);
    const h0 = randomTensor([B, U], 32);
    const c0 = randomTensor([B, U], 33);
    const probe = randomTensor([B, T, U], 34);
    const fn = (x: Tensor, k: Tensor, r: Tensor, b: Tensor, h: Tensor, c: Tensor) => {
      const init = kind === "lstm" ? [h, c] : [h];
      const [seq, ...states] = layer.runWith(x, { kernel: k, recurrentKernel: r, bias: b }, init);
      // Weight every output and the last cell state so each path is checked.
      const s = seq.mul(probe).sum();
      return states.length > 1 ? s.add(states[1].sum()) : s;
    };
    const res = gradcheck(fn, [x, w.kernel, w.recurrentKernel, w.bias, h0, c0], {
      check: kind === "lstm" ? [0, 1, 2, 3, 4, 5] : [0, 1, 2, 3, 4],
    });
    ok(res);
    // From zero state (the first step skips h·U) and the last step only.
    const last = make(kind, { goBackwards: true });
    const res0 = gradcheck(
      (x: Tensor, k: Tensor, r: Tensor, b: Tensor) =>
        last.runWith(x, { kernel: k, recurrentKernel: r, bias: b })[0].mul(
          probe.slice([0, 0, 0], [B, 1, U]).reshape([B, U]),
        ).sum(),
      [x, w.kernel, w.recurrentKernel, w.bias],
    );
    ok(res0);
  });
}

Deno.test("lstm with other activations runs the composed cell: values and float64 gradient", () => {
  // The default activations take the fused lstmCell kernel; these take the cell of ops.
  const layer = layers.lstm({
    units: U,
    returnSequences: true,
    activation: "elu",
    recurrentActivation: "hardSigmoid",
  });
  const w = weightsFor("lstm", 40);
  const x = randomTensor([B, T, F], 41);
  const init = [randomTensor([B, U], 42), randomTensor([B, U], 43)];
  const elu = (v: number) => (v > 0 ? v : Math.expm1(v));
  const hardSigmoid = (v: number) => (v <= -3 ? 0 : v >= 3 ? 1 : v / 6 + 0.5);
  const [seq, h, c] = layer.runWith(x, w, init);
  const ref = reference(
    "lstm",
    x.dataSync() as Float64Array,
    [B, T, F],
    U,
    w.kernel.dataSync() as Float64Array,
    w.recurrentKernel.dataSync() as Float64Array,
    w.bias.dataSync() as Float64Array,
    init.map((s) => s.dataSync() as Float64Array),
    false,
    { act: elu, rec: hardSigmoid },
  );
  close(seq.slice([0, T - 1, 0], [B, 1, U]).dataSync(), ref.hs[T - 1], 1e-12, "last h");
  close(h.dataSync(), ref.states[0], 1e-12, "h");
  close(c.dataSync(), ref.states[1], 1e-12, "c");
  const probe = randomTensor([B, T, U], 44);
  const res = gradcheck(
    (x: Tensor, k: Tensor, r: Tensor, b: Tensor, h0: Tensor, c0: Tensor) => {
      const [s, , cT] = layer.runWith(x, { kernel: k, recurrentKernel: r, bias: b }, [h0, c0]);
      return s.mul(probe).sum().add(cT.sum());
    },
    [x, w.kernel, w.recurrentKernel, w.bias, ...init],
  );
  ok(res);
});

Deno.test("recurrent layers: shapes, symbolic inputs, weights and Keras initialisation", () => {
  const x = randomTensor([B, T, F], 1).cast("float32");
  const l = layers.lstm({ units: 5 });
  assert.deepEqual(l.apply(x).shape, [B, 5]);
  assert.deepEqual(l.weights().map((w) => [w.name, w.tensor.shape]), [
    ["lstm/kernel", [F, 20]],
    ["lstm/recurrent_kernel", [5, 20]],
    ["lstm/bias", [20]],
  ]);
  // unitForgetBias: the forget gate's bias starts at 1, the others at 0.
  assert.deepEqual(Array.from(l.params!.bias.dataSync()), [
    ...Array(5).fill(0),
    ...Array(5).fill(1),
    ...Array(10).fill(0),
  ]);
  // orthogonal recurrent kernel: U·Uᵀ = I for the [5, 20] matrix.
  const uut = l.params!.recurrentKernel.matmul(l.params!.recurrentKernel.transpose()).dataSync();
  for (let i = 0; i < 5; i++) {
    for (let j = 0; j < 5; j++) assert.ok(Math.abs(uut[i * 5 + j] - (i === j ? 1 : 0)) < 1e-5);
  }
  const q = orthogonal([6, 4], new Rng(1)); // tall: QᵀQ = I
  for (let i = 0; i < 4; i++) {
    for (let j = 0; j < 4; j++) {
      let d = 0;
      for (let k = 0; k < 6; k++) d += q[k * 4 + i] * q[k * 4 + j];
      assert.ok(Math.abs(d - (i === j ? 1 : 0)) < 1e-12);
    }
  }
  assert.deepEqual(layers.gru({ units: 2 }).apply(x).shape, [B, 2]);
  assert.deepEqual(layers.gru({ units: 2 }).ensureBuilt([T, F]).weights()[2].tensor.shape, [2, 6]);
  assert.deepEqual(layers.simpleRNN({ units: 2, returnSequences: true }).apply(x).shape, [B, T, 2]);
  assert.deepEqual(
    layers.lstm({ units: 4, returnSequences: true }).apply(input({ shape: [T, F] })).shape,
    [T, 4],
  );
  const bi = layers.bidirectional({ layer: layers.gru({ units: 3, returnSequences: true }) });
  assert.deepEqual(bi.apply(x).shape, [B, T, 6]);
  assert.deepEqual(bi.weights().map((w) => w.name), [
    "bidirectional/forward_kernel",
    "bidirectional/forward_recurrent_kernel",
    "bidirectional/forward_bias",
    "bidirectional/backward_kernel",
    "bidirectional/backward_recurrent_kernel",
    "bidirectional/backward_bias",
  ]);
  assert.deepEqual(
    layers.bidirectional({ layer: layers.lstm({ units: 3 }), mergeMode: "sum" }).apply(
      input({ shape: [T, F] }),
    ).shape,
    [3],
  );
});

Deno.test("recurrent layers: applyWithState returns [output, h, c] and starts from initialState", () => {
  const x = randomTensor([B, T, F], 1).cast("float32");
  const l = layers.lstm({ units: U, returnState: true });
  const [out, h, c] = l.applyWithState(x);
  assert.deepEqual([out.shape, h.shape, c.shape], [[B, U], [B, U], [B, U]]);
  assert.deepEqual(out.dataSync(), h.dataSync());
  // Two halves of the sequence, the second from the first's states, equal the whole.
  const [, h1, c1] = l.applyWithState(x.slice([0, 0, 0], [B, 1, F]));
  const [, h2] = l.applyWithState(x.slice([0, 1, 0], [B, 2, F]), { initialState: [h1, c1] });
  close(h2.dataSync(), h.dataSync(), 1e-6, "resumed h");
  assert.throws(() => l.apply(x), /applyWithState/);
  assert.throws(
    () => l.applyWithState(x, { initialState: [h1] }),
    /initialState must be 2 tensors of \[2, 3\]/,
  );
});

Deno.test("recurrent layers: bad options and inputs are clear errors", () => {
  assert.throws(() => layers.lstm({ units: 0 }), /units 0 is not valid/);
  assert.throws(() => layers.gru({ units: 2, resetAfter: false }), /resetAfter: true/);
  assert.throws(
    () => layers.lstm({ units: 2, activation: "nope" as "tanh" }),
    /unknown activation "nope"/,
  );
  assert.throws(() => layers.lstm({ units: 2 }).apply(tensor([[1, 2]])), /\[time, features\]/);
  assert.throws(
    () => layers.bidirectional({ layer: layers.dense({ units: 2 }) as unknown as RecurrentLayer }),
    /must be a recurrent layer/,
  );
  assert.throws(
    () => layers.bidirectional({ layer: layers.lstm({ units: 2 }), mergeMode: "max" as "sum" }),
    /unknown mergeMode "max"/,
  );
});

Deno.test("bidirectional: concat of the forward run and the reversed backward run", () => {
  const x = randomTensor([B, T, F], 5).cast("float32");
  const bi = layers.bidirectional({ layer: layers.simpleRNN({ units: U, returnSequences: true }) });
  const y = bi.apply(x);
  const f = bi.forwardLayer.apply(x);
  const b = bi.backwardLayer.apply(x).reverse(1);
  assert.deepEqual(y.dataSync(), concat([f, b], -1).dataSync());
  const ave = layers.bidirectional({ layer: layers.simpleRNN({ units: U }), mergeMode: "ave" });
  const ya = ave.apply(x);
  const want = ave.forwardLayer.apply(x).add(ave.backwardLayer.apply(x)).mul(0.5);
  close(ya.dataSync(), want.dataSync(), 1e-7, "ave");
});
