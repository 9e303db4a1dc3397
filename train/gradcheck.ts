import { gradients } from "../kernels/autograd.ts";
import { backend, noGrad, tidy } from "../kernels/engine.ts";
import { fmtShape } from "../kernels/shape.ts";
import { type Tensor, tensor } from "../kernels/tensor.ts";
import { Layer } from "../layers/layer.ts";
import {
  type GradcheckData,
  gradcheckModel,
  type ModelGradcheckOptions,
  type ModelGradcheckResult,
} from "./gradcheck_model.ts";
import { centralDifferences, maxAbsDiff, maxRelError } from "./finite_differences.ts";

/** Result of {@link gradcheck} for one input. */
export interface GradcheckInput {
  /** The input's shape. */
  shape: number[];
  /** max over elements of |analytic − numeric| / max(|analytic| + |numeric|, 1e-8). */
  maxRelError: number;
  /** max |analytic − numeric| (a NaN difference counts as Infinity). */
  maxAbsError: number;
}

/** Result of {@link gradcheck}. */
export interface GradcheckResult {
  /** The largest relative error over all checked inputs. */
  maxRelError: number;
  /** Per input: its shape and largest relative and absolute error. */
  inputs: GradcheckInput[];
}

/**
 * Compares autograd's gradient of a model's loss on a batch with respect to every trainable
 * parameter with central finite differences, in float64 on a CPU device. Any model works
 * (Sequential, functional Model, Module): its weights are switched to float64 for the check
 * and restored after (see {@link gradcheckModel}).
 * Example: `gradcheck(model, { x, y }, { loss: "softmaxCrossEntropy" }).maxRelError < 1e-5`.
 */
export function gradcheck(
  model: Layer,
  data: GradcheckData,
  opts?: ModelGradcheckOptions,
): ModelGradcheckResult;
/**
 * Compares autograd's gradient of a scalar `fn` with respect to its inputs with central finite
 * differences, in float64 on a CPU device. Inputs are copied to float64 (int32 inputs are
 * passed through and skipped).
 * Example: `gradcheck((x) => x.square().sum(), [tensor([1, 2, 3])]).maxRelError < 1e-8`.
 */
export function gradcheck(
  fn: (...xs: Tensor[]) => Tensor,
  inputs: Tensor[],
  opts?: { eps?: number; check?: number[] },
): GradcheckResult;
// The function form last: `ReturnType<typeof gradcheck>` is its result.
export function gradcheck(
  fn: ((...xs: Tensor[]) => Tensor) | Layer,
  inputs: Tensor[] | GradcheckData,
  opts: { eps?: number; check?: number[] } & ModelGradcheckOptions = {},
): GradcheckResult | ModelGradcheckResult {
  if (fn instanceof Layer) return gradcheckModel(fn, inputs as GradcheckData, opts);
  if (!Array.isArray(inputs)) {
    throw new Error("gradcheck: give (fn, [tensors]) or (model, { x, y })");
  }
  return gradcheckFunction(fn, inputs, opts);
}

function gradcheckFunction(
  fn: (...xs: Tensor[]) => Tensor,
  inputs: Tensor[],
  opts: { eps?: number; check?: number[] },
): GradcheckResult {
  const eps = opts.eps ?? 1e-6;
  if (!backend().readSync) {
    throw new Error('gradcheck runs on a CPU device: call setDevice("cpu") first');
  }
  const host = inputs.map((x) => {
    const d = x.dataSync();
    return x.dtype === "int32" ? d : Float64Array.from(d);
  });
  const shapes = inputs.map((x) => [...x.shape]);
  const which = opts.check ?? inputs.flatMap((x, i) => (x.dtype === "int32" ? [] : [i]));
  const make = () => host.map((d, i) => tensor(d, shapes[i]));

  const evalAt = (): number =>
    tidy(() => {
      const out = noGrad(() => fn(...make()));
      if (out.size !== 1) {
        throw new Error(`gradcheck: fn must return a scalar, got ${fmtShape(out.shape)}`);
      }
      return out.dataSync()[0];
    });

  const analytic: Float64Array[] = tidy(() => {
    const xs = make();
    for (const i of which) xs[i].requiresGrad = true;
    const y = fn(...xs);
    const gs = gradients(y, which.map((i) => xs[i]));
    return gs.map((g, k) =>
      g ? Float64Array.from(g.dataSync()) : new Float64Array(host[which[k]].length)
    );
  });

  const results = which.map((i, k) => {
    const numeric = centralDifferences(evalAt, host[i] as Float64Array, eps);
    return {
      shape: shapes[i],
      maxRelError: maxRelError(analytic[k], numeric),
      maxAbsError: maxAbsDiff(analytic[k], numeric),
    };
  });
  return { maxRelError: Math.max(0, ...results.map((r) => r.maxRelError)), inputs: results };
}
