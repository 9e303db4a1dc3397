import { mean, softmaxCrossEntropy, square, sub } from "../kernels/ops/mod.ts";
import { fmtShape, sameShape } from "../kernels/shape.ts";
import type { Tensor } from "../kernels/tensor.ts";

/** Loss functions by name; each returns the batch mean as a scalar tensor. */

/** Loss names accepted by `fit` and `evaluate`. */
export type LossName = "softmaxCrossEntropy" | "mse";

/** Mean squared error over all elements. Example: `mse(pred, target)`. */
export function mse(pred: Tensor, target: Tensor): Tensor {
  if (!sameShape(pred.shape, target.shape)) {
    throw new Error(
      `mse: prediction ${fmtShape(pred.shape)} and target ${fmtShape(target.shape)} differ`,
    );
  }
  return mean(square(sub(pred, target)));
}

/** A loss function of (model output, labels) → scalar. */
export type LossFn = (output: Tensor, labels: Tensor) => Tensor;

/** Looks up a loss by name. `softmaxCrossEntropy` takes logits and int32 ids or probabilities. */
export function lossByName(name: LossName | LossFn): LossFn {
  if (typeof name === "function") return name;
  switch (name) {
    case "softmaxCrossEntropy":
      return softmaxCrossEntropy;
    case "mse":
      return mse;
    default:
      throw new Error(`unknown loss "${name}"; use softmaxCrossEntropy, mse or a function`);
  }
}
