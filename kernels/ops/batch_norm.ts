import { runOp } from "../engine.ts";
import { defineOp, type OpTestCase, type TensorInfo } from "../op.ts";
import { fmtShape, sizeOf } from "../shape.ts";
import type { Tensor } from "../tensor_core.ts";
import { addScalar, mul, mulScalar, neg, powScalar, sub } from "./elementwise.ts";
import { sum } from "./reduce.ts";
import { mean } from "./reduce_derived.ts";
import {
  batchNormGradStatsOf,
  batchNormInputGradOf,
  batchNormTrainForward,
  batchVarianceOf,
  GRAD_STATS,
  plainPasses,
} from "./batch_norm_passes.ts";
import { slice } from "./shape_ops.ts";

/**
 * Batch normalisation's fused kernels over channel-last tensors. Training: `batchNormTrain`
 * normalises with x's own statistics, scales and shifts in one op, and its gradient is two:
 * `batchNormGradStats` (recomputes the statistics from x rather than keeping them from the
 * forward pass, and gives gamma's and beta's gradients) and `batchNormInputGrad` (the per-channel
 * formulas: batch_norm_passes.ts).
 * Evaluation: `batchNormApply` with the running statistics; `batchVariance` gives the batch
 * variance the running one is updated with.
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
  cpu: ([x, m], _a, out) => batchVarianceOf(plainPasses, x.data, m.data, out),
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

const trainCases: OpTestCase<ApplyAttrs>[] = [
  { shape: [4, 3], name: "4x3" },
  { shape: [2, 3, 3, 2], name: "2x3x3x2" },
  { shape: [1, 5, 1], name: "batch 1, 1 channel" },
  // Channels not a multiple of 4 (the WASM passes' scalar tail is tested on larger shapes in
  // tests/kernels/cpu/batch_norm_fast_test.ts: central differences lose their accuracy there).
  { shape: [2, 2, 3, 7], name: "2x2x3x7" },
].map(({ shape, name }) => {
  const c = [shape[shape.length - 1]];
  return { name, inputs: [{ shape }, { shape: c }, { shape: c }], attrs: { epsilon: 1e-3 } };
});

function checkTrainInputs(op: string, x: TensorInfo, pc: [string, TensorInfo][], eps: number) {
  const { c } = channelsOf(x, op);
  checkPerChannel(op, c, pc);
  if (!(eps >= 0)) throw new Error(`${op}: epsilon ${eps} must be ≥ 0`);
}

const batchNormTrainDef = defineOp<ApplyAttrs>({
  name: "batchNormTrain",
  infer: ([x, g, b], { epsilon }) => {
    checkTrainInputs("batchNormTrain", x, [["gamma", g], ["beta", b]], epsilon);
    return { shape: [...x.shape], dtype: x.dtype };
  },
  cpu: ([x, g, b], { epsilon }, out) => {
    batchNormTrainForward(plainPasses, x.data, g.data, b.data, epsilon, out);
  },
  grad: (dy, { inputs: [x, g], attrs }) => {
    const stats = once(() => runOp(batchNormGradStatsDef, [x, dy], attrs));
    const c = g.size;
    const row = (r: number) => () => slice(stats(), [r, 0], [1, c]).reshape([c]);
    return [
      () => runOp(batchNormInputGradDef, [x, dy, g, stats()], attrs),
      row(GRAD_STATS.dgamma),
      row(GRAD_STATS.dbeta),
    ];
  },
  tests: trainCases,
});

/**
 * [4, c]: Σ over the rows of dy·x̂ (gamma's gradient), of dy (beta's gradient), then x's mean and
 * 1/√(var + ε): what batchNormInputGrad needs.
 */
const batchNormGradStatsDef = defineOp<ApplyAttrs>({
  name: "batchNormGradStats",
  infer: ([x, dy], { epsilon }) => {
    checkTrainInputs("batchNormGradStats", x, [], epsilon);
    checkSameShape("batchNormGradStats", x, dy);
    return { shape: [4, x.shape[x.shape.length - 1]], dtype: x.dtype };
  },
  cpu: ([x, dy], { epsilon }, out) => {
    batchNormGradStatsOf(plainPasses, x.data, dy.data, epsilon, out);
  },
  gradOf: "batchNormTrain",
  tests: [],
});

/** The input gradient of batchNormTrain from x, dy, gamma and batchNormGradStats(x, dy). */
const batchNormInputGradDef = defineOp<ApplyAttrs>({
  name: "batchNormInputGrad",
  infer: ([x, dy, g, st], { epsilon }) => {
    checkTrainInputs("batchNormInputGrad", x, [["gamma", g]], epsilon);
    checkSameShape("batchNormInputGrad", x, dy);
    const c = g.shape[0];
    if (st.shape.length !== 2 || st.shape[0] !== 4 || st.shape[1] !== c) {
      throw new Error(
        `batchNormInputGrad: stats must be batchNormGradStats' [4, ${c}], got ${
          fmtShape(st.shape)
        }`,
      );
    }
    return { shape: [...x.shape], dtype: x.dtype };
  },
  cpu: ([x, dy, g, st], _a, out) => {
    batchNormInputGradOf(plainPasses, x.data, dy.data, g.data, st.data, out);
  },
  gradOf: "batchNormTrain",
  tests: [],
});

function checkSameShape(op: string, x: TensorInfo, dy: TensorInfo): void {
  if (x.shape.length !== dy.shape.length || x.shape.some((v, i) => v !== dy.shape[i])) {
    throw new Error(`${op}: dy ${fmtShape(dy.shape)} should be ${fmtShape(x.shape)}`);
  }
}

/**
 * Training-mode batch normalisation in one kernel: (x − mean)/√(var + ε)·gamma + beta per
 * channel (last axis), with the mean and biased variance of x over every other axis. Its
 * gradient flows through the statistics too. Example: `batchNormTrain(x, gamma, beta, 1e-3)`.
 */
export function batchNormTrain(x: Tensor, gamma: Tensor, beta: Tensor, epsilon: number): Tensor {
  return runOp(batchNormTrainDef, [x, gamma, beta], { epsilon });
}
