import {
  abs,
  add,
  addScalar,
  cast,
  div,
  exp,
  log,
  logSoftmax,
  mean,
  mul,
  mulScalar,
  neg,
  relu,
  rsubScalar,
  softmaxCrossEntropy,
  step,
  sub,
  sum,
} from "../../kernels/ops/mod.ts";
import { fmtShape, sameShape } from "../../kernels/shape.ts";
import type { Tensor } from "../../kernels/tensor.ts";
import { clipTo, EPSILON, type LossFn, named, oneHotIds } from "./common.ts";
import { reduceLoss } from "./reduction.ts";

/**
 * The cross-entropies of Keras 3, composed from existing ops. Logits take the stable forms
 * (log-softmax; max(x, 0) − x·y + log(1 + e^−|x|) for the sigmoid), probabilities are clipped to
 * [ε, 1 − ε] with Keras' ε = 1e-7 before the log (and a categorical output is first divided by
 * its sum, as Keras does). PyTorch differs on probabilities only: `F.binary_cross_entropy` clamps
 * each log at −100 instead of clipping p, and `nll_loss(log(p))` neither clips nor renormalises;
 * on logits and within [ε, 1 − ε] the values agree (tests/layers/losses/torch_reference.py).
 */

/** Options of the cross-entropies. */
export interface CrossentropyOptions {
  /** The output is logits (default false: probabilities). */
  fromLogits?: boolean;
  /**
   * Smooth the targets in [0, 1]: y·(1 − s) + s/C for the categorical (C classes), y·(1 − s) + s/2
   * for the binary cross-entropy (default 0).
   */
  labelSmoothing?: number;
}

function checkSmoothing(loss: string, s: number): void {
  if (!(s >= 0 && s <= 1)) throw new Error(`${loss}: labelSmoothing must be in [0, 1], got ${s}`);
}

function checkSameShape(loss: string, output: Tensor, labels: Tensor): void {
  if (!sameShape(output.shape, labels.shape)) {
    throw new Error(
      `${loss}: output ${fmtShape(output.shape)} and labels ${fmtShape(labels.shape)} differ; ` +
        "give one target per output value",
    );
  }
}

/** −Σ_c y_c·log p_c over the last axis, per sample, for logits or probabilities. */
function categoricalPerSample(output: Tensor, target: Tensor, fromLogits: boolean): Tensor {
  const last = output.rank - 1;
  const logP = fromLogits
    ? logSoftmax(output)
    : log(clipTo(div(output, sum(output, last, true)), EPSILON, 1 - EPSILON));
  return neg(sum(mul(target, logP), last));
}

/**
 * Categorical cross-entropy, as Keras' CategoricalCrossentropy: one-hot or probability targets
 * [N, …, C] (int32 class ids are one-hot encoded), `fromLogits` and `labelSmoothing`. With logits,
 * no smoothing and no weights it is the fused softmaxCrossEntropy kernel.
 * Example: `losses.categoricalCrossentropy({ fromLogits: true, labelSmoothing: 0.1 })`.
 */
export function categoricalCrossentropy(o: CrossentropyOptions = {}): LossFn {
  const name = "categoricalCrossentropy";
  const s = o.labelSmoothing ?? 0;
  checkSmoothing(name, s);
  const fromLogits = o.fromLogits ?? false;
  return named(name, (output, labels, weights) => {
    const c = output.shape[output.rank - 1];
    let target = labels.dtype === "int32" ? oneHotIds(labels, c, output.dtype) : labels;
    checkSameShape(name, output, target);
    if (fromLogits && s === 0 && !weights && output.rank === 2) {
      return softmaxCrossEntropy(output, target);
    }
    if (s) target = addScalar(mulScalar(target, 1 - s), s / c);
    return reduceLoss(categoricalPerSample(output, target, fromLogits), name, weights);
  });
}

/** Options of {@link sparseCategoricalCrossentropy}. */
export interface SparseCrossentropyOptions {
  /** The output is logits (default false: probabilities). */
  fromLogits?: boolean;
  /**
   * A label id that marks values to skip (padding, Keras' `ignore_class`): they weigh 0 and the
   * mean is over the others.
   */
  ignoreClass?: number;
}

/**
 * Sparse categorical cross-entropy, as Keras' SparseCategoricalCrossentropy: integer class ids
 * [N, …] (int32) against outputs [N, …, C], `fromLogits`, `ignoreClass`.
 * Example: `losses.sparseCategoricalCrossentropy({ fromLogits: true, ignoreClass: -1 })`.
 */
export function sparseCategoricalCrossentropy(o: SparseCrossentropyOptions = {}): LossFn {
  const name = "sparseCategoricalCrossentropy";
  const fromLogits = o.fromLogits ?? false;
  const ignore = o.ignoreClass;
  if (ignore !== undefined && !Number.isInteger(ignore)) {
    throw new Error(`${name}: ignoreClass must be an integer class id, got ${ignore}`);
  }
  return named(name, (output, labels, weights) => {
    if (labels.dtype !== "int32") {
      throw new Error(
        `${name}: labels must be int32 class ids, got ${labels.dtype}; for one-hot or ` +
          "probability targets use categoricalCrossentropy",
      );
    }
    if (!sameShape(labels.shape, output.shape.slice(0, -1))) {
      throw new Error(
        `${name}: labels ${fmtShape(labels.shape)} must be the output ${
          fmtShape(output.shape)
        } without its class axis`,
      );
    }
    const c = output.shape[output.rank - 1];
    if (ignore === undefined) {
      const target = oneHotIds(labels, c, output.dtype);
      if (fromLogits && !weights && output.rank === 2) return softmaxCrossEntropy(output, target);
      return reduceLoss(categoricalPerSample(output, target, fromLogits), name, weights);
    }
    // keep = [|id − ignore| > ½]; ignored ids become 0 so one-hot accepts them. Scalar-attribute
    // ops only: no constant tensor is uploaded per step.
    const ids = cast(labels, output.dtype);
    const keep = step(addScalar(abs(addScalar(ids, -ignore)), -0.5));
    const target = oneHotIds(cast(mul(ids, keep), "int32"), c, output.dtype);
    const mask = weights?.mask ? mul(keep, cast(weights.mask, output.dtype)) : keep;
    return reduceLoss(categoricalPerSample(output, target, fromLogits), name, {
      ...weights,
      mask,
    });
  });
}

/**
 * Binary cross-entropy, as Keras' BinaryCrossentropy: targets in [0, 1] of the output's shape,
 * the elementwise loss averaged over the last axis (for outputs of rank ≥ 2) per sample;
 * `fromLogits` (sigmoid logits) and `labelSmoothing` (y·(1 − s) + s/2).
 * Example: `losses.binaryCrossentropy({ fromLogits: true })`.
 */
export function binaryCrossentropy(o: CrossentropyOptions = {}): LossFn {
  const name = "binaryCrossentropy";
  const s = o.labelSmoothing ?? 0;
  checkSmoothing(name, s);
  const fromLogits = o.fromLogits ?? false;
  return named(name, (output, labels, weights) => {
    let y = labels.dtype === output.dtype ? labels : labels.cast(output.dtype);
    checkSameShape(name, output, y);
    if (s) y = addScalar(mulScalar(y, 1 - s), s / 2);
    let elementwise: Tensor;
    if (fromLogits) {
      // max(x, 0) − x·y + log(1 + e^−|x|): never overflows, exact for large |x|.
      elementwise = add(
        sub(relu(output), mul(output, y)),
        log(addScalar(exp(neg(abs(output))), 1)),
      );
    } else {
      const p = clipTo(output, EPSILON, 1 - EPSILON);
      // −(y·log p + (1 − y)·log(1 − p))
      elementwise = neg(add(mul(y, log(p)), mul(rsubScalar(y, 1), log(rsubScalar(p, 1)))));
    }
    const perSample = output.rank >= 2 ? mean(elementwise, output.rank - 1) : elementwise;
    return reduceLoss(perSample, name, weights);
  });
}
