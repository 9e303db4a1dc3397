/**
 * The numbers every training run reports from its per-epoch history: the last epoch's loss and
 * accuracy (training and validation), the first epoch's accuracy, and training speed.
 * @module
 */
import type { EpochRecord } from "../train/history.ts";

/** What {@link historySummary} gives; validation numbers are null without validation. */
export interface HistorySummary {
  finalTrainLoss: number;
  finalTrainAcc: number;
  finalValLoss: number | null;
  finalValAcc: number | null;
  epoch1Acc: number;
  epoch1ValAcc: number | null;
  /** Training time per epoch (validation excluded). */
  secondsPerEpoch: number;
  microsecondsPerSample: number;
  samplesPerSecond: number;
}

/**
 * The summary of a non-empty history. Example:
 * `historySummary(history.epochs).finalTrainAcc`.
 */
export function historySummary(epochs: readonly EpochRecord[]): HistorySummary {
  if (epochs.length === 0) throw new Error("historySummary: the history has no epochs");
  const first = epochs[0], last = epochs[epochs.length - 1];
  const seconds = epochs.reduce((s, e) => s + e.seconds, 0);
  const samples = epochs.reduce((s, e) => s + e.samplesPerSecond * e.seconds, 0);
  return {
    finalTrainLoss: last.loss,
    finalTrainAcc: last.acc,
    finalValLoss: last.valLoss ?? null,
    finalValAcc: last.valAcc ?? null,
    epoch1Acc: first.acc,
    epoch1ValAcc: first.valAcc ?? null,
    secondsPerEpoch: seconds / epochs.length,
    microsecondsPerSample: (seconds / samples) * 1e6,
    samplesPerSecond: samples / seconds,
  };
}
