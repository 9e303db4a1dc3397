import { runOp } from "../engine.ts";
import { defineOp, type OpDef, type OpTestCase, type TensorInfo } from "../op.ts";
import { fmtShape, normAxes, normAxis, sizeOf } from "../shape.ts";
import type { Tensor } from "../tensor_core.ts";
import { neg } from "./elementwise.ts";
import { argmax } from "./indexing.ts";
import { type ReduceAttrs, reduceCases, reduceInfo, reduceLoop } from "./reduce.ts";

/**
 * More reductions along axes: prod (any axes, keepDims, like sum/mean/max/min) with its
 * one-pass gradient, cumsum along one axis (exclusive and reverse options) and argmin.
 */

/** The flat input indices that reduce into each output element, in input order. */
export function reduceGroups(shape: number[], axes: number[]): number[][] {
  const kept = shape.filter((_, i) => !axes.includes(i));
  const groups: number[][] = Array.from({ length: sizeOf(kept) }, () => []);
  let i = 0;
  reduceLoop(new Float64Array(sizeOf(shape)), shape, axes, (o) => groups[o].push(i++));
  return groups;
}

const prodDef = defineOp<ReduceAttrs>({
  name: "prod",
  infer: reduceInfo("prod"),
  // The product of no values is 1. Accumulated in float64, like sum.
  cpu: ([x], { axes }, out) => {
    const acc = new Float64Array(out.length).fill(1);
    reduceLoop(x.data, x.shape, axes, (o, v) => (acc[o] *= v));
    out.set(acc);
  },
  grad: (dy, { inputs: [x], attrs }) => [runOp(prodGradDef, [dy, x], attrs)],
  tests: [
    ...reduceCases,
    {
      name: "empty axis of 2x0",
      inputs: [{ shape: [2, 0] }],
      attrs: { axes: [1], keepDims: false },
    },
  ],
});

/**
 * prod's gradient: dy times the product of the *other* values of each element's group,
 * multiplied out directly rather than as prod/x, so zeros get their true gradient (a single
 * zero's gradient is the product of the rest; with two zeros every gradient is 0).
 */
const prodGradDef: OpDef<ReduceAttrs> = defineOp<ReduceAttrs>({
  name: "prodGrad",
  infer: ([dy, x], attrs) => {
    const want = reduceInfo("prodGrad")([x], attrs);
    if (sizeOf(dy.shape) !== sizeOf(want.shape) || dy.dtype !== x.dtype) {
      throw new Error(
        `prodGrad: dy ${dy.dtype}${fmtShape(dy.shape)} does not match prod of ${x.dtype}` +
          fmtShape(x.shape),
      );
    }
    return { shape: [...x.shape], dtype: x.dtype };
  },
  cpu: ([dy, x], { axes }, out) => {
    reduceGroups(x.shape, axes).forEach((g, o) => {
      for (const i of g) {
        let p = dy.data[o];
        for (const j of g) if (j !== i) p *= x.data[j];
        out[i] = p;
      }
    });
  },
  gradOf: "prod",
  tests: [],
});

/** Product over `axes` (all when omitted); the product of no values is 1. */
export function prod(x: Tensor, axes?: number | number[], keepDims = false): Tensor {
  return runOp(prodDef, [x], { axes: normAxes(axes, x.rank, "prod"), keepDims });
}

/** Attributes of cumsum. */
export interface CumsumAttrs {
  /** The axis summed along (non-negative). */
  axis: number;
  /** Element k gets the sum of the elements before it, not including itself. */
  exclusive: boolean;
  /** Sum from the end of the axis. */
  reverse: boolean;
}

function cumsumInfo([x]: TensorInfo[], { axis }: CumsumAttrs): TensorInfo {
  if (x.dtype === "int32" || axis < 0 || axis >= x.shape.length) {
    throw new Error(`cumsum: needs a float tensor and an axis in range, got ${fmtShape(x.shape)}`);
  }
  return { shape: [...x.shape], dtype: x.dtype };
}

const cumsumCases: OpTestCase<CumsumAttrs>[] = [
  {
    name: "rows of 3x5",
    inputs: [{ shape: [3, 5] }],
    attrs: { axis: 1, exclusive: false, reverse: false },
  },
  {
    name: "axis 0 of 4x2x3, exclusive",
    inputs: [{ shape: [4, 2, 3] }],
    attrs: { axis: 0, exclusive: true, reverse: false },
  },
  {
    name: "middle axis, reverse",
    inputs: [{ shape: [2, 4, 3] }],
    attrs: { axis: 1, exclusive: false, reverse: true },
  },
  {
    name: "exclusive reverse",
    inputs: [{ shape: [6] }],
    attrs: { axis: 0, exclusive: true, reverse: true },
  },
  {
    name: "empty axis",
    inputs: [{ shape: [3, 0] }],
    attrs: { axis: 1, exclusive: false, reverse: false },
  },
];

const cumsumDef: OpDef<CumsumAttrs> = defineOp<CumsumAttrs>({
  name: "cumsum",
  infer: cumsumInfo,
  // One running sum per line along the axis, in order (the WGSL kernel adds in the same order).
  // The sum of one element is that element (−0 stays −0); an exclusive sum starts at +0.
  cpu: ([x], { axis, exclusive, reverse }, out) => {
    const n = x.shape[axis];
    const inner = sizeOf(x.shape.slice(axis + 1));
    const outer = sizeOf(x.shape.slice(0, axis));
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        let acc = 0;
        for (let t = 0; t < n; t++) {
          const at = (o * n + (reverse ? n - 1 - t : t)) * inner + i;
          if (exclusive) out[at] = acc;
          acc = t === 0 ? x.data[at] : acc + x.data[at];
          if (!exclusive) out[at] = acc;
        }
      }
    }
  },
  // Each output sums a prefix, so each input's gradient sums dy over the suffix it feeds.
  grad: (dy, { attrs }) => [runOp(cumsumDef, [dy], { ...attrs, reverse: !attrs.reverse })],
  tests: cumsumCases,
});

/**
 * Running sum along `axis` (TF.js `cumsum`): `exclusive` leaves each element out of its own
 * sum, `reverse` runs from the end. Example: `cumsum(tensor([1, 2, 3]))` is [1, 3, 6].
 */
export function cumsum(
  x: Tensor,
  axis = 0,
  opts: { exclusive?: boolean; reverse?: boolean } = {},
): Tensor {
  return runOp(cumsumDef, [x], {
    axis: normAxis(axis, x.rank, "cumsum"),
    exclusive: opts.exclusive ?? false,
    reverse: opts.reverse ?? false,
  });
}

/** Index of the smallest value along `axis` as int32: the first on ties, the first NaN if any. */
export function argmin(x: Tensor, axis = -1): Tensor {
  return argmax(neg(x), axis);
}
