/**
 * Bidirectional, merge mode by merge mode: the values of "sum" and "mul" from the two directions
 * ("concat" and "ave" are in recurrent_test.ts), and the whole layer's gradient in float64 with
 * respect to both directions' weights and, through a per-step conv1d before it, its input.
 */
import assert from "node:assert/strict";
import "../../kernels/tensor_methods.ts";
import { setDevice } from "../../kernels/device.ts";
import * as layers from "../../layers/mod.ts";
import type { MergeMode } from "../../layers/bidirectional.ts";
import { Sequential } from "../../layers/sequential.ts";
import type { Tensor } from "../../kernels/tensor.ts";
import { gradcheck } from "../../train/gradcheck.ts";
import { type CellKind, randomTensor, recurrentLayer } from "./recurrent_fixture.ts";

await setDevice("cpu");

const B = 2, T = 4, F = 3, U = 3;

Deno.test("bidirectional: sum and mul merge the forward run and the reversed backward run", () => {
  const x = randomTensor([B, T, F], 7).cast("float32");
  for (const mergeMode of ["sum", "mul"] as MergeMode[]) {
    const bi = layers.bidirectional({
      layer: layers.gru({ units: U, returnSequences: true }),
      mergeMode,
    });
    const y = bi.apply(x);
    assert.deepEqual(y.shape, [B, T, U]);
    const f = bi.forwardLayer.apply(x), b = bi.backwardLayer.apply(x).reverse(1);
    const want = (mergeMode === "sum" ? f.add(b) : f.mul(b)).dataSync();
    const got = y.dataSync();
    for (let i = 0; i < want.length; i++) {
      assert.ok(Math.abs(got[i] - want[i]) <= 1e-7, `${mergeMode}[${i}]: ${got[i]} vs ${want[i]}`);
    }
  }
});

const CASES: [MergeMode, CellKind, boolean][] = [
  ["concat", "lstm", true],
  ["sum", "gru", true],
  ["mul", "simple", false],
  ["ave", "lstm", false],
  ["concat", "gru", false],
];

for (const [mergeMode, kind, returnSequences] of CASES) {
  const what = `${mergeMode}, ${kind}, returnSequences ${returnSequences}`;
  Deno.test(`bidirectional (${what}): gradient of the whole layer in float64`, () => {
    const bi = layers.bidirectional({
      layer: recurrentLayer(kind, U, { returnSequences }),
      mergeMode,
    });
    // The per-step conv1d's gradient needs the bidirectional layer's input gradient.
    const m = new Sequential([
      layers.conv1d({ filters: F, kernelSize: 1, activation: "tanh", inputShape: [T, F] }),
      bi,
    ], { seed: 3 });
    const out = [...(returnSequences ? [T] : []), mergeMode === "concat" ? 2 * U : U];
    const x = randomTensor([B, T, F], 11), probe = randomTensor([B, ...out], 12);
    // Σ output·R, not a mean: every output counts with an O(1) weight (no 1/N shrinking).
    const r = gradcheck(m, { x, y: probe }, { loss: (y: Tensor, p: Tensor) => y.mul(p).sum() });
    assert.equal(r.parameters.length, 2 + 6, JSON.stringify(r.parameters.map((p) => p.name)));
    for (const p of r.parameters) {
      assert.ok(p.maxRelError < 1e-6, `${p.name}: ${JSON.stringify(p)}`);
    }
    m.dispose();
  });
}
