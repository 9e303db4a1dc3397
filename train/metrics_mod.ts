/**
 * The `metrics` namespace of mod.ts: metrics on plain arrays (accuracy, confusionMatrix,
 * precisionRecall, argmaxRows) and streaming metrics for `evaluate` and `fit`
 * (`metrics: ["topK", "f1Macro", "mae"]` or configured objects).
 */
export * from "./metrics.ts";
export type { Metric } from "./metric.ts";
export { type MetricName, metricsByName, validationKey } from "./metrics/by_name.ts";
export { f1Macro } from "./metrics/f1_macro.ts";
export { meanAbsoluteError } from "./metrics/mean_absolute_error.ts";
export { sparseTopKCategoricalAccuracy, topKCategoricalAccuracy } from "./metrics/top_k.ts";
