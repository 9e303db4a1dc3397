import { runOp } from "../engine.ts";
import { defineOp, type OpDef, type TensorInfo } from "../op.ts";
import { fmtShape, sameShape } from "../shape.ts";
import type { Tensor } from "../tensor_core.ts";
import { broadcastInfo, broadcastMap } from "./broadcast_map.ts";
import { cachedScalar } from "./cached_scalar.ts";
import { greaterEqual, log, mul, powScalar, sub } from "./elementwise.ts";
import { equal } from "./elementwise.ts";
import { where } from "./compare.ts";
import { sumTo } from "./reduce.ts";

/** clip (with its one-pass gradient) and pow of two tensors. */

/** Attributes of clip and clipGrad: the closed range [lo, hi]. */
export interface ClipAttrs {
  /** Lower bound: smaller values become `lo`. */
  lo: number;
  /** Upper bound: larger values become `hi`. */
  hi: number;
}

function floatInfo(name: string, x: TensorInfo): TensorInfo {
  if (x.dtype === "int32") throw new Error(`${name}: needs a float tensor, got int32`);
  return { shape: [...x.shape], dtype: x.dtype };
}

const clipCases = [
  {
    name: "3x4 in [-0.5, 0.8]",
    inputs: [{ shape: [3, 4], distinct: true }],
    attrs: { lo: -0.5, hi: 0.8 },
  },
  {
    name: "lower bound only",
    inputs: [{ shape: [7], distinct: true }],
    attrs: { lo: 0, hi: Infinity },
  },
];

const clipDef = defineOp<ClipAttrs>({
  name: "clip",
  infer: ([x], { lo, hi }) => {
    if (!(lo <= hi)) throw new Error(`clip: lower bound ${lo} is above upper bound ${hi}`);
    return floatInfo("clip", x);
  },
  // NaN stays NaN; ±0 keep their sign when inside the range.
  cpu: ([x], { lo, hi }, out) => {
    for (let i = 0; i < out.length; i++) {
      const v = x.data[i];
      out[i] = v < lo ? lo : v > hi ? hi : v;
    }
  },
  grad: (dy, { inputs: [x], attrs }) => [runOp(clipGradDef, [dy, x], attrs)],
  tests: clipCases,
});

/**
 * clip's backward pass in one kernel: dy where lo ≤ x ≤ hi (the bounds included, as PyTorch's
 * clamp), NaN where x is NaN (the NaN is not hidden, as reluGrad), else 0.
 */
const clipGradDef: OpDef<ClipAttrs> = defineOp<ClipAttrs>({
  name: "clipGrad",
  infer: ([dy, x]) => {
    if (!sameShape(dy.shape, x.shape) || dy.dtype !== x.dtype) {
      throw new Error(
        `clipGrad: needs dy and x of one dtype and shape, got ${dy.dtype}${fmtShape(dy.shape)} ` +
          `and ${x.dtype}${fmtShape(x.shape)}`,
      );
    }
    return floatInfo("clipGrad", dy);
  },
  cpu: ([dy, x], { lo, hi }, out) => {
    for (let i = 0; i < out.length; i++) {
      const v = x.data[i];
      out[i] = v !== v ? v : v >= lo && v <= hi ? dy.data[i] : 0;
    }
  },
  // Linear in dy; piecewise constant in x.
  grad: (ddx, { inputs: [, x], attrs }) => [runOp(clipGradDef, [ddx, x], attrs), null],
  diffInputs: [0],
  tests: [{
    name: "3x4",
    inputs: [{ shape: [3, 4] }, { shape: [3, 4], distinct: true }],
    attrs: { lo: -0.2, hi: 0.3 },
  }],
});

/**
 * Limits values to [lo, hi] (NumPy `clip`, TF.js `clipByValue`, PyTorch `clamp`); NaN stays
 * NaN, and the gradient passes where lo ≤ x ≤ hi. Example: `clip(p, 1e-7, 1 - 1e-7)`.
 */
export function clip(x: Tensor, lo: number, hi: number): Tensor {
  return runOp(clipDef, [x], { lo, hi });
}

/** TF.js's name for {@link clip}. */
export const clipByValue = clip;

const powDef: OpDef<Record<string, never>> = defineOp<Record<string, never>>({
  name: "pow",
  infer: (xs) => {
    const info = broadcastInfo("pow", xs, [0, 1]);
    return floatInfo("pow", info);
  },
  cpu: (xs, _a, out, outShape) => broadcastMap(xs, out, outShape, ([a, b]) => Math.pow(a, b)),
  // d/da = b·a^(b−1); d/db = a^b·ln a, taken as 0 where a = 0 and b ≥ 0 (PyTorch's rule: the
  // limit, where ln 0 = −∞ would give 0·∞).
  grad: (dy, { inputs: [a, b], output }) => [
    () => sumTo(mul(dy, mul(b, runOp(powDef, [a, sub(b, 1)], {}))), a.shape),
    () => {
      const db = mul(mul(dy, output), log(a));
      const zero = cachedScalar(0, a.dtype);
      return sumTo(where(mul(equal(a, zero), greaterEqual(b, zero)), zero, db), b.shape);
    },
  ],
  tests: [
    { name: "same 3x4", inputs: [{ shape: [3, 4], positive: true }, { shape: [3, 4] }], attrs: {} },
    {
      name: "base 2x3 by exponent 3",
      inputs: [{ shape: [2, 3], positive: true }, { shape: [3] }],
      attrs: {},
    },
  ],
});

/**
 * aᵇ elementwise with broadcasting, Math.pow's rules (a negative base needs a whole exponent);
 * a number exponent runs powScalar. Example: `pow(x, tensor([1, 2, 3]))`.
 */
export function pow(a: Tensor, b: Tensor | number): Tensor {
  return typeof b === "number" ? powScalar(a, b) : runOp(powDef, [a, b], {});
}
