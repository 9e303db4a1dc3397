import { runOp } from "../engine.ts";
import { defineOp } from "../op.ts";
import { normAxes, sizeOf } from "../shape.ts";
import type { Tensor } from "../tensor_core.ts";
import { div, equal, mul } from "./elementwise.ts";
import { type ReduceAttrs, reduceCases, reduceInfo, reduceLoop, sum } from "./reduce.ts";

/**
 * Reductions written with elementwise ops: max (its gradient spreads dy over the tied maxima
 * with equal, div and mul) and mean (a scaled sum). Apart from reduce.ts so that elementwise.ts,
 * whose binary gradients need sumTo, and these can both import what they use without a cycle.
 */

const maxDef = defineOp<ReduceAttrs>({
  name: "max",
  infer: reduceInfo("max"),
  cpu: ([x], { axes }, out) => {
    out.fill(-Infinity);
    reduceLoop(x.data, x.shape, axes, (o, v) => {
      if (v > out[o] || Number.isNaN(v)) out[o] = v;
    });
  },
  // Ties share the gradient equally, like PyTorch's amax.
  grad: (dy, { inputs: [x], output, attrs }) => {
    const kept = x.shape.map((d, i) => (attrs.axes.includes(i) ? 1 : d));
    const mask = equal(x, output.reshape(kept));
    const count = sum(mask, attrs.axes, true);
    return [mul(div(mask, count), dy.reshape(kept))];
  },
  tests: reduceCases.map((c) => ({ ...c, inputs: [{ ...c.inputs[0], distinct: true }] })),
});

/** Maximum over `axes` (all when omitted). */
export function max(x: Tensor, axes?: number | number[], keepDims = false): Tensor {
  return runOp(maxDef, [x], { axes: normAxes(axes, x.rank, "max"), keepDims });
}

/** Mean over `axes` (all when omitted). */
export function mean(x: Tensor, axes?: number | number[], keepDims = false): Tensor {
  const ax = normAxes(axes, x.rank, "mean");
  const n = sizeOf(ax.map((a) => x.shape[a]));
  return div(sum(x, ax, keepDims), n);
}
