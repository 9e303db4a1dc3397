import { runOp } from "../engine.ts";
import { indexError } from "../index_errors.ts";
import { defineOp, type OpDef, type TensorInfo } from "../op.ts";
import { fmtShape, normAxis, sizeOf } from "../shape.ts";
import type { Tensor } from "../tensor_core.ts";

/**
 * topk, from two primitives: topkIndices (the ranking, int32) and takeAlongAxis (NumPy's
 * `take_along_axis`, PyTorch's `gather`), whose gradient scatters back (scatterAlongAxis).
 */

/**
 * True when value a (at index ia) ranks before b (at ib) in topk's order: larger first, NaN
 * above everything (as PyTorch's topk), equal values (±0 too) by lower index.
 */
export function ranksBefore(a: number, ia: number, b: number, ib: number): boolean {
  const an = a !== a, bn = b !== b;
  if (an || bn) return an && (!bn || ia < ib);
  return a > b || (a === b && ia < ib);
}

/** Attributes of topkIndices: how many per row. */
export interface TopkAttrs {
  k: number;
}

const topkIndicesDef = defineOp<TopkAttrs>({
  name: "topkIndices",
  infer: ([x], { k }) => {
    const n = x.shape[x.shape.length - 1];
    if (x.shape.length < 1 || !Number.isInteger(k) || k < 0 || k > n) {
      throw new Error(
        `topk: k = ${k} must be a whole number in [0, ${n ?? 0}] (the last axis of ` +
          `${fmtShape(x.shape)})`,
      );
    }
    return { shape: [...x.shape.slice(0, -1), k], dtype: "int32" };
  },
  cpu: ([x], { k }, out) => {
    const n = x.shape[x.shape.length - 1];
    const rows = n === 0 ? 0 : x.data.length / n;
    for (let r = 0; r < rows; r++) {
      const v = (j: number) => x.data[r * n + j];
      const order = Array.from({ length: n }, (_, j) => j)
        .sort((a, b) => (ranksBefore(v(a), a, v(b), b) ? -1 : 1));
      for (let j = 0; j < k; j++) out[r * k + j] = order[j];
    }
  },
  noGradReason: "integer output (the values' gradient goes through takeAlongAxis)",
  tests: [
    { name: "3 of rows of 4x6", inputs: [{ shape: [4, 6] }], attrs: { k: 3 } },
    { name: "all of 2x3x5", inputs: [{ shape: [2, 3, 5] }], attrs: { k: 5 } },
    { name: "none of 3x4", inputs: [{ shape: [3, 4] }], attrs: { k: 0 } },
  ],
});

/** Attributes of takeAlongAxis and scatterAlongAxis. */
export interface AlongAxisAttrs {
  axis: number;
  /** scatterAlongAxis: the size of the axis it scatters into. */
  size?: number;
}

function checkAlong(name: string, x: TensorInfo, idx: TensorInfo, axis: number): void {
  const ok = idx.dtype === "int32" && idx.shape.length === x.shape.length &&
    axis >= 0 && axis < x.shape.length &&
    idx.shape.every((d, k) => k === axis || d === x.shape[k]);
  if (!ok) {
    throw new Error(
      `${name}: indices ${idx.dtype}${fmtShape(idx.shape)} must be int32 with the shape of ` +
        `${fmtShape(x.shape)} except on axis ${axis}`,
    );
  }
}

/** Visits (output flat index, source flat index in x) for take_along_axis over `idxShape`. */
function alongPairs(
  xShape: number[],
  idx: ArrayLike<number>,
  idxShape: number[],
  axis: number,
  visit: (i: number, src: number) => void,
): void {
  const inner = sizeOf(idxShape.slice(axis + 1));
  const m = idxShape[axis], n = xShape[axis];
  for (let i = 0; i < idx.length; i++) {
    const c = idx[i];
    if (!(c >= 0 && c < n)) indexError("takeAlongAxis", c, i, n);
    const o = Math.floor(i / (m * inner)), r = i % inner;
    visit(i, (o * n + c) * inner + r);
  }
}

const takeAlongAxisDef: OpDef<AlongAxisAttrs> = defineOp<AlongAxisAttrs>({
  name: "takeAlongAxis",
  infer: ([x, idx], { axis }) => {
    checkAlong("takeAlongAxis", x, idx, axis);
    return { shape: [...idx.shape], dtype: x.dtype };
  },
  cpu: ([x, idx], { axis }, out) =>
    alongPairs(x.shape, idx.data, idx.shape, axis, (i, src) => (out[i] = x.data[src])),
  grad: (dy, { inputs: [x, idx], attrs: { axis } }) => [
    runOp(scatterAlongAxisDef, [dy, idx], { axis, size: x.shape[axis] }),
    null,
  ],
  diffInputs: [0],
  tests: [
    {
      name: "rows of 3x5, 4 picks with repeats",
      inputs: [{ shape: [3, 5] }, { shape: [3, 4], int: 5, index: true }],
      attrs: { axis: 1 },
    },
    {
      name: "axis 0 of 4x2x3",
      inputs: [{ shape: [4, 2, 3] }, { shape: [2, 2, 3], int: 4, index: true }],
      attrs: { axis: 0 },
    },
  ],
});

/** takeAlongAxis's gradient: dy added into the positions its indices picked (repeats add). */
const scatterAlongAxisDef: OpDef<AlongAxisAttrs> = defineOp<AlongAxisAttrs>({
  name: "scatterAlongAxis",
  infer: ([dy, idx], { axis, size }) => {
    if (fmtShape(dy.shape) !== fmtShape(idx.shape) || idx.dtype !== "int32") {
      throw new Error(`scatterAlongAxis: dy ${fmtShape(dy.shape)} and int32 indices must match`);
    }
    const shape = [...dy.shape];
    shape[axis] = size ?? 0;
    return { shape, dtype: dy.dtype };
  },
  cpu: ([dy, idx], { axis }, out, outShape) =>
    alongPairs(outShape, idx.data, idx.shape, axis, (i, dst) => (out[dst] += dy.data[i])),
  gradOf: "takeAlongAxis",
  tests: [],
});

/**
 * Picks along `axis` by int32 `indices` of x's shape except on that axis (NumPy
 * `take_along_axis`, PyTorch `gather`). Example: `takeAlongAxis(x, argsortIdx, -1)`.
 */
export function takeAlongAxis(x: Tensor, indices: Tensor, axis = -1): Tensor {
  return runOp(takeAlongAxisDef, [x, indices], { axis: normAxis(axis, x.rank, "takeAlongAxis") });
}

/**
 * The `k` largest values along the last axis and their int32 indices, largest first (TF.js
 * `topk`); ties keep the lower index first, NaN ranks above every number (PyTorch's rule).
 * The values' gradient flows to the picked elements. Example: `const { values, indices } =
 * topk(logits, 5)`.
 */
export function topk(x: Tensor, k = 1): { values: Tensor; indices: Tensor } {
  const indices = runOp(topkIndicesDef, [x], { k });
  return { values: takeAlongAxis(x, indices, -1), indices };
}
