/**
 * `gradcheck(model, data)`: the gradient of a model's loss with respect to every trainable
 * parameter, from autograd and from central finite differences, both in float64 on a CPU
 * device. Any model works (a Sequential, a functional Model, a Module, a layer): its weights
 * are switched to float64 copies for the check and put back, values and dtype, afterwards.
 * @module
 */
import { gradients } from "../kernels/autograd.ts";
import type { DType, TypedArray } from "../kernels/dtype.ts";
import { backend, noGrad, tidy } from "../kernels/engine.ts";
import { type Tensor, tensor } from "../kernels/tensor.ts";
import type { Layer } from "../layers/layer.ts";
import { lossByName, type LossFn, type LossName } from "../layers/losses.ts";
import { centralDifferences, maxAbsDiff, maxRelError } from "./finite_differences.ts";
import { layerRandomStates, restoreLayerRandomStates } from "./layer_random_state.ts";
import { sampleShapes } from "./model_data.ts";

/** The batch {@link gradcheckModel} differentiates the loss on. */
export interface GradcheckData {
  /** One batch (a list for several inputs); float inputs are used as float64 copies. */
  x: Tensor | Tensor[];
  /** Class ids, or a target tensor for regression losses. */
  y: Int32Array | Tensor;
}

/** Options of {@link gradcheckModel}. */
export interface ModelGradcheckOptions {
  /** The loss (default "softmaxCrossEntropy", which takes logits). */
  loss?: LossName | LossFn;
  /**
   * Run the model in training mode (batch statistics, dropout; default false). Dropout draws
   * the same masks at every evaluation: the layers' random state is put back before each.
   */
  training?: boolean;
  /** Finite-difference step (default 1e-6). */
  eps?: number;
}

/** One parameter's result. */
export interface ParameterGradcheck {
  /** The parameter's name (`dense_1/kernel`, `blocks.0.c1.kernel`). */
  name: string;
  /** Its shape. */
  shape: number[];
  /** max |analytic − numeric| / max(|analytic| + |numeric|, 1e-8) over its elements. */
  maxRelError: number;
  /** max |analytic − numeric|. */
  maxAbsError: number;
}

/** Result of {@link gradcheckModel}. */
export interface ModelGradcheckResult {
  /** The largest relative error over every parameter. */
  maxRelError: number;
  /** The largest absolute error over every parameter. */
  maxAbsError: number;
  /** The loss at the model's weights, in float64. */
  loss: number;
  /** Per trainable parameter, in the model's order. */
  parameters: ParameterGradcheck[];
}

/** Gives variable `t` the values `data` as `dtype` (same shape): the check's float64 switch. */
function retype(t: Tensor, data: TypedArray, dtype: DType): void {
  const value = tensor(data, [...t.shape], dtype);
  // dtype is read-only for users: only this check runs a model in another precision in place.
  (t as { dtype: DType }).dtype = dtype;
  noGrad(() => t.assign(value));
  value.dispose();
}

const asFloat64 = (t: Tensor): Tensor =>
  t.dtype === "int32" ? t : tensor(Float64Array.from(t.dataSync()), [...t.shape], "float64");

/**
 * Checks the gradient of `loss(model(x), y)` with respect to every trainable parameter against
 * central finite differences in float64 (CPU only). The model's weights are restored after.
 * Example: `gradcheck(model, { x, y }).maxRelError < 1e-6` (see {@link gradcheck}).
 */
export function gradcheckModel(
  model: Layer,
  data: GradcheckData,
  opts: ModelGradcheckOptions = {},
): ModelGradcheckResult {
  if (!backend().readSync) {
    throw new Error('gradcheck runs on a CPU device: call setDevice("cpu") first');
  }
  const eps = opts.eps ?? 1e-6;
  const training = opts.training ?? false;
  const lossFn = lossByName(opts.loss ?? "softmaxCrossEntropy");
  model.ensureBuilt(sampleShapes(data.x));
  const weights = model.weights();
  const saved = weights.map((w) => ({ dtype: w.tensor.dtype, data: w.tensor.dataSync().slice() }));
  const random = layerRandomStates(model);
  const xs = (Array.isArray(data.x) ? data.x : [data.x]).map(asFloat64);
  const x = Array.isArray(data.x) ? xs : xs[0];
  const y = data.y instanceof Int32Array ? tensor(data.y) : asFloat64(data.y);
  const lossAt = (): Tensor => {
    restoreLayerRandomStates(model, random, "gradcheck");
    return lossFn(model.apply(x, { training }), y);
  };
  try {
    for (const w of weights) {
      if (w.tensor.dtype !== "int32") {
        retype(w.tensor, Float64Array.from(w.tensor.dataSync()), "float64");
      }
    }
    const trainable = weights.filter((w) => w.trainable && w.tensor.dtype === "float64");
    const { loss, analytic } = tidy(() => {
      const l = lossAt();
      const gs = gradients(l, trainable.map((w) => w.tensor));
      return {
        loss: l.dataSync()[0],
        analytic: gs.map((g, i) =>
          g ? Float64Array.from(g.dataSync()) : new Float64Array(trainable[i].tensor.size)
        ),
      };
    });
    const evalAt = () => tidy(() => noGrad(() => lossAt().dataSync()[0]));
    const parameters = trainable.map((w, i): ParameterGradcheck => {
      const p = Float64Array.from(w.tensor.dataSync());
      const shape = [...w.tensor.shape];
      const put = () => retype(w.tensor, p, "float64");
      const numeric = centralDifferences(() => (put(), evalAt()), p, eps);
      put(); // the unperturbed values again
      return {
        name: w.name,
        shape,
        maxRelError: maxRelError(analytic[i], numeric),
        maxAbsError: maxAbsDiff(analytic[i], numeric),
      };
    });
    return {
      maxRelError: Math.max(0, ...parameters.map((r) => r.maxRelError)),
      maxAbsError: Math.max(0, ...parameters.map((r) => r.maxAbsError)),
      loss,
      parameters,
    };
  } finally {
    // The model's own precision and values (batch statistics a training pass moved included).
    weights.forEach((w, i) => retype(w.tensor, saved[i].data, saved[i].dtype));
    restoreLayerRandomStates(model, random, "gradcheck");
    for (const [i, t] of xs.entries()) {
      if (t !== (Array.isArray(data.x) ? data.x[i] : data.x)) t.dispose();
    }
    if (y !== data.y) y.dispose();
  }
}
