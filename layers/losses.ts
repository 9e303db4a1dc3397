import { mean, softmaxCrossEntropy, square, sub } from "../kernels/ops/mod.ts";
import { fmtShape, sameShape } from "../kernels/shape.ts";
import type { Tensor } from "../kernels/tensor.ts";
import type { LossFn } from "./losses/common.ts";
import {
  binaryCrossentropy,
  categoricalCrossentropy,
  sparseCategoricalCrossentropy,
} from "./losses/crossentropy.ts";
import { kullbackLeiblerDivergence } from "./losses/divergence.ts";
import { huber, meanAbsoluteError, meanSquaredError } from "./losses/regression.ts";
import { named } from "./losses/common.ts";

/**
 * Loss functions by name; each returns the batch mean as a scalar tensor. The loss says what it
 * takes (as in Keras): `softmaxCrossEntropy` takes logits, the cross-entropies take
 * probabilities unless built with `{ fromLogits: true }`. The Keras losses live in
 * layers/losses/, one file per family.
 * @module
 */

export type { LossFn, LossWeights } from "./losses/common.ts";
export {
  binaryCrossentropy,
  categoricalCrossentropy,
  huber,
  kullbackLeiblerDivergence,
  meanAbsoluteError,
  meanSquaredError,
  sparseCategoricalCrossentropy,
};
export type { CrossentropyOptions, SparseCrossentropyOptions } from "./losses/crossentropy.ts";

/** Mean squared error over all elements. Example: `mse(pred, target)`. */
export function mse(pred: Tensor, target: Tensor): Tensor {
  if (!sameShape(pred.shape, target.shape)) {
    throw new Error(
      `mse: prediction ${fmtShape(pred.shape)} and target ${fmtShape(target.shape)} differ`,
    );
  }
  return mean(square(sub(pred, target)));
}

/**
 * Loss names accepted by `fit` and `evaluate` (Keras' with their default options; `mae` and
 * `kld` are Keras' short names). Configured losses are passed as functions:
 * `loss: losses.categoricalCrossentropy({ fromLogits: true })`.
 */
export type LossName =
  | "softmaxCrossEntropy"
  | "mse"
  | "meanSquaredError"
  | "binaryCrossentropy"
  | "categoricalCrossentropy"
  | "sparseCategoricalCrossentropy"
  | "meanAbsoluteError"
  | "mae"
  | "huber"
  | "kullbackLeiblerDivergence"
  | "kld";

/** Each loss name and what it makes (the Keras losses with their default options). */
const BY_NAME: Record<LossName, () => LossFn> = {
  softmaxCrossEntropy: () => softmaxCrossEntropyLoss(),
  mse: () => meanSquaredError(),
  meanSquaredError: () => meanSquaredError(),
  binaryCrossentropy: () => binaryCrossentropy(),
  categoricalCrossentropy: () => categoricalCrossentropy(),
  sparseCategoricalCrossentropy: () => sparseCategoricalCrossentropy(),
  meanAbsoluteError: () => meanAbsoluteError(),
  mae: () => meanAbsoluteError(),
  huber: () => huber(),
  kullbackLeiblerDivergence: () => kullbackLeiblerDivergence(),
  kld: () => kullbackLeiblerDivergence(),
};

/**
 * The fused softmaxCrossEntropy op as a loss that also takes sample weights and masks, and
 * sequences ([N, T, C] logits: the fused op takes [N, C] only).
 */
function softmaxCrossEntropyLoss(): LossFn {
  const weighted = categoricalCrossentropy({ fromLogits: true });
  return named(
    "softmaxCrossEntropy",
    (output, labels, weights) =>
      weights || output.rank > 2
        ? weighted(output, labels, weights)
        : softmaxCrossEntropy(output, labels),
  );
}

/**
 * `loss` when it takes sample weights (a third parameter), else a clear error: data with
 * `sampleWeight` needs a loss that weighs (every named loss does).
 */
export function lossTakingWeights(where: string, loss: LossFn): LossFn {
  if (loss.length < 3) {
    throw new Error(
      `${where}: the data has sampleWeight but the loss ${loss.name || "function"} takes no ` +
        "weights; use a named loss or one of losses.* (they take { sampleWeight })",
    );
  }
  return loss;
}

/** Looks up a loss by name. `softmaxCrossEntropy` takes logits and int32 ids or probabilities. */
export function lossByName(name: LossName | LossFn): LossFn {
  if (typeof name === "function") return name;
  const make = BY_NAME[name];
  if (!make) {
    throw new Error(
      `unknown loss "${name}"; use one of ${Object.keys(BY_NAME).join(", ")} or a function`,
    );
  }
  return make();
}
