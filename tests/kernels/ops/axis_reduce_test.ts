/**
 * prod, cumsum, topk, takeAlongAxis and argmin: values on every backend, special values
 * included, and prod's gradient at zeros (the registry tests cover random inputs).
 */
import assert from "node:assert/strict";
import { gradients } from "../../../kernels/autograd.ts";
import { argmin, cumsum, mul, prod, sum, takeAlongAxis, topk } from "../../../kernels/ops/mod.ts";
import { tensor } from "../../../kernels/tensor.ts";
import { testOnDevices } from "../device_rules.ts";

const F32 = (v: number[], shape?: number[]) => tensor(Float32Array.from(v), shape ?? [v.length]);
const I32 = (v: number[], shape?: number[]) => tensor(Int32Array.from(v), shape ?? [v.length]);

testOnDevices("axis reductions", [
  { name: "prod over rows", run: () => prod(F32([1, 2, 3, -1, 0.5, 4], [2, 3]), 1), want: [6, -2] },
  {
    name: "prod keepDims over axis 0, of nothing is 1",
    run: () => prod(F32([], [0, 2]), 0, true),
    want: [1, 1],
  },
  {
    name: "prod: NaN and 0·∞ are NaN",
    run: () => prod(F32([2, NaN, 0, Infinity], [2, 2]), 1),
    want: [NaN, NaN],
  },
  { name: "cumsum", run: () => cumsum(F32([1, 2, 3, 4])), want: [1, 3, 6, 10] },
  {
    name: "cumsum exclusive reverse along rows",
    run: () => cumsum(F32([1, 2, 3, 4, 5, 6], [2, 3]), 1, { exclusive: true, reverse: true }),
    want: [5, 3, 0, 11, 6, 0],
  },
  {
    name: "cumsum keeps a leading −0 and NaN",
    run: () => cumsum(F32([-0, NaN, 1])),
    want: [-0, NaN, NaN],
  },
  {
    name: "topk values: NaN first, ties by index",
    run: () => topk(F32([1, NaN, 3, 3, -Infinity, 2]), 4).values,
    want: [NaN, 3, 3, 2],
  },
  {
    name: "topk indices per row",
    run: () => topk(F32([0.5, -1, 2, 7, 7, -3], [2, 3]), 2).indices,
    want: [2, 0, 0, 1],
  },
  {
    name: "topk of int32",
    run: () => topk(I32([4, -2, 9, 4]), 3).indices,
    want: [2, 0, 3],
  },
  {
    name: "takeAlongAxis picks per row",
    run: () => takeAlongAxis(F32([1, 2, 3, 4, 5, 6], [2, 3]), I32([2, 2, 0, 1], [2, 2]), 1),
    want: [3, 3, 4, 5],
  },
  { name: "argmin", run: () => argmin(F32([3, -1, 2, -1]), 0), want: [1] },
  {
    // WebGPU pools buffers: the output reuses the one just freed, so unwritten outputs would
    // read 1000 (the sum kernel once sized its grid as size / reduced = 0 here).
    name: "sum over an empty axis is 0 in a reused buffer",
    run: () => {
      mul(F32([1000, 1000, 1000]), 1).dispose();
      return sum(F32([], [0, 3]), 0);
    },
    want: [0, 0, 0],
  },
]);

Deno.test("prod's gradient at zeros is the product of the others", () => {
  const x = F32([2, 0, 3, 0, 0, 5], [2, 3]);
  x.requiresGrad = true;
  const [g] = gradients(sum(prod(x, 1)), [x]);
  // Row 1: one zero, its gradient 2·3; row 2: two zeros, every gradient 0.
  assert.deepEqual(Array.from(g!.dataSync()), [0, 6, 0, 0, 0, 0]);
});

Deno.test("topk's values pass the gradient to the picked elements", () => {
  const x = F32([1, 5, 3, 4]);
  x.requiresGrad = true;
  const [g] = gradients(sum(mul(topk(x, 2).values, F32([10, 1]))), [x]);
  assert.deepEqual(Array.from(g!.dataSync()), [0, 10, 0, 1]);
  assert.throws(() => topk(x, 5), /k = 5 must be a whole number in \[0, 4\]/);
});
