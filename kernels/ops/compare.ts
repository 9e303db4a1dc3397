import { runOp } from "../engine.ts";
import { defineOp, type OpDef, type OpTestCase } from "../op.ts";
import { scalar, Tensor } from "../tensor_core.ts";
import { broadcastInfo, broadcastMap } from "./broadcast_map.ts";
import { cachedScalar } from "./cached_scalar.ts";
import type { Operand } from "./elementwise.ts";
import { sumTo } from "./reduce.ts";

/**
 * Comparisons (less, lessEqual, greater, notEqual; equal and greaterEqual are in
 * elementwise.ts) and `where`. A comparison gives 1 or 0 in the operands' dtype (there is no
 * bool dtype); with a NaN operand every comparison is false except notEqual (IEEE).
 */

const pairCases: OpTestCase<Record<string, never>>[] = [
  { name: "same 3x4", inputs: [{ shape: [3, 4] }, { shape: [3, 4] }], attrs: {} },
  { name: "bias 3x4 vs 4", inputs: [{ shape: [3, 4] }, { shape: [4] }], attrs: {} },
  {
    name: "int 2x1x3 vs 4x1",
    inputs: [{ shape: [2, 1, 3], int: 3 }, { shape: [4, 1], int: 3 }],
    attrs: {},
  },
];

function comparison(name: string, test: (a: number, b: number) => boolean) {
  return defineOp<Record<string, never>>({
    name,
    infer: (xs) => broadcastInfo(name, xs, [0, 1]),
    cpu: (xs, _a, out, outShape) =>
      broadcastMap(xs, out, outShape, ([a, b]) => (test(a, b) ? 1 : 0)),
    noGradReason: "comparison: piecewise constant",
    tests: pairCases,
  });
}

const lessDef = comparison("less", (a, b) => a < b);
const lessEqualDef = comparison("lessEqual", (a, b) => a <= b);
const greaterDef = comparison("greater", (a, b) => a > b);
const notEqualDef = comparison("notEqual", (a, b) => a !== b);

const operand = (x: Operand, like: Tensor) => (x instanceof Tensor ? x : scalar(x, like.dtype));

/** 1 where a < b, else 0, with broadcasting (same dtype as a). Example: `less(x, 0)`. */
export function less(a: Tensor, b: Operand): Tensor {
  return runOp(lessDef, [a, operand(b, a)], {});
}
/** 1 where a ≤ b, else 0. */
export function lessEqual(a: Tensor, b: Operand): Tensor {
  return runOp(lessEqualDef, [a, operand(b, a)], {});
}
/** 1 where a > b, else 0. */
export function greater(a: Tensor, b: Operand): Tensor {
  return runOp(greaterDef, [a, operand(b, a)], {});
}
/** 1 where a ≠ b (and where either is NaN), else 0. */
export function notEqual(a: Tensor, b: Operand): Tensor {
  return runOp(notEqualDef, [a, operand(b, a)], {});
}

const whereDef: OpDef<Record<string, never>> = defineOp<Record<string, never>>({
  name: "where",
  infer: (xs) => {
    const info = broadcastInfo("where", xs, [1, 2]);
    return { shape: info.shape, dtype: xs[1].dtype };
  },
  // Any non-zero condition is true, NaN included (as NumPy's bool cast); −0 is false.
  cpu: (xs, _a, out, outShape) => broadcastMap(xs, out, outShape, ([c, a, b]) => (c !== 0 ? a : b)),
  grad: (dy, { inputs: [c, a, b] }) => {
    const zero = cachedScalar(0, dy.dtype);
    return [
      null,
      () => sumTo(runOp(whereDef, [c, dy, zero], {}), a.shape),
      () => sumTo(runOp(whereDef, [c, zero, dy], {}), b.shape),
    ];
  },
  diffInputs: [1, 2],
  tests: [
    {
      name: "int mask 3x4",
      inputs: [{ shape: [3, 4], int: 2 }, { shape: [3, 4] }, { shape: [3, 4] }],
      attrs: {},
    },
    {
      name: "empty",
      inputs: [{ shape: [0, 3], int: 2 }, { shape: [0, 3] }, { shape: [3] }],
      attrs: {},
    },
    {
      name: "float mask 2x1x3, a 4x1, b scalar",
      inputs: [{ shape: [2, 1, 3] }, { shape: [4, 1] }, { shape: [] }],
      attrs: {},
    },
  ],
});

/**
 * Picks `a` where `condition` is non-zero, else `b`, all three broadcast (TF.js `where`,
 * NumPy `where`). The condition may be any dtype (a comparison's 0/1 output, int32 masks).
 * Example: `where(greater(x, 0), x, mul(x, 0.1))`.
 */
export function where(condition: Tensor, a: Operand, b: Operand): Tensor {
  const like = a instanceof Tensor ? a : b instanceof Tensor ? b : condition;
  return runOp(whereDef, [condition, operand(a, like), operand(b, like)], {});
}
