import { abs, mul, sub, sum } from "../../kernels/ops/mod.ts";
import { fmtShape, sameShape } from "../../kernels/shape.ts";
import type { Tensor } from "../../kernels/tensor.ts";
import { type Metric, type Seen, SumsMetric } from "../metric.ts";

/**
 * Mean absolute error over every output value (Keras' MeanAbsoluteError metric); with a mask,
 * over the values of the kept predictions (each step's mean weighed by its mask, as tf.keras).
 */
class MeanAbsoluteError extends SumsMetric {
  protected partials(output: Tensor, target: Tensor, kept?: Tensor): Tensor[] {
    if (!sameShape(output.shape, target.shape)) {
      throw new Error(
        `${this.name}: output ${fmtShape(output.shape)} and target ${
          fmtShape(target.shape)
        } differ`,
      );
    }
    const err = abs(sub(output, target));
    return [kept ? sum(mul(sum(err, output.rank - 1), kept)) : sum(err)];
  }
  protected combine([total]: Float64Array[], seen: Seen): number {
    return seen.values ? total[0] / seen.values : NaN;
  }
}

/** Mean absolute error |output − target| (Keras' "mae"). Example: `metrics.meanAbsoluteError()`. */
export function meanAbsoluteError(o: { name?: string } = {}): Metric {
  return new MeanAbsoluteError(o.name ?? "meanAbsoluteError");
}
