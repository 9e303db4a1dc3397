/**
 * The `losses` namespace of mod.ts: Keras' losses as configurable functions, by the names
 * `fit`'s `loss:` also takes as strings. Example:
 * `fit(model, data, { loss: losses.categoricalCrossentropy({ fromLogits: true, labelSmoothing: 0.1 }) })`.
 */
export {
  binaryCrossentropy,
  categoricalCrossentropy,
  type CrossentropyOptions,
  huber,
  kullbackLeiblerDivergence,
  lossByName,
  type LossFn,
  type LossName,
  lossTakingWeights,
  type LossWeights,
  meanAbsoluteError,
  meanSquaredError,
  mse,
  sparseCategoricalCrossentropy,
  type SparseCrossentropyOptions,
} from "./losses.ts";
export { softmaxCrossEntropy } from "../kernels/ops/mod.ts";
