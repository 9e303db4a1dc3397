/**
 * Masks in the recurrent layers (Keras 3 semantics): a right-padded batch with a mask gives each
 * row what the row gives alone without its padding (final output and states, and every kept
 * step of a returned sequence); skipped steps repeat the previous output (zeros with
 * zeroOutputForMask, as bidirectional sets it); the gradient with a mask in float64.
 */
import assert from "node:assert/strict";
import "../../kernels/tensor_methods.ts";
import { setDevice } from "../../kernels/device.ts";
import { type Tensor, tensor } from "../../kernels/tensor.ts";
import * as layers from "../../layers/mod.ts";
import type { RecurrentLayer } from "../../layers/recurrent.ts";
import { gradcheck } from "../../train/gradcheck.ts";
import { type CellKind, cellWeights, randomTensor, recurrentLayer } from "./recurrent_fixture.ts";

await setDevice("cpu");

const F = 4, U = 3, T = 4;
const LENGTHS = [4, 1, 3];
const B = LENGTHS.length;
const make = (kind: CellKind, o: { returnSequences?: boolean; goBackwards?: boolean } = {}) =>
  recurrentLayer(kind, U, o);
const weightsFor = (kind: CellKind, seed: number) => cellWeights(kind, F, U, seed);

/** [B, T] float64: 1 for the first `len` steps of each row, 0 after (right padding). */
function rightMask(lengths: number[], t: number, dtype: "float64" | "int32" = "float64"): Tensor {
  const v = lengths.flatMap((n) => Array.from({ length: t }, (_, s) => (s < n ? 1 : 0)));
  return tensor(dtype === "int32" ? Int32Array.from(v) : Float64Array.from(v), [lengths.length, t]);
}

/** The batch with zeros after each row's length (what a padded batch holds). */
function padded(x: Tensor, lengths: number[]): Tensor {
  const [b, t, f] = x.shape;
  const m = rightMask(lengths, t).reshape([b, t, 1]);
  void f;
  return x.mul(m);
}

function rowOf(t: Tensor, n: number): Float64Array {
  const per = t.size / t.shape[0];
  return (t.dataSync() as Float64Array).slice(n * per, (n + 1) * per);
}

function close(a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what: string) {
  assert.equal(a.length, b.length, what);
  for (let i = 0; i < a.length; i++) {
    assert.ok(Math.abs(a[i] - b[i]) <= tol, `${what}[${i}]: ${a[i]} vs ${b[i]}`);
  }
}

for (const kind of ["simple", "lstm", "gru"] as CellKind[]) {
  Deno.test(`${kind} with a mask: each padded row equals the row alone without padding`, () => {
    for (const goBackwards of [false, true]) {
      const layer = make(kind, { returnSequences: true, goBackwards });
      const w = weightsFor(kind, 40);
      const x = padded(randomTensor([B, T, F], 41), LENGTHS);
      const [seq, ...states] = layer.runWith(x, w, undefined, rightMask(LENGTHS, T));
      LENGTHS.forEach((len, n) => {
        const alone = layer.runWith(x.slice([n, 0, 0], [1, len, F]), w);
        const what = `${kind} goBackwards=${goBackwards} row ${n}`;
        states.forEach((s, i) =>
          close(rowOf(s, n), alone[i + 1].dataSync(), 1e-12, `${what} state ${i}`)
        );
        const got = rowOf(seq, n), one = alone[0].dataSync() as Float64Array;
        for (let p = 0; p < T; p++) {
          // Processing step p; goBackwards meets the padding first, forwards after the row.
          const q = goBackwards ? p - (T - len) : Math.min(p, len - 1);
          const want = q < 0 ? new Float64Array(U) : one.slice(q * U, (q + 1) * U);
          close(got.slice(p * U, (p + 1) * U), want, 1e-12, `${what} output step ${p}`);
        }
      });
      // Without returnSequences the output is the last kept step's h.
      const last = make(kind, { goBackwards });
      const [out] = last.runWith(x, w, undefined, rightMask(LENGTHS, T));
      close(out.dataSync(), states[0].dataSync(), 1e-12, `${kind} last output = h`);
    }
  });

  Deno.test(`${kind} with a mask: skipped steps before the first kept one output zeros, keep the initial state`, () => {
    const layer = make(kind, { returnSequences: true });
    const w = weightsFor(kind, 50);
    const x = randomTensor([1, 3, F], 51);
    const init = kind === "lstm"
      ? [randomTensor([1, U], 52), randomTensor([1, U], 53)]
      : [randomTensor([1, U], 52)];
    const mask = tensor(Float64Array.from([0, 1, 0]), [1, 3]);
    const [seq, ...states] = layer.runWith(x, w, init, mask);
    const [h1, ...s1] = layer.runWith(x.slice([0, 1, 0], [1, 1, F]), w, init);
    const want = [...new Array(U).fill(0), ...h1.dataSync(), ...h1.dataSync()];
    close(seq.dataSync(), want, 1e-12, `${kind} outputs (Keras: previous output, 0 at first)`);
    states.forEach((s, i) => close(s.dataSync(), s1[i].dataSync(), 1e-12, `${kind} state ${i}`));
    // zeroOutputForMask (bidirectional's setting): skipped steps output 0.
    layer.zeroOutputForMask = true;
    const [zs] = layer.runWith(x, w, init, mask);
    close(
      zs.dataSync(),
      [...new Array(U).fill(0), ...h1.dataSync(), ...new Array(U).fill(0)],
      1e-12,
      "zeros",
    );
  });

  Deno.test(`${kind} with a mask: gradient of the whole layer in float64`, () => {
    const layer = make(kind, { returnSequences: true });
    const w = weightsFor(kind, 60);
    const x = randomTensor([B, T, F], 61);
    const h0 = randomTensor([B, U], 62), c0 = randomTensor([B, U], 63);
    const probe = randomTensor([B, T, U], 64);
    // Row 2 skips a middle step and starts with a skipped one: every branch of the where's.
    const mask = tensor(Float64Array.from([1, 1, 1, 0, 1, 0, 0, 0, 0, 1, 0, 1]), [B, T]);
    const fn = (x: Tensor, k: Tensor, r: Tensor, b: Tensor, h: Tensor, c: Tensor) => {
      const init = kind === "lstm" ? [h, c] : [h];
      const [seq, ...states] = layer.runWith(
        x,
        { kernel: k, recurrentKernel: r, bias: b },
        init,
        mask,
      );
      const s = seq.mul(probe).sum();
      return states.reduce((a, st) => a.add(st.sum()), s);
    };
    const res = gradcheck(fn, [x, w.kernel, w.recurrentKernel, w.bias, h0, c0], {
      check: kind === "lstm" ? [0, 1, 2, 3, 4, 5] : [0, 1, 2, 3, 4],
    });
    for (const r of res.inputs) {
      assert.ok(r.maxAbsError < 1e-8 && r.maxRelError < 1e-5, JSON.stringify(res));
    }
    // The padded steps' inputs get no gradient: they are skipped.
    const zeroLayer = make(kind);
    const gx = gradcheck(
      (x: Tensor) => zeroLayer.runWith(x, w, undefined, rightMask(LENGTHS, T))[0].sum(),
      [x],
    );
    assert.ok(gx.maxRelError < 1e-5);
  });
}

Deno.test("bidirectional with a mask: rows equal the unpadded rows; skipped steps of the sequence are 0", () => {
  for (const returnSequences of [false, true]) {
    const bi = layers.bidirectional({ layer: layers.lstm({ units: U, returnSequences }) });
    const x = padded(randomTensor([B, T, F], 70), LENGTHS).cast("float32");
    const mask = rightMask(LENGTHS, T, "int32");
    const y = bi.apply(x, { mask });
    assert.equal(bi.computeMask(x, mask), returnSequences ? mask : undefined);
    LENGTHS.forEach((len, n) => {
      const one = bi.apply(x.slice([n, 0, 0], [1, len, F]));
      const got = rowOf(y, n);
      if (!returnSequences) return close(got, one.dataSync(), 1e-6, `row ${n}`);
      const d = 2 * U;
      for (let s = 0; s < T; s++) {
        const want = s < len ? one.dataSync().slice(s * d, (s + 1) * d) : new Float32Array(d);
        close(got.slice(s * d, (s + 1) * d), want, 1e-6, `row ${n} step ${s}`);
      }
    });
  }
  // Both directions get the mask: the backward one reverses it with the sequence.
  const bi = layers.bidirectional({ layer: layers.gru({ units: U }), mergeMode: "sum" });
  const x = randomTensor([B, T, F], 71).cast("float32");
  const mask = rightMask(LENGTHS, T);
  const y = bi.apply(x, { mask }); // builds both directions
  const f = bi.forwardLayer.apply(x, { mask }), b = bi.backwardLayer.apply(x, { mask });
  close(y.dataSync(), f.add(b).dataSync(), 1e-6, "sum");
  // The mask changes the rows with padding (rows 1 and 2), not the full row 0.
  const plain = bi.apply(x).dataSync(), got = y.dataSync();
  close(got.slice(0, U), plain.slice(0, U), 1e-6, "row 0");
  for (const n of [1, 2]) {
    assert.ok(got.slice(n * U, (n + 1) * U).some((v, j) => Math.abs(v - plain[n * U + j]) > 1e-3));
  }
});

Deno.test("recurrent masks: bad masks are clear errors", () => {
  const l: RecurrentLayer = layers.lstm({ units: U });
  const x = randomTensor([B, T, F], 80).cast("float32");
  assert.throws(
    () => l.apply(x, { mask: rightMask([1, 2], T) }),
    /lstm: the mask must be \[batch, time\] = \[3,4\] for the input \[3,4,4\], got \[2,4\]/,
  );
  assert.throws(() => l.apply(x, { mask: [rightMask(LENGTHS, T)] }), /one \[batch, time\] mask/);
  assert.throws(
    () => layers.lstm({ units: 2, zeroOutputForMask: 1 as unknown as boolean }),
    /zeroOutputForMask must be true or false/,
  );
  assert.throws(
    () => layers.flatten().apply(tensor([[1, 2]]), { mask: tensor([[1]]) }),
    /flatten: takes no mask \(Flatten does not support masking\)/,
  );
});
