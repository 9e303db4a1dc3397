/**
 * Ops written from other ops (no kernel of their own): each gradient checked against central
 * finite differences in float64, as the registry does for primitives.
 */
import assert from "node:assert/strict";
import { setDevice } from "../../../kernels/device.ts";
import { tidy } from "../../../kernels/engine.ts";
import {
  concat,
  expandDims,
  mul,
  reverse,
  slice,
  split,
  squeeze,
  stack,
  stridedSlice,
  sum,
  tile,
  topk,
  transpose,
  unstack,
} from "../../../kernels/ops/mod.ts";
import { Rng } from "../../../kernels/random.ts";
import { type Tensor, tensor } from "../../../kernels/tensor.ts";
import { gradcheck } from "../../../train/gradcheck.ts";

/** Σ f(x)·R for a fixed random R of f(x)'s shape, so every output's gradient counts. */
function projected(f: (x: Tensor) => Tensor | Tensor[]) {
  return (x: Tensor) => {
    const ys = [f(x)].flat();
    const rng = new Rng(5);
    return ys.map((y) =>
      sum(mul(y, tensor(Float64Array.from({ length: y.size }, () => rng.normal()), y.shape)))
    ).reduce((a, b) => a.add(b));
  };
}

const COMPOSITES: [string, number[], (x: Tensor) => Tensor | Tensor[]][] = [
  ["transpose", [2, 3, 4], (x) => transpose(x)],
  ["slice", [4, 5], (x) => slice(x, [1, 2], [2, -1])],
  ["stridedSlice then concat", [6, 3], (x) => concat([stridedSlice(x, [null], [null], [-2]), x])],
  ["split into sizes", [7, 2], (x) => split(x, [2, -1, 1], 0)],
  // split's gradient joins its pieces' gradients: gaps become zero blocks, a piece used twice adds.
  ["split, pieces 1 and 3 unused", [2, 5, 3], (x) => {
    const p = split(x, [1, 1, 2, 1], 1);
    return [p[0], mul(p[2], p[2]), p[2]];
  }],
  ["split, one piece of nine used", [9, 2], (x) => split(x, 9, 0)[4]],
  ["split into 16 pieces (grouped concat)", [2, 16], (x) => split(x, 16, 1)],
  ["stack on a new middle axis", [3, 4], (x) => stack([x, mul(x, x)], 1)],
  ["unstack", [3, 2, 2], (x) => unstack(x, 2)],
  ["tile", [2, 3], (x) => tile(x, [3, 2])],
  ["expandDims and squeeze", [3, 1, 2], (x) => squeeze(expandDims(x, -1))],
  ["reverse", [3, 4], (x) => reverse(x, [0, 1])],
  ["topk values", [3, 6], (x) => topk(x, 3).values],
];

for (const [name, shape, f] of COMPOSITES) {
  Deno.test(`composite gradcheck float64: ${name}`, async () => {
    await setDevice("cpu-reference");
    try {
      tidy(() => {
        const rng = new Rng(3);
        const x = tensor(
          Float64Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal()),
          shape,
        );
        const res = gradcheck(projected(f), [x]);
        assert.ok(res.maxRelError < 1e-6, `${name}: ${res.maxRelError}`);
      });
    } finally {
      await setDevice("cpu");
    }
  });
}
