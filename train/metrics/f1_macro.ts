import { argmax, mul, sum } from "../../kernels/ops/mod.ts";
import type { Tensor } from "../../kernels/tensor.ts";
import { oneHotIds } from "../../layers/losses/common.ts";
import { classIds, type Metric, SumsMetric } from "../metric.ts";

/**
 * Macro-averaged F1 of single-label classification: the prediction is the argmax, each class's
 * true positives, predicted and actual counts are summed on the device, and F1 = 2pr/(p + r) is
 * averaged over all C classes of the output, as Keras' `F1Score(average="macro")`: a class
 * never seen nor predicted counts as 0 (scikit-learn skips such a class unless given
 * `labels=range(C)`). An undefined ratio is 0 (`zero_division=0`); Keras instead adds 1e-7 to
 * each denominator, a difference of that order. With a mask, over the kept predictions only.
 */
class F1Macro extends SumsMetric {
  protected partials(output: Tensor, labels: Tensor, kept?: Tensor): Tensor[] {
    const c = output.shape[output.rank - 1];
    const rows = output.size / c;
    let predicted = oneHotIds(argmax(output).reshape([rows]), c, "float32");
    const actual = oneHotIds(classIds(labels).reshape([rows]), c, "float32");
    // A masked prediction adds to no count (Keras' F1Score weighs each row by its weight).
    if (kept) predicted = mul(predicted, kept.reshape([rows, 1]));
    const weighedActual = kept ? mul(actual, kept.reshape([rows, 1])) : actual;
    return [sum(mul(predicted, actual), 0), sum(predicted, 0), sum(weighedActual, 0)];
  }
  protected combine([tp, predicted, actual]: Float64Array[]): number {
    let total = 0;
    for (let k = 0; k < tp.length; k++) {
      const p = predicted[k] ? tp[k] / predicted[k] : 0;
      const r = actual[k] ? tp[k] / actual[k] : 0;
      total += p + r ? (2 * p * r) / (p + r) : 0;
    }
    return tp.length ? total / tp.length : NaN;
  }
}

/** Macro F1 over the classes (see {@link F1Macro}). Example: `metrics.f1Macro()`. */
export function f1Macro(o: { name?: string } = {}): Metric {
  return new F1Macro(o.name ?? "f1Macro");
}
