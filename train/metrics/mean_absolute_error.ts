import { abs, sub, sum } from "../../kernels/ops/mod.ts";
import { fmtShape, sameShape } from "../../kernels/shape.ts";
import { scalar, type Tensor } from "../../kernels/tensor.ts";
import { type Metric, SumsMetric } from "../metric.ts";

/** Mean absolute error over every output value (Keras' MeanAbsoluteError metric). */
class MeanAbsoluteError extends SumsMetric {
  protected partials(output: Tensor, target: Tensor): Tensor[] {
    if (!sameShape(output.shape, target.shape)) {
      throw new Error(
        `${this.name}: output ${fmtShape(output.shape)} and target ${
          fmtShape(target.shape)
        } differ`,
      );
    }
    return [sum(abs(sub(output, target))), scalar(output.size, output.dtype)];
  }
  protected combine([total, count]: Float64Array[]): number {
    return count[0] ? total[0] / count[0] : NaN;
  }
}

/** Mean absolute error |output − target| (Keras' "mae"). Example: `metrics.meanAbsoluteError()`. */
export function meanAbsoluteError(o: { name?: string } = {}): Metric {
  return new MeanAbsoluteError(o.name ?? "meanAbsoluteError");
}
