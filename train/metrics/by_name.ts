import type { Metric } from "../metric.ts";
import { f1Macro } from "./f1_macro.ts";
import { meanAbsoluteError } from "./mean_absolute_error.ts";
import { sparseTopKCategoricalAccuracy, topKCategoricalAccuracy } from "./top_k.ts";

/**
 * Metric names `evaluate` and `fit` take in `metrics: [...]`, each the key of its value in the
 * results and logs (validation ones prefixed "val": "valF1Macro"):
 * - "accuracy": argmax accuracy (always computed for class ids; logs keep it as acc/valAcc);
 * - "topK" / "topKCategoricalAccuracy": true class among the 5 highest scores;
 * - "sparseTopKCategoricalAccuracy": the same for int32 ids only;
 * - "f1Macro": macro-averaged F1 over the classes;
 * - "mae" / "meanAbsoluteError": mean |output − target|.
 * A configured metric is passed as an object: `metrics.topKCategoricalAccuracy({ k: 3 })`.
 */
export type MetricName =
  | "accuracy"
  | "topK"
  | "topKCategoricalAccuracy"
  | "sparseTopKCategoricalAccuracy"
  | "f1Macro"
  | "mae"
  | "meanAbsoluteError";

const BY_NAME: Record<Exclude<MetricName, "accuracy">, () => Metric> = {
  topK: () => topKCategoricalAccuracy({ name: "topK" }),
  topKCategoricalAccuracy: () => topKCategoricalAccuracy(),
  sparseTopKCategoricalAccuracy: () => sparseTopKCategoricalAccuracy(),
  f1Macro: () => f1Macro(),
  mae: () => meanAbsoluteError({ name: "mae" }),
  meanAbsoluteError: () => meanAbsoluteError(),
};

/**
 * Fresh metrics for `names` ("accuracy" is left out: it is always there for class ids); throws
 * for an unknown name, listing the known ones, and for two metrics with one name.
 */
export function metricsByName(names: (MetricName | Metric)[]): Metric[] {
  const out: Metric[] = [];
  for (const n of names) {
    if (n === "accuracy") continue;
    if (typeof n !== "string") {
      out.push(n);
      continue;
    }
    const make = (BY_NAME as Record<string, () => Metric>)[n];
    if (!make) {
      throw new Error(
        `unknown metric "${n}"; use one of accuracy, ${Object.keys(BY_NAME).join(", ")} ` +
          "or a metric object (metrics.topKCategoricalAccuracy({ k: 3 }))",
      );
    }
    out.push(make());
  }
  const seen = new Set<string>();
  for (const m of out) {
    if (seen.has(m.name)) throw new Error(`metric "${m.name}" is given twice; give it once`);
    seen.add(m.name);
  }
  return out;
}

/** The log key of a validation metric: "val" + the name capitalised ("valF1Macro"). */
export function validationKey(name: string): string {
  return `val${name[0].toUpperCase()}${name.slice(1)}`;
}
