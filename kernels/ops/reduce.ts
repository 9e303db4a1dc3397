import type { TypedArray } from "../dtype.ts";
import { runOp } from "../engine.ts";
import { defineOp, type OpTestCase, type TensorInfo } from "../op.ts";
import { broadcastShapes, broadcastStrides, fmtShape, normAxes, sameShape } from "../shape.ts";
import type { Tensor } from "../tensor_core.ts";

/**
 * Sum over axes, and broadcastTo/sumTo, which are each other's gradient. Reductions that need
 * elementwise ops (max, mean) are in reduce_derived.ts, so elementwise.ts can import sumTo here
 * without an import cycle.
 */

export interface ReduceAttrs {
  axes: number[];
  keepDims: boolean;
}

export function reduceInfo(name: string): (inputs: TensorInfo[], attrs: ReduceAttrs) => TensorInfo {
  return ([x]: TensorInfo[], { axes, keepDims }: ReduceAttrs): TensorInfo => {
    if (x.dtype === "int32" && name !== "sum") throw new Error(`${name}: needs a float tensor`);
    const shape = keepDims
      ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d))
      : x.shape.filter((_, i) => !axes.includes(i));
    return { shape, dtype: x.dtype };
  };
}

/**
 * Visits every input element with the flat index of the output element it reduces into.
 * The output index advances with the input's odometer using strides that are 0 on reduced axes.
 */
export function reduceLoop(
  x: TypedArray,
  shape: number[],
  axes: number[],
  visit: (outIndex: number, v: number) => void,
): void {
  const rank = shape.length;
  const keptShape = shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const os = broadcastStrides(keptShape, shape);
  const idx = new Array<number>(rank).fill(0);
  let o = 0;
  for (let i = 0; i < x.length; i++) {
    visit(o, x[i]);
    for (let ax = rank - 1; ax >= 0; ax--) {
      idx[ax]++;
      o += os[ax];
      if (idx[ax] < shape[ax]) break;
      o -= os[ax] * shape[ax];
      idx[ax] = 0;
    }
  }
}

export const reduceCases: OpTestCase<ReduceAttrs>[] = [
  { name: "all of 3x4", inputs: [{ shape: [3, 4] }], attrs: { axes: [0, 1], keepDims: false } },
  { name: "rows of 3x4", inputs: [{ shape: [3, 4] }], attrs: { axes: [1], keepDims: true } },
  {
    name: "axes 0,2 of 2x3x4",
    inputs: [{ shape: [2, 3, 4] }],
    attrs: { axes: [0, 2], keepDims: false },
  },
];

const sumDef = defineOp<ReduceAttrs>({
  name: "sum",
  infer: reduceInfo("sum"),
  cpu: ([x], { axes }, out) => {
    // Accumulate in float64 so long sums do not drift in float32.
    const acc = new Float64Array(out.length);
    reduceLoop(x.data, x.shape, axes, (o, v) => (acc[o] += v));
    out.set(acc);
  },
  grad: (dy, { inputs: [x], attrs }) => [
    broadcastTo(dy.reshape(x.shape.map((d, i) => (attrs.axes.includes(i) ? 1 : d))), x.shape),
  ],
  tests: reduceCases,
});

/** Attributes of broadcastTo: the target shape. */
export interface BroadcastAttrs {
  shape: number[];
}
const broadcastToDef = defineOp<BroadcastAttrs>({
  name: "broadcastTo",
  infer: ([x], { shape }) => {
    const b = broadcastShapes(x.shape, shape, "broadcastTo");
    if (!sameShape(b, shape)) {
      throw new Error(`broadcastTo: ${fmtShape(x.shape)} cannot broadcast to ${fmtShape(shape)}`);
    }
    return { shape: [...shape], dtype: x.dtype };
  },
  cpu: ([x], _a, out, outShape) => {
    const rank = outShape.length;
    const st = broadcastStrides(x.shape, outShape);
    const idx = new Array<number>(rank).fill(0);
    let xi = 0;
    for (let i = 0; i < out.length; i++) {
      out[i] = x.data[xi];
      for (let ax = rank - 1; ax >= 0; ax--) {
        idx[ax]++;
        xi += st[ax];
        if (idx[ax] < outShape[ax]) break;
        xi -= st[ax] * outShape[ax];
        idx[ax] = 0;
      }
    }
  },
  grad: (dy, { inputs: [x] }) => [sumTo(dy, x.shape)],
  tests: [
    { name: "4 to 3x4", inputs: [{ shape: [4] }], attrs: { shape: [3, 4] } },
    { name: "2x1x3 to 2x5x3", inputs: [{ shape: [2, 1, 3] }], attrs: { shape: [2, 5, 3] } },
  ],
});

/**
 * Sum over `axes` (all when omitted). Example: `sum(x, 1, true)` sums rows keeping a size-1 axis.
 */
export function sum(x: Tensor, axes?: number | number[], keepDims = false): Tensor {
  return runOp(sumDef, [x], { axes: normAxes(axes, x.rank, "sum"), keepDims });
}

/** Repeats `x` along broadcast axes to `shape`. */
export function broadcastTo(x: Tensor, shape: number[]): Tensor {
  return sameShape(x.shape, shape) ? x : runOp(broadcastToDef, [x], { shape });
}

/**
 * Sums `x` down to `shape` (the inverse of broadcasting): how binary ops hand gradients back to a
 * broadcast operand.
 */
export function sumTo(x: Tensor, shape: number[]): Tensor {
  if (sameShape(x.shape, shape)) return x;
  const off = x.rank - shape.length;
  const axes: number[] = [];
  for (let ax = 0; ax < x.rank; ax++) {
    if (ax < off || (shape[ax - off] === 1 && x.shape[ax] !== 1)) axes.push(ax);
  }
  return sum(x, axes, true).reshape(shape);
}
