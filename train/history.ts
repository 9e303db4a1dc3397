/** One epoch of training as `fit` records it (and history.csv stores it). */
export interface EpochRecord {
  /** The epoch, counted from 1. */
  epoch: number;
  /** Mean training loss over the epoch. */
  loss: number;
  /** NaN for regression. */
  acc: number;
  /** Validation loss after the epoch (when there is validation data). */
  valLoss?: number;
  /** Validation accuracy after the epoch (when there is validation data). */
  valAcc?: number;
  /** Training time of the epoch (validation excluded). */
  seconds: number;
  /** Training samples per second over the epoch. */
  samplesPerSecond: number;
  /** Metrics asked for with `fit(..., { metrics })`, by name ("f1Macro", "valF1Macro"). */
  [metric: string]: number | undefined;
}
