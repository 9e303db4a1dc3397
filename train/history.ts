/** One epoch of training as `fit` records it (and history.csv stores it). */
export interface EpochRecord {
  epoch: number;
  loss: number;
  /** NaN for regression. */
  acc: number;
  valLoss?: number;
  valAcc?: number;
  /** Training time of the epoch (validation excluded). */
  seconds: number;
  samplesPerSecond: number;
  /** Metrics asked for with `fit(..., { metrics })`, by name ("f1Macro", "valF1Macro"). */
  [metric: string]: number | undefined;
}
