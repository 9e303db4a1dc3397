import { runOp } from "../engine.ts";
import { defineOp } from "../op.ts";
import { fmtShape, normAxes, sizeOf } from "../shape.ts";
import type { Tensor } from "../tensor_core.ts";
import { div, equal, mul } from "./elementwise.ts";
import { maximumOf, minimumOf } from "./ieee.ts";
import { type ReduceAttrs, reduceCases, reduceInfo, reduceLoop, sum } from "./reduce.ts";

/**
 * Reductions written with elementwise ops: max and min (their gradient spreads dy over the tied maxima
 * with equal, div and mul) and mean (a scaled sum). Apart from reduce.ts so that elementwise.ts,
 * whose binary gradients need sumTo, and these can both import what they use without a cycle.
 */

/**
 * Max or min over axes by IEEE 754-2019 maximum/minimum (maximumOf): NaN when any reduced
 * value is NaN (as NumPy and PyTorch), −0 below +0, so any fold order agrees; an empty
 * reduced axis has no identity and is refused in the shape rule (as NumPy and PyTorch).
 * Ties share the gradient equally, like PyTorch's amax; where the result is NaN the gradient
 * is NaN over the whole reduced slice (the equal-mask has no winner, 0/0).
 */
function extremum(name: "max" | "min", pick: (m: number, v: number) => number) {
  const shape = reduceInfo(name);
  return defineOp<ReduceAttrs>({
    name,
    infer: (inputs, attrs) => {
      const info = shape(inputs, attrs);
      const empty = attrs.axes.find((a) => inputs[0].shape[a] === 0);
      if (empty !== undefined && sizeOf(info.shape) > 0) {
        throw new Error(
          `${name}: axis ${empty} of ${fmtShape(inputs[0].shape)} is empty and a ${name} of ` +
            `no values is undefined; check the tensor is not empty`,
        );
      }
      return info;
    },
    cpu: ([x], { axes }, out) => {
      out.fill(name === "max" ? -Infinity : Infinity);
      reduceLoop(x.data, x.shape, axes, (o, v) => (out[o] = pick(out[o], v)));
    },
    grad: (dy, { inputs: [x], output, attrs }) => {
      const kept = x.shape.map((d, i) => (attrs.axes.includes(i) ? 1 : d));
      const mask = equal(x, output.reshape(kept));
      const count = sum(mask, attrs.axes, true);
      return [mul(div(mask, count), dy.reshape(kept))];
    },
    tests: reduceCases.map((c) => ({ ...c, inputs: [{ ...c.inputs[0], distinct: true }] })),
  });
}

const maxDef = extremum("max", maximumOf);
const minDef = extremum("min", minimumOf);

/** Maximum over `axes` (all when omitted); NaN if any value is NaN. */
export function max(x: Tensor, axes?: number | number[], keepDims = false): Tensor {
  return runOp(maxDef, [x], { axes: normAxes(axes, x.rank, "max"), keepDims });
}

/** Minimum over `axes` (all when omitted); NaN if any value is NaN. */
export function min(x: Tensor, axes?: number | number[], keepDims = false): Tensor {
  return runOp(minDef, [x], { axes: normAxes(axes, x.rank, "min"), keepDims });
}

/** Mean over `axes` (all when omitted); the mean of no values is NaN (0/0, as NumPy). */
export function mean(x: Tensor, axes?: number | number[], keepDims = false): Tensor {
  const ax = normAxes(axes, x.rank, "mean");
  const n = sizeOf(ax.map((a) => x.shape[a]));
  return div(sum(x, ax, keepDims), n);
}
