/**
 * Comparisons, where, clip and pow, value by value on every backend, special values included
 * (the registry tests cover gradients and parity on random inputs).
 */
import assert from "node:assert/strict";
import {
  clip,
  greater,
  less,
  lessEqual,
  notEqual,
  pow,
  sum,
  where,
} from "../../../kernels/ops/mod.ts";
import { gradients } from "../../../kernels/autograd.ts";
import { backend, tidy } from "../../../kernels/engine.ts";
import { tensor } from "../../../kernels/tensor.ts";
import { testOnDevices } from "../device_rules.ts";

const F32 = (v: number[]) => tensor(Float32Array.from(v));
const I32 = (v: number[]) => tensor(Int32Array.from(v));
const A = [1, 2, NaN, -0, -Infinity, 3];
const B = [2, 2, 1, 0, -Infinity, NaN];

// Every pair of these bases and exponents, against Math.pow: results that are special values
// or powers of two, so exact in float32 (other finite results may differ by an ulp on WebGPU).
const grid = (bases: number[], exps: number[]) => ({
  a: bases.flatMap((a) => exps.map(() => a)),
  b: bases.flatMap(() => exps),
});
const whole = grid(
  [-Infinity, -2, -1, -0.5, -0, 0, 0.5, 1, 2, Infinity, NaN],
  [-Infinity, -3, -2, -0, 0, 1, 2, 3, Infinity, NaN],
);
const half = grid([-Infinity, -2, -1, -0, 0, 1, 4, Infinity, NaN], [-0.5, 0.5]);

testOnDevices("compare", [
  { name: "less (NaN: false)", run: () => less(F32(A), F32(B)), want: [1, 0, 0, 0, 0, 0] },
  { name: "lessEqual", run: () => lessEqual(F32(A), F32(B)), want: [1, 1, 0, 1, 1, 0] },
  { name: "greater", run: () => greater(F32(A), F32(B)), want: [0, 0, 0, 0, 0, 0] },
  { name: "notEqual (NaN: true)", run: () => notEqual(F32(A), F32(B)), want: [1, 0, 1, 0, 0, 1] },
  { name: "int32 less with a scalar", run: () => less(I32([-1, 0, 1]), 0), want: [1, 0, 0] },
  {
    name: "where: non-zero and NaN conditions are true, −0 is false",
    run: () => where(F32([1, 0, NaN, -0, -2]), F32([1, 2, 3, 4, 5]), -1),
    want: [1, -1, 3, -1, 5],
  },
  {
    name: "where broadcasts an int mask over rows",
    run: () => where(I32([1, 0]).reshape([2, 1]), F32([1, 2, 3]), F32([7, 8, 9])),
    want: [1, 2, 3, 7, 8, 9],
  },
  {
    name: "clip keeps NaN and −0, bounds may be infinite",
    run: () => clip(F32([NaN, -0, -5, 5, 0.25, -Infinity]), -1, Infinity),
    want: [NaN, -0, -1, 5, 0.25, -1],
  },
  {
    name: "pow follows Math.pow on every special base and exponent",
    run: () => pow(F32(whole.a), F32(whole.b)),
    want: whole.a.map((a, i) => Math.pow(a, whole.b[i])),
  },
  {
    name: "pow: a negative base with a fractional exponent is NaN, ±∞ and ±0 bases are not",
    run: () => pow(F32(half.a), F32(half.b)),
    want: half.a.map((a, i) => Math.pow(a, half.b[i])),
  },
]);

Deno.test("where's and pow's gradients reuse one kept zero: a second backward uploads nothing", () => {
  const a = tensor([1, 2, 3]), b = tensor([0.5, 2, 1]), c = tensor([1, 0, 1]);
  a.requiresGrad = b.requiresGrad = true;
  const step = () =>
    tidy(() => {
      gradients(sum(where(c, a, b)), [a, b]);
      gradients(sum(pow(a, b)), [a, b]);
    });
  step();
  const before = backend().counters.bytesUploaded;
  step();
  assert.equal(backend().counters.bytesUploaded, before);
});
