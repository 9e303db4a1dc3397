import { div, log, mul, sum } from "../../kernels/ops/mod.ts";
import { fmtShape, sameShape } from "../../kernels/shape.ts";
import { clipTo, EPSILON, type LossFn, named } from "./common.ts";
import { reduceLoss } from "./reduction.ts";

/**
 * Kullback–Leibler divergence Σ_c y·log(y/p) over the last axis, as Keras' KLDivergence
 * ("kld"): both target y and prediction p are clipped to [1e-7, 1] first (PyTorch's
 * `F.kl_div(log p, y, reduction="batchmean")` takes log-probabilities and clips nothing).
 * Example: `fit(model, data, { loss: "kullbackLeiblerDivergence" })`.
 */
export function kullbackLeiblerDivergence(): LossFn {
  const name = "kullbackLeiblerDivergence";
  return named(name, (output, target, weights) => {
    if (!sameShape(output.shape, target.shape)) {
      throw new Error(
        `${name}: output ${fmtShape(output.shape)} and target ${
          fmtShape(target.shape)
        } differ; give a distribution per sample`,
      );
    }
    const y = clipTo(target, EPSILON, 1), p = clipTo(output, EPSILON, 1);
    return reduceLoss(sum(mul(y, log(div(y, p))), output.rank - 1), name, weights);
  });
}
