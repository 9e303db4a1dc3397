import type { Tensor } from "../../kernels/tensor.ts";
import type { Metric } from "../metric.ts";
import { type MetricName, metricsByName, validationKey } from "./by_name.ts";

/**
 * The metrics `fit` adds to each epoch's record: training values from every step's output,
 * summed on the device and read once at the epoch's end; validation values from `evaluate`,
 * under "val"-prefixed keys ("f1Macro", "valF1Macro").
 */
export class EpochMetrics {
  readonly metrics: Metric[];
  constructor(names: (MetricName | Metric)[] = []) {
    this.metrics = metricsByName(names);
  }
  /** Adds one training batch (inside the step's `tidy`; no readback), masked when `mask` is. */
  update(output: Tensor, labels: Tensor, mask?: Tensor): void {
    for (const m of this.metrics) m.update(output, labels, mask);
  }
  /** Writes the epoch's training values into `rec` by name, then starts afresh. */
  async record(rec: Record<string, number | undefined>): Promise<void> {
    for (const m of this.metrics) {
      rec[m.name] = await m.result();
      m.reset();
    }
  }
  /** Writes evaluate's values (its `metrics`) into `rec` under the validation keys. */
  recordValidation(rec: Record<string, number | undefined>, values: Record<string, number>): void {
    for (const m of this.metrics) rec[validationKey(m.name)] = values[m.name];
  }
  /** The metric values in `rec` (training and validation), for the progress line. */
  logged(rec: Record<string, number | undefined>): Record<string, number | undefined> {
    const keys = this.metrics.flatMap((m) => [m.name, validationKey(m.name)]);
    return Object.fromEntries(keys.map((k) => [k, rec[k]]));
  }
  /** Frees the running sums. */
  dispose(): void {
    for (const m of this.metrics) m.reset();
  }
}
