import type { DType, FloatArray, TypedArray } from "../dtype.ts";
import { runOp } from "../engine.ts";
import { defineOp, type OpDef, type OpTestCase, type TensorInfo } from "../op.ts";
import { broadcastShapes, broadcastStrides, fmtShape, sameShape } from "../shape.ts";
import { scalar, Tensor } from "../tensor_core.ts";
import { maximumOf, minimumOf, toInt32 } from "./ieee.ts";
import { sumTo } from "./reduce.ts";

/** Elementwise ops: unary math, scalar arithmetic, and binary ops with NumPy broadcasting. */

function floatInfo(name: string) {
  return (inputs: TensorInfo[]): TensorInfo => {
    const [x] = inputs;
    if (x.dtype === "int32") throw new Error(`${name}: needs a float tensor, got int32`);
    return { shape: [...x.shape], dtype: x.dtype };
  };
}

const unaryCases: OpTestCase<Record<string, never>>[] = [
  { name: "3x4", inputs: [{ shape: [3, 4] }], attrs: {} },
  { name: "scalar", inputs: [{ shape: [] }], attrs: {} },
];
const positiveCases: OpTestCase<Record<string, never>>[] = [
  { name: "3x4 positive", inputs: [{ shape: [3, 4], positive: true }], attrs: {} },
];

function unary(
  name: string,
  fn: (v: number) => number,
  grad: ((dy: Tensor, x: Tensor, y: Tensor) => Tensor) | undefined,
  opts: { positive?: boolean; noGradReason?: string; extraCases?: typeof unaryCases } = {},
): OpDef<Record<string, never>> {
  return defineOp<Record<string, never>>({
    name,
    infer: floatInfo(name),
    cpu: ([x], _a, out) => {
      const xd = x.data;
      for (let i = 0; i < out.length; i++) out[i] = fn(xd[i]);
    },
    grad: grad && ((dy, { inputs, output }) => [grad(dy, inputs[0], output)]),
    noGradReason: opts.noGradReason,
    tests: [...(opts.positive ? positiveCases : unaryCases), ...(opts.extraCases ?? [])],
  });
}

const negDef = unary("neg", (v) => -v, (dy) => neg(dy));
const expDef = unary("exp", Math.exp, (dy, _x, y) => mul(dy, y));
const logDef = unary("log", Math.log, (dy, x) => div(dy, x), { positive: true });
const sqrtDef = unary("sqrt", Math.sqrt, (dy, _x, y) => div(dy, mulScalar(y, 2)), {
  positive: true,
});
const absDef = unary("abs", Math.abs, (dy, x) => mul(dy, sign(x)));
const signDef = unary("sign", Math.sign, undefined, {
  noGradReason: "piecewise constant: its gradient is zero almost everywhere",
});
// NaN passes through (as PyTorch and NumPy); −0 and every other x ≤ 0 give +0.
// 1280 values: enough for the fast kernel's WASM SIMD path (elementwise_wasm.ts MIN_VALUES).
const wasmSized = [{ name: "40x32", inputs: [{ shape: [40, 32] }], attrs: {} }];
const reluDef = unary("relu", (v) => (v > 0 || v !== v ? v : 0), (dy, x) => reluGrad(dy, x), {
  extraCases: wasmSized,
});

/**
 * ReLU's backward pass in one kernel (PyTorch's threshold_backward): dy where x > 0, x itself
 * where x is NaN (the NaN propagates; PyTorch gives 0 there), else 0. Written as
 * mul(dy, step(x)) it took two passes and an extra mask tensor per layer. Where x ≤ 0 the
 * result is 0 even when dy is not finite, as in PyTorch.
 */
const reluGradDef = defineOp<Record<string, never>>({
  name: "reluGrad",
  infer: ([dy, x]) => {
    if (!sameShape(dy.shape, x.shape) || dy.dtype !== x.dtype || dy.dtype === "int32") {
      throw new Error(
        `reluGrad: needs dy and x of one float dtype and shape, got ${dy.dtype}${
          fmtShape(dy.shape)
        } and ${x.dtype}${fmtShape(x.shape)}`,
      );
    }
    return { shape: [...dy.shape], dtype: dy.dtype };
  },
  cpu: ([dy, x], _a, out) => {
    const g = dy.data, xd = x.data;
    for (let i = 0; i < out.length; i++) out[i] = xd[i] > 0 ? g[i] : xd[i] !== xd[i] ? xd[i] : 0;
  },
  // Linear in dy; in x piecewise constant, so its gradient there is zero almost everywhere.
  grad: (ddx, { inputs: [, x] }) => [reluGrad(ddx, x), null],
  tests: [
    {
      name: "3x4",
      inputs: [{ shape: [3, 4] }, { shape: [3, 4], distinct: true }],
      attrs: {},
    },
    {
      name: "40x32",
      inputs: [{ shape: [40, 32] }, { shape: [40, 32], distinct: true }],
      attrs: {},
    },
  ],
});
const stepDef = unary("step", (v) => (v > 0 ? 1 : v !== v ? v : 0), undefined, {
  noGradReason: "piecewise constant: its gradient is zero almost everywhere",
});
const sigmoidDef = unary(
  "sigmoid",
  (v) => 1 / (1 + Math.exp(-v)),
  (dy, _x, y) => mul(dy, mul(y, rsubScalar(y, 1))),
);
const tanhDef = unary("tanh", Math.tanh, (dy, _x, y) => mul(dy, rsubScalar(mul(y, y), 1)));
const squareDef = unary("square", (v) => v * v, (dy, x) => mul(dy, mulScalar(x, 2)));

/** -x */
export const neg = (x: Tensor): Tensor => runOp(negDef, [x], {});
/** eˣ */
export const exp = (x: Tensor): Tensor => runOp(expDef, [x], {});
/** Natural logarithm. */
export const log = (x: Tensor): Tensor => runOp(logDef, [x], {});
/** √x */
export const sqrt = (x: Tensor): Tensor => runOp(sqrtDef, [x], {});
/** |x| */
export const abs = (x: Tensor): Tensor => runOp(absDef, [x], {});
/** −1, 0 or 1. */
export const sign = (x: Tensor): Tensor => runOp(signDef, [x], {});
/** max(x, 0); NaN stays NaN, relu(−0) = +0. */
export const relu = (x: Tensor): Tensor => runOp(reluDef, [x], {});
/** 1 where x > 0, NaN where x is NaN, else 0 (the ReLU derivative). */
export const step = (x: Tensor): Tensor => runOp(stepDef, [x], {});
/** dy where x > 0, NaN where x is NaN, else 0: the gradient of relu(x) given dy. */
export const reluGrad = (dy: Tensor, x: Tensor): Tensor => runOp(reluGradDef, [dy, x], {});
/** Logistic sigmoid 1/(1+e^-x). */
export const sigmoid = (x: Tensor): Tensor => runOp(sigmoidDef, [x], {});
/** Hyperbolic tangent. */
export const tanh = (x: Tensor): Tensor => runOp(tanhDef, [x], {});
/** x² */
export const square = (x: Tensor): Tensor => runOp(squareDef, [x], {});

/** Attributes of the scalar ops (mulScalar, addScalar, powScalar): the number c. */
export interface ScalarAttrs {
  /** The scalar operand. */
  c: number;
}
const scalarCases: OpTestCase<ScalarAttrs>[] = [
  { name: "3x4 c=-1.5", inputs: [{ shape: [3, 4] }], attrs: { c: -1.5 } },
];

const mulScalarDef = defineOp<ScalarAttrs>({
  name: "mulScalar",
  infer: floatInfo("mulScalar"),
  cpu: ([x], { c }, out) => {
    for (let i = 0; i < out.length; i++) out[i] = x.data[i] * c;
  },
  grad: (dy, { attrs }) => [mulScalar(dy, attrs.c)],
  tests: scalarCases,
});
const addScalarDef = defineOp<ScalarAttrs>({
  name: "addScalar",
  infer: floatInfo("addScalar"),
  cpu: ([x], { c }, out) => {
    for (let i = 0; i < out.length; i++) out[i] = x.data[i] + c;
  },
  grad: (dy) => [dy],
  tests: scalarCases,
});
const powScalarDef = defineOp<ScalarAttrs>({
  name: "powScalar",
  infer: floatInfo("powScalar"),
  cpu: ([x], { c }, out) => {
    for (let i = 0; i < out.length; i++) out[i] = Math.pow(x.data[i], c);
  },
  grad: (dy, { inputs, attrs }) => [mul(dy, mulScalar(powScalar(inputs[0], attrs.c - 1), attrs.c))],
  tests: [{ name: "3x4 ^1.7", inputs: [{ shape: [3, 4], positive: true }], attrs: { c: 1.7 } }],
});

/** x · c for a number c. */
export const mulScalar = (x: Tensor, c: number): Tensor => runOp(mulScalarDef, [x], { c });
/** x + c for a number c. */
export const addScalar = (x: Tensor, c: number): Tensor => runOp(addScalarDef, [x], { c });
/** c − x for a number c. */
export const rsubScalar = (x: Tensor, c: number): Tensor => addScalar(neg(x), c);
/** xᶜ for a number c. */
export const powScalar = (x: Tensor, c: number): Tensor => runOp(powScalarDef, [x], { c });

function binaryInfo(name: string, outDtype?: DType) {
  return ([a, b]: TensorInfo[]): TensorInfo => {
    if (a.dtype !== b.dtype) {
      throw new Error(
        `${name}: dtypes differ (${a.dtype}${fmtShape(a.shape)} vs ${b.dtype}${
          fmtShape(b.shape)
        }); ` +
          `cast one operand first`,
      );
    }
    return { shape: broadcastShapes(a.shape, b.shape, name), dtype: outDtype ?? a.dtype };
  };
}

/**
 * Applies `f` over two broadcast operands. Same-shape and scalar operands take a flat loop;
 * other shapes walk the output with per-operand strides (0 on broadcast axes).
 */
function broadcastLoop(
  a: TypedArray,
  aShape: number[],
  b: TypedArray,
  bShape: number[],
  out: TypedArray,
  outShape: number[],
  f: (x: number, y: number) => number,
): void {
  const n = out.length;
  if (sameShape(aShape, bShape)) {
    for (let i = 0; i < n; i++) out[i] = f(a[i], b[i]);
    return;
  }
  if (b.length === 1) {
    const bv = b[0];
    for (let i = 0; i < n; i++) out[i] = f(a[i], bv);
    return;
  }
  if (a.length === 1) {
    const av = a[0];
    for (let i = 0; i < n; i++) out[i] = f(av, b[i]);
    return;
  }
  const rank = outShape.length;
  const sa = broadcastStrides(aShape, outShape);
  const sb = broadcastStrides(bShape, outShape);
  const idx = new Array<number>(rank).fill(0);
  let ia = 0, ib = 0;
  for (let i = 0; i < n; i++) {
    out[i] = f(a[ia], b[ib]);
    for (let ax = rank - 1; ax >= 0; ax--) {
      idx[ax]++;
      ia += sa[ax];
      ib += sb[ax];
      if (idx[ax] < outShape[ax]) break;
      ia -= sa[ax] * outShape[ax];
      ib -= sb[ax] * outShape[ax];
      idx[ax] = 0;
    }
  }
}

const binaryCases: OpTestCase<Record<string, never>>[] = [
  { name: "same 3x4", inputs: [{ shape: [3, 4] }, { shape: [3, 4] }], attrs: {} },
  { name: "bias 3x4+4", inputs: [{ shape: [3, 4] }, { shape: [4] }], attrs: {} },
  { name: "outer 2x1x3+4x1", inputs: [{ shape: [2, 1, 3] }, { shape: [4, 1] }], attrs: {} },
  { name: "scalar", inputs: [{ shape: [2, 3] }, { shape: [] }], attrs: {} },
];

/** A gradient computed only if autograd asks for it (its input requires a gradient). */
type LazyGrad = () => Tensor;

/** `g` summed to `shape`, still lazy when `g` is. */
function summedTo(g: Tensor | LazyGrad, shape: number[]): Tensor | LazyGrad {
  return typeof g === "function" ? () => sumTo(g(), shape) : sumTo(g, shape);
}

function binary(
  name: string,
  fn: (x: number, y: number) => number,
  grad:
    | ((dy: Tensor, a: Tensor, b: Tensor, y: Tensor) => [Tensor | LazyGrad, Tensor | LazyGrad])
    | undefined,
  opts: {
    positiveB?: boolean;
    noGradReason?: string;
    distinct?: boolean;
    /** The int32 rule where it differs from `fn` (a product wraps like WGSL's i32). */
    intFn?: (x: number, y: number) => number;
  } = {},
): OpDef<Record<string, never>> {
  return defineOp<Record<string, never>>({
    name,
    infer: binaryInfo(name),
    cpu: ([a, b], _attrs, out, outShape) =>
      broadcastLoop(
        a.data,
        a.shape,
        b.data,
        b.shape,
        out,
        outShape,
        out instanceof Int32Array ? opts.intFn ?? fn : fn,
      ),
    grad: grad &&
      ((dy, { inputs: [a, b], output }) => {
        const [ga, gb] = grad(dy, a, b, output);
        return [summedTo(ga, a.shape), summedTo(gb, b.shape)];
      }),
    noGradReason: opts.noGradReason,
    tests: binaryCases.map((c) => ({
      ...c,
      inputs: c.inputs.map((s, i) => ({
        ...s,
        positive: i === 1 && opts.positiveB,
        distinct: opts.distinct,
      })),
    })),
  });
}

const addDef = binary("add", (x, y) => x + y, (dy) => [dy, dy]);
const subDef = binary("sub", (x, y) => x - y, (dy) => [dy, neg(dy)]);
// Lazy: a dropout mask or a constant factor needs no gradient, so its product is never run.
const mulDef = binary("mul", (x, y) => x * y, (dy, a, b) => [() => mul(dy, b), () => mul(dy, a)], {
  intFn: Math.imul,
});
// int32: truncates toward zero, and x / 0 is 0 (NumPy's result; an Int32Array store of the
// float quotient gives exactly that: ±Infinity and NaN become 0).
const divDef = binary(
  "div",
  (x, y) => x / y,
  (dy, _a, b, y) => [() => div(dy, b), () => neg(div(mul(dy, y), b))],
  { positiveB: true },
);
// The gradient goes to a where a ≥ b (ties, ±0 included), else to b (also where one is NaN).
const maximumDef = binary("maximum", maximumOf, (dy, a, b) => {
  const m = greaterEqual(a, b);
  return [mul(dy, m), mul(dy, rsubScalar(m, 1))];
}, { distinct: true });
// The gradient goes to a where a ≤ b, else to b.
const minimumDef = binary("minimum", minimumOf, (dy, a, b) => {
  const m = greaterEqual(b, a);
  return [mul(dy, m), mul(dy, rsubScalar(m, 1))];
}, { distinct: true });
const greaterEqualDef = binary("greaterEqual", (x, y) => (x >= y ? 1 : 0), undefined, {
  noGradReason: "comparison: piecewise constant",
});
const equalDef = binary("equal", (x, y) => (x === y ? 1 : 0), undefined, {
  noGradReason: "comparison: piecewise constant",
});

/** A tensor, or a number that acts as a scalar tensor of the other operand's dtype. */
export type Operand = Tensor | number;
function asTensor(x: Operand, like: Tensor): Tensor {
  return x instanceof Tensor ? x : scalar(x, like.dtype);
}

/** a + b with broadcasting; a number operand becomes a scalar op. Example: `add(x, bias)`. */
export function add(a: Tensor, b: Operand): Tensor {
  return typeof b === "number" ? addScalar(a, b) : runOp(addDef, [a, b], {});
}
/** a − b with broadcasting. */
export function sub(a: Tensor, b: Operand): Tensor {
  return typeof b === "number" ? addScalar(a, -b) : runOp(subDef, [a, b], {});
}
/** a · b elementwise with broadcasting. */
export function mul(a: Tensor, b: Operand): Tensor {
  return typeof b === "number" ? mulScalar(a, b) : runOp(mulDef, [a, b], {});
}
/** a / b elementwise with broadcasting. */
export function div(a: Tensor, b: Operand): Tensor {
  return typeof b === "number" ? mulScalar(a, 1 / b) : runOp(divDef, [a, b], {});
}
/** Elementwise max(a, b): NaN if either is NaN, and −0 < +0 (IEEE 754-2019 maximum). */
export function maximum(a: Tensor, b: Operand): Tensor {
  return runOp(maximumDef, [a, asTensor(b, a)], {});
}
/** Elementwise min(a, b): NaN if either is NaN, and −0 < +0 (IEEE 754-2019 minimum). */
export function minimum(a: Tensor, b: Operand): Tensor {
  return runOp(minimumDef, [a, asTensor(b, a)], {});
}
/** 1 where a ≥ b, else 0 (same dtype as a). */
export function greaterEqual(a: Tensor, b: Operand): Tensor {
  return runOp(greaterEqualDef, [a, asTensor(b, a)], {});
}
/** 1 where a = b, else 0 (works on int32 too: labels vs predictions). */
export function equal(a: Tensor, b: Operand): Tensor {
  return runOp(equalDef, [a, asTensor(b, a)], {});
}

/** Attributes of cast: the target dtype. */
export interface CastAttrs {
  /** The dtype the values are converted to. */
  dtype: DType;
}
const castDef = defineOp<CastAttrs>({
  name: "cast",
  infer: ([x], { dtype }) => ({ shape: [...x.shape], dtype }),
  cpu: ([x], { dtype }, out) => {
    if (dtype === "int32") { for (let i = 0; i < out.length; i++) out[i] = toInt32(x.data[i]); }
    else (out as FloatArray).set(x.data);
  },
  grad: (dy, { inputs }) => [inputs[0].dtype === "int32" ? null : cast(dy, inputs[0].dtype)],
  tests: [{ name: "3x4 to float64", inputs: [{ shape: [3, 4] }], attrs: { dtype: "float64" } }],
});

/**
 * Converts to another dtype. To int32 it truncates toward zero, saturates out-of-range values
 * and ±Infinity, and maps NaN to 0 ({@link toInt32}).
 */
export function cast(x: Tensor, dtype: DType): Tensor {
  return x.dtype === dtype ? x : runOp(castDef, [x], { dtype });
}
