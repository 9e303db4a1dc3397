import { addScalar, broadcastTo, mul, mulScalar, powScalar, sum } from "../../kernels/ops/mod.ts";
import { fmtShape } from "../../kernels/shape.ts";
import type { Tensor } from "../../kernels/tensor.ts";
import { EPSILON, type LossWeights } from "./common.ts";

/**
 * How a per-sample loss becomes the scalar a loss returns: Keras' default reduction
 * ("sum_over_batch_size"), Σ wᵢ·ℓᵢ divided by the number of loss values, with optional sample
 * weights and a mask (masked-out values count as absent: the mean is over the kept ones).
 */

/** `w` shaped to multiply `values` ([N] becomes [N, 1, …] for values [N, T, …]). */
function alignTo(w: Tensor, values: Tensor, what: string, loss: string): Tensor {
  if (w.size === values.size) return w.reshape(values.shape);
  if (w.size === values.shape[0] && w.rank <= 1) {
    return w.reshape([values.shape[0], ...values.shape.slice(1).map(() => 1)]);
  }
  throw new Error(
    `${loss}: ${what} ${fmtShape(w.shape)} fits neither the batch (${values.shape[0]}) nor the ` +
      `per-sample loss ${fmtShape(values.shape)}; pass one value per sample`,
  );
}

/** The scalar loss from per-sample values (see the module comment). */
export function reduceLoss(values: Tensor, loss: string, weights: LossWeights = {}): Tensor {
  let weighted = values;
  if (weights.mask) {
    const m = alignTo(weights.mask, values, "mask", loss).cast(values.dtype);
    // Kept values get weight total/valid, so the mean below is over the kept ones only.
    const valid = sum(broadcastTo(m, values.shape));
    weighted = mul(
      mul(weighted, m),
      mulScalar(powScalar(addScalar(valid, EPSILON), -1), values.size),
    );
  }
  if (weights.sampleWeight) {
    weighted = mul(weighted, alignTo(weights.sampleWeight, values, "sampleWeight", loss));
  }
  return mulScalar(sum(weighted), 1 / values.size);
}
