import { abs, addScalar, mean, mulScalar, relu, square, sub } from "../../kernels/ops/mod.ts";
import { fmtShape, sameShape } from "../../kernels/shape.ts";
import type { Tensor } from "../../kernels/tensor.ts";
import { type LossFn, named } from "./common.ts";
import { reduceLoss } from "./reduction.ts";

/** Regression losses of Keras: each averages over the last axis per sample, then reduces. */

function difference(loss: string, output: Tensor, target: Tensor): Tensor {
  if (!sameShape(output.shape, target.shape)) {
    throw new Error(
      `${loss}: output ${fmtShape(output.shape)} and target ${fmtShape(target.shape)} differ`,
    );
  }
  return sub(output, target);
}

/** The mean over the last axis for rank ≥ 2 (one value per sample), the values themselves else. */
function perSample(values: Tensor): Tensor {
  return values.rank >= 2 ? mean(values, values.rank - 1) : values;
}

/**
 * Mean squared error, as Keras' MeanSquaredError; without weights exactly `mse` (the mean of
 * every squared difference). Example: `fit(model, data, { loss: "meanSquaredError" })`.
 */
export function meanSquaredError(): LossFn {
  const name = "meanSquaredError";
  return named(name, (output, target, weights) => {
    const sq = square(difference(name, output, target));
    return weights ? reduceLoss(perSample(sq), name, weights) : mean(sq);
  });
}

/**
 * Mean absolute error |output − target|, as Keras' MeanAbsoluteError ("mae").
 * Example: `fit(model, data, { loss: "meanAbsoluteError" })`.
 */
export function meanAbsoluteError(): LossFn {
  const name = "meanAbsoluteError";
  return named(
    name,
    (output, target, weights) =>
      reduceLoss(perSample(abs(difference(name, output, target))), name, weights),
  );
}

/**
 * Huber loss, as Keras' Huber: ½e² for |e| ≤ δ, δ(|e| − ½δ) beyond, with e = output − target,
 * written ½q² + δ(|e| − q) with q = min(|e|, δ). Example: `losses.huber({ delta: 0.5 })`.
 */
export function huber(o: { delta?: number } = {}): LossFn {
  const name = "huber";
  const delta = o.delta ?? 1;
  if (!(delta > 0)) throw new Error(`huber: delta must be positive, got ${delta}`);
  return named(name, (output, target, weights) => {
    const a = abs(difference(name, output, target));
    const q = sub(a, relu(addScalar(a, -delta)));
    const values = mulScalar(square(q), 0.5).add(mulScalar(sub(a, q), delta));
    return reduceLoss(perSample(values), name, weights);
  });
}
