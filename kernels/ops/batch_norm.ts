import { runOp } from "../engine.ts";
import { defineOp, type OpTestCase, type TensorInfo } from "../op.ts";
import { fmtShape, sizeOf } from "../shape.ts";
import type { Tensor } from "../tensor_core.ts";
import { addScalar, mul, mulScalar, neg, powScalar, sub } from "./elementwise.ts";
import { sum } from "./reduce.ts";
import { mean } from "./reduce_derived.ts";

/**
 * Batch normalisation's two fused kernels over channel-last tensors: the per-channel variance
 * about a given mean, and normalise-scale-shift. layers/batch_norm.ts composes them with
 * `mean`; autograd chains their gradients, so the layer's backward needs no hand-written
 * whole-layer formula. Fused, a training forward pass is 4 dispatches instead of 10.
 */

/** Channels (last axis) and the rows every channel reduces over. */
function channelsOf(x: TensorInfo, op: string): { c: number; rows: number } {
  if (x.dtype === "int32") throw new Error(`${op}: needs a float tensor`);
  if (x.shape.length < 2) {
    throw new Error(`${op}: needs rank ≥ 2 (batch …, channels), got ${fmtShape(x.shape)}`);
  }
  const c = x.shape[x.shape.length - 1];
  return { c, rows: sizeOf(x.shape) / c };
}

function checkPerChannel(op: string, c: number, ins: [string, TensorInfo][]): void {
  for (const [name, t] of ins) {
    if (t.shape.length !== 1 || t.shape[0] !== c) {
      throw new Error(
        `${op}: ${name} must have shape [${c}] (one per channel), got ${fmtShape(t.shape)}`,
      );
    }
  }
}

/** Reduction axes of `x`: every axis but the channels. */
function batchAxes(x: Tensor): number[] {
  return [...Array(x.rank - 1).keys()];
}

/** Calls `fn` once, on first use: gradient thunks of several inputs share one reduction. */
function once<T>(fn: () => T): () => T {
  let v: T | undefined;
  return () => (v ??= fn());
}

type NoAttrs = Record<string, never>;

const varianceCases: OpTestCase<NoAttrs>[] = [
  { name: "4x3", inputs: [{ shape: [4, 3] }, { shape: [3] }], attrs: {} },
  { name: "2x3x3x2", inputs: [{ shape: [2, 3, 3, 2] }, { shape: [2] }], attrs: {} },
  { name: "batch 1, 1 channel", inputs: [{ shape: [1, 5, 1] }, { shape: [1] }], attrs: {} },
];

const batchVarianceDef = defineOp<NoAttrs>({
  name: "batchVariance",
  infer: ([x, m]) => {
    const { c } = channelsOf(x, "batchVariance");
    checkPerChannel("batchVariance", c, [["mean", m]]);
    return { shape: [c], dtype: x.dtype };
  },
  cpu: ([x, m], _a, out) => {
    const c = m.data.length;
    const acc = new Float64Array(c);
    for (let i = 0; i < x.data.length; i++) {
      const d = x.data[i] - m.data[i % c];
      acc[i % c] += d * d;
    }
    const rows = x.data.length / c;
    for (let k = 0; k < c; k++) out[k] = acc[k] / rows;
  },
  grad: (dy, { inputs: [x, m] }) => {
    const rows = x.size / m.size;
    return [
      () => mul(sub(x, m), mulScalar(dy, 2 / rows)),
      // ∂/∂m of mean((x − m)²) = −2·mean(x − m): zero when m is x's mean, not in general.
      () => mulScalar(mul(dy, sub(mean(x, batchAxes(x)), m)), -2),
    ];
  },
  tests: varianceCases,
});

interface ApplyAttrs {
  epsilon: number;
}

const applyCases: OpTestCase<ApplyAttrs>[] = [
  { shape: [4, 3], c: 3, name: "4x3" },
  { shape: [2, 3, 3, 2], c: 2, name: "2x3x3x2" },
  { shape: [1, 5, 1], c: 1, name: "batch 1, 1 channel" },
].map(({ shape, c, name }) => ({
  name,
  inputs: [{ shape }, { shape: [c] }, { shape: [c], positive: true }, { shape: [c] }, {
    shape: [c],
  }],
  attrs: { epsilon: 1e-3 },
}));

const batchNormApplyDef = defineOp<ApplyAttrs>({
  name: "batchNormApply",
  infer: ([x, m, v, g, b], { epsilon }) => {
    const { c } = channelsOf(x, "batchNormApply");
    checkPerChannel("batchNormApply", c, [["mean", m], ["variance", v], ["gamma", g], [
      "beta",
      b,
    ]]);
    if (!(epsilon >= 0)) throw new Error(`batchNormApply: epsilon ${epsilon} must be ≥ 0`);
    return { shape: [...x.shape], dtype: x.dtype };
  },
  cpu: ([x, m, v, g, b], { epsilon }, out) => {
    const c = m.data.length;
    for (let i = 0; i < out.length; i++) {
      const k = i % c;
      out[i] = (x.data[i] - m.data[k]) / Math.sqrt(v.data[k] + epsilon) * g.data[k] + b.data[k];
    }
  },
  grad: (dy, { inputs: [x, m, v, g], attrs: { epsilon } }) => {
    const axes = batchAxes(x);
    const invStd = once(() => powScalar(addScalar(v, epsilon), -0.5));
    const scale = once(() => mul(g, invStd()));
    const sumDy = once(() => sum(dy, axes));
    const sumDyXc = once(() => sum(mul(dy, sub(x, m)), axes));
    return [
      () => mul(dy, scale()),
      () => neg(mul(sumDy(), scale())),
      // d/dv of (v + ε)^(−½) = −½ (v + ε)^(−3/2)
      () => mul(sumDyXc(), mul(g, mulScalar(powScalar(invStd(), 3), -0.5))),
      () => mul(sumDyXc(), invStd()),
      sumDy,
    ];
  },
  tests: applyCases,
});

/**
 * Per-channel (last axis) variance of `x` about `mean`, averaged over every other axis (biased,
 * as batch normalisation uses it). Example: `batchVariance(x, mean(x, [0, 1, 2]))`.
 */
export function batchVariance(x: Tensor, mean: Tensor): Tensor {
  return runOp(batchVarianceDef, [x, mean], {});
}

/**
 * (x − mean) / √(variance + ε) · gamma + beta per channel (last axis) in one kernel.
 * Example: `batchNormApply(x, m, v, gamma, beta, 1e-3)`.
 */
export function batchNormApply(
  x: Tensor,
  mean: Tensor,
  variance: Tensor,
  gamma: Tensor,
  beta: Tensor,
  epsilon: number,
): Tensor {
  return runOp(batchNormApplyDef, [x, mean, variance, gamma, beta], { epsilon });
}
