import type { DType } from "../dtype.ts";
import { runOp } from "../engine.ts";
import { defineOp, type TensorInfo } from "../op.ts";
import { fmtShape, normAxis, sizeOf } from "../shape.ts";
import { type Tensor, tensor } from "../tensor_core.ts";
import { indexError } from "../index_errors.ts";

/** Row gather (batching), its scatter-add gradient, one-hot and argmax. */

function checkIndices(name: string, idx: TensorInfo): void {
  if (idx.dtype !== "int32" || idx.shape.length !== 1) {
    throw new Error(
      `${name}: indices must be an int32 vector, got ${idx.dtype}${fmtShape(idx.shape)}`,
    );
  }
}

const gatherDef = defineOp<Record<string, never>>({
  name: "gather",
  infer: ([x, idx]) => {
    checkIndices("gather", idx);
    if (x.shape.length < 1) throw new Error("gather: cannot gather rows of a scalar");
    return { shape: [idx.shape[0], ...x.shape.slice(1)], dtype: x.dtype };
  },
  cpu: ([x, idx], _a, out) => {
    const rows = x.shape[0];
    const row = rows === 0 ? 0 : x.data.length / rows;
    for (let i = 0; i < idx.data.length; i++) {
      const r = idx.data[i];
      if (r < 0 || r >= rows) indexError("gather", r, i, rows);
      out.set(x.data.subarray(r * row, (r + 1) * row), i * row);
    }
  },
  grad: (dy, { inputs: [x, idx] }) => [runOp(scatterAddDef, [dy, idx], { rows: x.shape[0] }), null],
  diffInputs: [0],
  tests: [
    {
      name: "rows of 5x3",
      inputs: [{ shape: [5, 3] }, { shape: [7], int: 5, index: true }],
      attrs: {},
    },
    {
      name: "images 4x2x2x1",
      inputs: [{ shape: [4, 2, 2, 1] }, { shape: [3], int: 4, index: true }],
      attrs: {},
    },
  ],
});

const scatterAddDef = defineOp<{ rows: number }>({
  name: "scatterAddRows",
  infer: ([dy, idx], { rows }) => {
    checkIndices("scatterAddRows", idx);
    return { shape: [rows, ...dy.shape.slice(1)], dtype: dy.dtype };
  },
  cpu: ([dy, idx], { rows }, out) => {
    const row = rows === 0 ? 0 : out.length / rows;
    for (let i = 0; i < idx.data.length; i++) {
      const o = idx.data[i] * row;
      for (let j = 0; j < row; j++) out[o + j] += dy.data[i * row + j];
    }
  },
  gradOf: "gather",
  tests: [],
});

/**
 * Rows `indices` of `x` (axis 0); an index outside [0, rows) is an error (on WebGPU raised at
 * the next readback). Example: `gather(images, batchIdx)`.
 */
export function gather(x: Tensor, indices: Tensor | Int32Array): Tensor {
  const idx = indices instanceof Int32Array ? tensor(indices) : indices;
  return runOp(gatherDef, [x, idx], {});
}

/** Attributes of sliceRows. */
export interface SliceAttrs {
  /** Index of the first row copied. */
  start: number;
  /** Number of rows copied. */
  count: number;
}
const sliceRowsDef = defineOp<SliceAttrs>({
  name: "sliceRows",
  infer: ([x], { start, count }) => {
    if (x.shape.length < 1 || start < 0 || count < 0 || start + count > x.shape[0]) {
      throw new Error(`sliceRows: rows [${start}, ${start + count}) outside ${fmtShape(x.shape)}`);
    }
    return { shape: [count, ...x.shape.slice(1)], dtype: x.dtype };
  },
  cpu: ([x], { start }, out) => {
    const row = x.shape[0] === 0 ? 0 : x.data.length / x.shape[0];
    out.set(x.data.subarray(start * row, start * row + out.length));
  },
  grad: (dy, { inputs: [x], attrs: { start, count } }) => [
    runOp(scatterAddDef, [dy, tensor(Int32Array.from({ length: count }, (_, i) => start + i))], {
      rows: x.shape[0],
    }),
  ],
  tests: [
    { name: "rows 1..4 of 5x3", inputs: [{ shape: [5, 3] }], attrs: { start: 1, count: 3 } },
    { name: "one row of 4x2x2", inputs: [{ shape: [4, 2, 2] }], attrs: { start: 3, count: 1 } },
  ],
});

/** Rows [start, start+count) of `x` (a copy). Example: `sliceRows(order, step * 32, 32)`. */
export function sliceRows(x: Tensor, start: number, count: number): Tensor {
  return runOp(sliceRowsDef, [x], { start, count });
}

/** Attributes of oneHot. */
export interface OneHotAttrs {
  /** Number of classes: the length of each one-hot row; ids must lie in [0, depth). */
  depth: number;
  /** Element type of the output. */
  dtype: DType;
  /** Set when the ids are softmaxCrossEntropy's labels, so a bad one is named as a label. */
  labels?: boolean;
}
const oneHotDef = defineOp<OneHotAttrs>({
  name: "oneHot",
  infer: ([idx], { depth, dtype }) => {
    checkIndices("oneHot", idx);
    return { shape: [idx.shape[0], depth], dtype };
  },
  cpu: ([idx], { depth, labels }, out) => {
    for (let i = 0; i < idx.data.length; i++) {
      const c = idx.data[i];
      if (c < 0 || c >= depth) indexError(labels ? "softmaxCrossEntropy" : "oneHot", c, i, depth);
      out[i * depth + c] = 1;
    }
  },
  noGradReason: "its input is integer class ids",
  tests: [{
    name: "6 of 4",
    inputs: [{ shape: [6], int: 4, index: true }],
    attrs: { depth: 4, dtype: "float32" },
  }],
});

/**
 * One-hot rows for int32 class ids; an id outside [0, depth) is an error (on WebGPU raised at
 * the next readback). Example: `oneHot(labels, 10)`.
 */
export function oneHot(indices: Tensor, depth: number, dtype: DType = "float32"): Tensor {
  return runOp(oneHotDef, [indices], { depth, dtype });
}

/** oneHot of softmaxCrossEntropy's labels: the same op, its errors name the labels. */
export function oneHotLabels(labels: Tensor, depth: number, dtype: DType): Tensor {
  return runOp(oneHotDef, [labels], { depth, dtype, labels: true });
}

const argmaxDef = defineOp<{ axis: number }>({
  name: "argmax",
  infer: ([x], { axis }) => {
    const shape = x.shape.filter((_, i) => i !== axis);
    if (x.shape[axis] === 0 && sizeOf(shape) > 0) {
      throw new Error(
        `argmax: axis ${axis} of ${fmtShape(x.shape)} is empty, so there is no largest value`,
      );
    }
    return { shape, dtype: "int32" };
  },
  cpu: ([x], { axis }, out) => {
    const n = x.shape[axis];
    const inner = sizeOf(x.shape.slice(axis + 1));
    const outer = sizeOf(x.shape.slice(0, axis));
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        let best = 0, bestV = -Infinity;
        for (let k = 0; k < n; k++) {
          const v = x.data[(o * n + k) * inner + i];
          // The first NaN wins, as NumPy's argmax: nothing replaces a NaN.
          if (bestV === bestV && (v > bestV || v !== v)) {
            bestV = v;
            best = k;
          }
        }
        out[o * inner + i] = best;
      }
    }
  },
  noGradReason: "piecewise constant integer output",
  tests: [{ name: "rows of 4x5", inputs: [{ shape: [4, 5], distinct: true }], attrs: { axis: 1 } }],
});

/** Index of the largest value along `axis` as int32: the first on ties, the first NaN if any. */
export function argmax(x: Tensor, axis = -1): Tensor {
  return runOp(argmaxDef, [x], { axis: normAxis(axis, x.rank, "argmax") });
}
