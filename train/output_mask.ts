import { argmax, cast, equal, mul, sum } from "../kernels/ops/mod.ts";
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

/**
 * Accuracy's sums for labels with a class id per step ([N, T] int32 against [N, T, C] outputs):
 * the correct steps and, with a mask, the kept steps, so the accuracy is over the kept steps
 * only (Keras' accuracy weighs by the output's mask). Without a mask `kept` is absent: every
 * step counts (the caller knows how many).
 */
export function stepAccuracySums(
  output: Tensor,
  labels: Tensor,
  mask?: Tensor,
): { correct: Tensor; kept?: Tensor } {
  const hits = cast(equal(argmax(output), labels), "float32");
  if (!mask) return { correct: sum(hits) };
  const keep = keepValues(mask, "float32").reshape(hits.shape);
  return { correct: sum(mul(hits, keep)), kept: sum(keep) };
}

/** Whether labels are class ids per step (int32 of rank ≥ 2), which accuracy scores per step. */
export function stepLabels(y: Int32Array | Tensor): boolean {
  return !(y instanceof Int32Array) && y.dtype === "int32" && y.rank >= 2;
}
