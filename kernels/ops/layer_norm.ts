import { runOp } from "../engine.ts";
import { defineOp, type OpTestCase, type TensorInfo } from "../op.ts";
import { fmtShape, normAxes, sizeOf } from "../shape.ts";
import type { Tensor } from "../tensor_core.ts";
import { permute } from "./shape_ops.ts";

/**
 * Layer normalisation's fused kernels: `layerNorm` normalises each row (the last axis) to
 * (x − mean)/√(var + ε) with the biased variance, as Keras' LayerNormalization and PyTorch's
 * LayerNorm do, in one pass per row; `layerNormGrad` is its whole backward in one pass per row,
 * recomputing the statistics from x (nothing saved between the passes). The scale and offset
 * are broadcast ops in the layer (layers/layer_norm.ts), so autograd gives their gradients.
 */

/** Attributes of layerNorm and layerNormGrad. */
export interface LayerNormAttrs {
  /** Added to the variance before the square root, so a constant row does not divide by zero. */
  epsilon: number;
}

function rowsOf(op: string, x: TensorInfo): void {
  if (x.dtype === "int32") throw new Error(`${op}: needs a float tensor`);
  if (x.shape.length < 1 || x.shape[x.shape.length - 1] < 1) {
    throw new Error(`${op}: needs a last axis of at least one element, got ${fmtShape(x.shape)}`);
  }
}

/**
 * Calls `f(base, d, mean, rstd)` for every row of `x` (its last axis of `d`), the mean and
 * 1/√(var + ε) computed in float64 with two passes (mean first, then the squares about it).
 */
function forEachRow(
  x: ArrayLike<number>,
  d: number,
  epsilon: number,
  f: (base: number, mean: number, rstd: number) => void,
): void {
  for (let base = 0; base < x.length; base += d) {
    let s = 0;
    for (let j = 0; j < d; j++) s += x[base + j];
    const mean = s / d;
    let q = 0;
    for (let j = 0; j < d; j++) q += (x[base + j] - mean) ** 2;
    f(base, mean, 1 / Math.sqrt(q / d + epsilon));
  }
}

const eps = { epsilon: 1e-3 };
const layerNormCases: OpTestCase<LayerNormAttrs>[] = [
  { name: "rows of 4x6", inputs: [{ shape: [4, 6] }], attrs: eps },
  { name: "tokens 2x3x5, eps 1e-5", inputs: [{ shape: [2, 3, 5] }], attrs: { epsilon: 1e-5 } },
  // Rows longer than a workgroup of 64: the WGSL kernel's strided loop.
  { name: "2x130", inputs: [{ shape: [2, 130] }], attrs: eps },
  { name: "one element per row", inputs: [{ shape: [3, 1] }], attrs: eps },
];

const layerNormDef = defineOp<LayerNormAttrs>({
  name: "layerNorm",
  infer: ([x]) => {
    rowsOf("layerNorm", x);
    return { shape: [...x.shape], dtype: x.dtype };
  },
  cpu: ([x], { epsilon }, out, shape) => {
    const d = shape[shape.length - 1];
    forEachRow(x.data, d, epsilon, (base, mean, rstd) => {
      for (let j = 0; j < d; j++) out[base + j] = (x.data[base + j] - mean) * rstd;
    });
  },
  grad: (dy, { inputs: [x], attrs }) => [runOp(layerNormGradDef, [x, dy], attrs)],
  tests: layerNormCases,
});

/**
 * dx = rstd·(dy − mean(dy) − x̂·mean(dy·x̂)) per row, x̂ = (x − mean)·rstd: the derivative of
 * the normalisation through its own mean and variance.
 */
const layerNormGradDef = defineOp<LayerNormAttrs>({
  name: "layerNormGrad",
  infer: ([x, dy]) => {
    rowsOf("layerNormGrad", x);
    if (x.shape.length !== dy.shape.length || x.shape.some((v, i) => v !== dy.shape[i])) {
      throw new Error(`layerNormGrad: dy ${fmtShape(dy.shape)} should be ${fmtShape(x.shape)}`);
    }
    return { shape: [...x.shape], dtype: x.dtype };
  },
  cpu: ([x, dy], { epsilon }, out, shape) => {
    const d = shape[shape.length - 1];
    forEachRow(x.data, d, epsilon, (base, mean, rstd) => {
      let g = 0, gx = 0;
      for (let j = 0; j < d; j++) {
        g += dy.data[base + j];
        gx += dy.data[base + j] * (x.data[base + j] - mean) * rstd;
      }
      for (let j = 0; j < d; j++) {
        const xhat = (x.data[base + j] - mean) * rstd;
        out[base + j] = rstd * (dy.data[base + j] - g / d - xhat * (gx / d));
      }
    });
  },
  gradOf: "layerNorm",
  tests: [],
});

/**
 * Normalises `x` over `axes` (default the last) to zero mean and unit variance:
 * (x − mean)/√(var + ε), biased variance, ε = 1e-3 by default as Keras (PyTorch's LayerNorm
 * uses 1e-5). Axes other than the trailing ones are moved to the end and back.
 * Example: `layerNorm(tokens, { epsilon: 1e-5 })`.
 */
export function layerNorm(
  x: Tensor,
  { axes = -1, epsilon = 1e-3 }: { axes?: number | number[]; epsilon?: number } = {},
): Tensor {
  if (!(epsilon >= 0)) throw new Error(`layerNorm: epsilon must be ≥ 0, got ${epsilon}`);
  const norm = normAxes(axes, x.rank, "layerNorm");
  const kept = [...Array(x.rank).keys()].filter((a) => !norm.includes(a));
  const perm = [...kept, ...norm];
  const moved = permute(x, perm);
  const rows = moved.reshape([...kept.map((a) => x.shape[a]), sizeOf(norm.map((a) => x.shape[a]))]);
  const y = runOp(layerNormDef, [rows], { epsilon }).reshape(moved.shape);
  return permute(y, perm.map((_, k) => perm.indexOf(k)));
}
