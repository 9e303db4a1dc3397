import type { FloatArray } from "../dtype.ts";
import { runOp } from "../engine.ts";
import { defineOp, type OpTestCase, type TensorInfo } from "../op.ts";
import { fmtShape, sameShape } from "../shape.ts";
import type { Tensor } from "../tensor_core.ts";
import { div, exp, mul, neg, sub } from "./elementwise.ts";
import { oneHotLabels } from "./indexing.ts";
import { sum } from "./reduce.ts";

/** Softmax and log-softmax over the last axis, and the fused softmax cross-entropy loss. */

function lastAxisInfo(name: string) {
  return ([x]: TensorInfo[]): TensorInfo => {
    if (x.shape.length < 1 || x.dtype === "int32") {
      throw new Error(
        `${name}: needs a float tensor with at least one axis, got ${fmtShape(x.shape)}`,
      );
    }
    return { shape: [...x.shape], dtype: x.dtype };
  };
}

/** Runs `f(row offset, row length)` over the rows of the last axis. */
function forRows(shape: number[], f: (off: number, c: number) => void): void {
  const c = shape[shape.length - 1];
  const rows = c === 0 ? 0 : shape.reduce((a, b) => a * b, 1) / c;
  for (let r = 0; r < rows; r++) f(r * c, c);
}

/** log Σ exp over one row, shifted by the row max so large logits do not overflow. */
function logSumExp(x: FloatArray | ArrayLike<number>, off: number, c: number): number {
  let m = -Infinity;
  for (let j = 0; j < c; j++) m = Math.max(m, x[off + j]);
  let s = 0;
  for (let j = 0; j < c; j++) s += Math.exp(x[off + j] - m);
  return m + Math.log(s);
}

const rowCases: OpTestCase<Record<string, never>>[] = [
  { name: "4x5", inputs: [{ shape: [4, 5] }], attrs: {} },
  { name: "2x3x2", inputs: [{ shape: [2, 3, 2] }], attrs: {} },
];

const softmaxDef = defineOp<Record<string, never>>({
  name: "softmax",
  infer: lastAxisInfo("softmax"),
  cpu: ([x], _a, out) =>
    forRows(x.shape, (off, c) => {
      const lse = logSumExp(x.data, off, c);
      for (let j = 0; j < c; j++) out[off + j] = Math.exp(x.data[off + j] - lse);
    }),
  grad: (dy, { output: y }) => [softmaxGrad(y, dy)],
  tests: rowCases,
});

/**
 * softmax's input gradient in one op: y·(dy − Σ dy·y) per row of the last axis, given the
 * softmax output y, where the composition took a mul, a row sum, a sub and a mul (4 kernels, 4
 * full-size passes). The row sum accumulates in float64 and each value rounds once.
 */
const softmaxGradDef = defineOp<Record<string, never>>({
  name: "softmaxGrad",
  infer: ([y, dy]) => {
    if (
      y.shape.length < 1 || y.dtype === "int32" || !sameShape(y.shape, dy.shape) ||
      y.dtype !== dy.dtype
    ) {
      throw new Error(
        `softmaxGrad: softmax output ${y.dtype}${fmtShape(y.shape)} and gradient ` +
          `${dy.dtype}${fmtShape(dy.shape)} must be float tensors of one shape and dtype, with ` +
          `at least one axis`,
      );
    }
    return { shape: [...y.shape], dtype: y.dtype };
  },
  // The sum starts from the first product, not from 0: 0 + (−0) is +0, and shader compilers drop
  // the "0 +", so a sum of −0 products would keep its sign on WebGPU and not here.
  cpu: ([y, dy], _a, out) =>
    forRows(y.shape, (off, c) => {
      let s = dy.data[off] * y.data[off];
      for (let j = 1; j < c; j++) s += dy.data[off + j] * y.data[off + j];
      for (let j = 0; j < c; j++) out[off + j] = y.data[off + j] * (dy.data[off + j] - s);
    }),
  // out_i = y_i·(dy_i − s), s = Σ dy·y: ∂/∂y_k = g_k·(dy_k − s) − dy_k·Σ g·y and
  // ∂/∂dy_k = y_k·(g_k − Σ g·y), which is this op again; so softmax stays twice differentiable.
  grad: (g, { inputs: [y, dy] }) => [
    () => sub(mul(g, sub(dy, sum(mul(dy, y), -1, true))), mul(dy, sum(mul(g, y), -1, true))),
    () => softmaxGrad(y, g),
  ],
  tests: [
    { name: "4x5", inputs: [{ shape: [4, 5] }, { shape: [4, 5] }], attrs: {} },
    { name: "2x3x2", inputs: [{ shape: [2, 3, 2] }, { shape: [2, 3, 2] }], attrs: {} },
    { name: "3x1", inputs: [{ shape: [3, 1] }, { shape: [3, 1] }], attrs: {} },
  ],
});

const logSoftmaxDef = defineOp<Record<string, never>>({
  name: "logSoftmax",
  infer: lastAxisInfo("logSoftmax"),
  cpu: ([x], _a, out) =>
    forRows(x.shape, (off, c) => {
      const lse = logSumExp(x.data, off, c);
      for (let j = 0; j < c; j++) out[off + j] = x.data[off + j] - lse;
    }),
  grad: (dy, { output: y }) => [sub(dy, mul(exp(y), sum(dy, -1, true)))],
  tests: rowCases,
});

const softmaxCrossEntropyDef = defineOp<Record<string, never>>({
  name: "softmaxCrossEntropy",
  infer: ([z, t]) => {
    if (z.shape.length !== 2 || !sameShape(z.shape, t.shape) || z.dtype !== t.dtype) {
      throw new Error(
        `softmaxCrossEntropy: logits ${z.dtype}${fmtShape(z.shape)} and labels ` +
          `${t.dtype}${fmtShape(t.shape)} must both be [batch, classes] of one float dtype ` +
          `(pass int class ids to softmaxCrossEntropy() to one-hot them)`,
      );
    }
    return { shape: [], dtype: z.dtype };
  },
  cpu: ([z, t], _a, out) => {
    let total = 0;
    const rows = z.shape[0];
    forRows(z.shape, (off, c) => {
      const lse = logSumExp(z.data, off, c);
      for (let j = 0; j < c; j++) total -= t.data[off + j] * (z.data[off + j] - lse);
    });
    out[0] = total / rows; // the mean over no rows is NaN, as mean()
  },
  // d/dz of −Σ t·(z − lse) is softmax(z)·Σt − t (for one-hot rows Σt = 1): one kernel.
  grad: (dy, { inputs: [z, t] }) => [
    () => runOp(softmaxCrossEntropyGradDef, [z, t, dy], {}),
    () => mul(neg(logSoftmax(z)), div(dy, z.shape[0])),
  ],
  tests: [
    { name: "4x5", inputs: [{ shape: [4, 5] }, { shape: [4, 5], positive: true }], attrs: {} },
    { name: "1x3", inputs: [{ shape: [1, 3] }, { shape: [1, 3], positive: true }], attrs: {} },
  ],
});

/**
 * softmaxCrossEntropy's logit gradient in one op: (softmax(z)·Σt − t)·dy/N per row, where the
 * composition took softmax, a row sum, two muls, a sub and a division (6 kernels on WebGPU).
 */
const softmaxCrossEntropyGradDef = defineOp<Record<string, never>>({
  name: "softmaxCrossEntropyGrad",
  infer: ([z, t, dy]) => {
    if (
      z.shape.length !== 2 || !sameShape(z.shape, t.shape) || z.dtype !== t.dtype ||
      z.dtype === "int32" || dy.dtype !== z.dtype || dy.shape.reduce((a, b) => a * b, 1) !== 1
    ) {
      throw new Error(
        `softmaxCrossEntropyGrad: logits ${z.dtype}${fmtShape(z.shape)}, labels ` +
          `${t.dtype}${fmtShape(t.shape)} and dy ${dy.dtype}${fmtShape(dy.shape)} must be ` +
          `[batch, classes], [batch, classes] and one value, all of one float dtype`,
      );
    }
    return { shape: [...z.shape], dtype: z.dtype };
  },
  cpu: ([z, t, dy], _a, out) => {
    const scale = dy.data[0] / z.shape[0];
    forRows(z.shape, (off, c) => {
      const lse = logSumExp(z.data, off, c);
      let st = 0;
      for (let j = 0; j < c; j++) st += t.data[off + j];
      for (let j = 0; j < c; j++) {
        out[off + j] = (Math.exp(z.data[off + j] - lse) * st - t.data[off + j]) * scale;
      }
    });
  },
  // With p = softmax(z), s = Σt, k = dy/N and G the incoming gradient: dz = s·p·(Gk − Σ Gk·p),
  // dt = Σ Gk·p − Gk, ddy = Σ G·(p·s − t)/N; so the loss stays twice differentiable.
  grad: (g, { inputs: [z, t, dy] }) => {
    const n = z.shape[0];
    const p = softmaxOf(z), s = sum(t, -1, true), gk = mul(g, div(dy, n));
    const gp = sum(mul(gk, p), -1, true);
    return [
      () => mul(mul(p, sub(gk, gp)), s),
      () => sub(gp, gk),
      () => div(sum(mul(g, sub(mul(p, s), t))), n),
    ];
  },
  tests: [
    {
      name: "4x5",
      inputs: [{ shape: [4, 5] }, { shape: [4, 5], positive: true }, { shape: [] }],
      attrs: {},
    },
    {
      name: "1x3",
      inputs: [{ shape: [1, 3] }, { shape: [1, 3], positive: true }, { shape: [] }],
      attrs: {},
    },
  ],
});

function softmaxOf(x: Tensor): Tensor {
  return runOp(softmaxDef, [x], {});
}

/** Softmax over the last axis. Example: `softmax(logits)`. */
export function softmax(x: Tensor): Tensor {
  return softmaxOf(x);
}

/**
 * The gradient of softmax at its output y for the output gradient dy: y·(dy − Σ dy·y) over the
 * last axis (what autograd runs for softmax). Example: `softmaxGrad(softmax(z), dy)`.
 */
export function softmaxGrad(y: Tensor, dy: Tensor): Tensor {
  return runOp(softmaxGradDef, [y, dy], {});
}

/** log(softmax(x)) over the last axis, computed stably. */
export function logSoftmax(x: Tensor): Tensor {
  return runOp(logSoftmaxDef, [x], {});
}

/**
 * Mean cross-entropy of softmax(logits) against `labels`: int32 class ids [N] or float
 * probabilities [N, C]. Fused and stable (never takes log of a softmax).
 * Example: `softmaxCrossEntropy(model.apply(x), yInt32)`.
 */
export function softmaxCrossEntropy(logits: Tensor, labels: Tensor): Tensor {
  const t = labels.dtype === "int32"
    ? oneHotLabels(labels, logits.shape[logits.rank - 1], logits.dtype)
    : labels;
  return runOp(softmaxCrossEntropyDef, [logits, t], {});
}
