import type { Tensor } from "../kernels/tensor.ts";
import type { LossFn, LossWeights } from "../layers/losses.ts";
import { keepValues } from "../layers/mask.ts";

/**
 * The loss of a batch as Keras' fit and evaluate compute it: with the model output's mask
 * (layers/mask.ts: `embedding({ maskZero })` → `lstm({ returnSequences: true })` → dense keeps
 * it), masked steps count as absent, so the loss is the mean over the kept steps (times the
 * sample weights, when the data has them). A loss that takes no weights (a function of two
 * arguments) is called without the mask. With neither a mask nor weights it is `loss(output,
 * labels)`, the same call as without this function.
 * Example: `const { output, mask } = model.applyWithMask(x); batchLoss(loss, output, y, mask)`.
 */
export function batchLoss(
  loss: LossFn,
  output: Tensor,
  labels: Tensor,
  mask?: Tensor,
  sampleWeight?: Tensor,
): Tensor {
  const weights: LossWeights = {};
  // Keras counts a step where the mask is non-zero; the losses weigh by 1/0 values.
  if (mask && loss.length >= 3) weights.mask = keepValues(mask, output.dtype);
  if (sampleWeight) weights.sampleWeight = sampleWeight;
  return weights.mask || weights.sampleWeight
    ? loss(output, labels, weights)
    : loss(output, labels);
}
