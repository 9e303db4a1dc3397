/**
 * arange, linspace, eye and the seeded random draws: values, errors, and the statistics of
 * randomUniform/randomNormal (the registry parity test checks WebGPU draws the same numbers).
 */
import assert from "node:assert/strict";
import {
  arange,
  eye,
  linspace,
  randomNormal,
  randomUniform,
  range,
} from "../../../kernels/ops/mod.ts";

const values = (t: { dataSync(): ArrayLike<number> }) => Array.from(t.dataSync());

Deno.test("arange and range follow NumPy: [start, stop) by step", () => {
  assert.deepEqual(values(arange(5)), [0, 1, 2, 3, 4]);
  assert.deepEqual(values(arange(1, 2, 0.25)), [1, 1.25, 1.5, 1.75]);
  assert.deepEqual(values(arange(3, 0, -1)), [3, 2, 1]);
  assert.deepEqual(arange(2, 2).shape, [0]);
  assert.equal(arange(0, 4, 1, "int32").dtype, "int32");
  assert.deepEqual(values(range(0, 6, 2)), [0, 2, 4]);
  assert.throws(() => arange(0, 1, 0), /step ≠ 0/);
});

Deno.test("linspace includes both ends; eye is the identity", () => {
  assert.deepEqual(values(linspace(0, 1, 5)), [0, 0.25, 0.5, 0.75, 1]);
  assert.deepEqual(values(linspace(2, 3, 1)), [2]);
  assert.deepEqual(linspace(0, 1, 0).shape, [0]);
  assert.deepEqual(values(eye(2, 3)), [1, 0, 0, 0, 1, 0]);
  assert.deepEqual(values(eye(2)), [1, 0, 0, 1]);
});

Deno.test("random draws: a seed fixes them, the distributions have the asked moments", () => {
  const a = values(randomNormal([1000], 0, 1, "float32", 3));
  assert.deepEqual(values(randomNormal([1000], 0, 1, "float32", 3)), a);
  assert.notDeepEqual(values(randomNormal([1000], 0, 1, "float32", 4)), a);
  // Unseeded draws come from a fixed stream: they differ from each other.
  assert.notDeepEqual(values(randomUniform([8])), values(randomUniform([8])));
  const n = 20000;
  const z = values(randomNormal([n], 2, 3, "float32", 11));
  const mean = z.reduce((s, v) => s + v, 0) / n;
  const sd = Math.sqrt(z.reduce((s, v) => s + (v - mean) ** 2, 0) / n);
  // Standard errors: 3/√n ≈ 0.021 for the mean, ≈ 0.015 for the sd; 5 of them.
  assert.ok(Math.abs(mean - 2) < 0.11, `mean ${mean}`);
  assert.ok(Math.abs(sd - 3) < 0.08, `sd ${sd}`);
  const u = values(randomUniform([n], -1, 3, "float32", 12));
  assert.ok(u.every((v) => v >= -1 && v < 3));
  const um = u.reduce((s, v) => s + v, 0) / n;
  assert.ok(Math.abs(um - 1) < 0.06, `uniform mean ${um}`);
  assert.throws(() => randomUniform([2], 1, 0), /above maxval/);
  assert.throws(() => randomNormal([2], 0, 1, "int32", 1), /draws floats/);
});
