/**
 * The `optimizers` task's table (one row per variant) as CSV and markdown, and its long-form
 * per-epoch history CSV.
 * @module
 */
import { markdownTable } from "../../experiment/markdown.ts";
import { recordsCsv } from "../../experiment/records_csv.ts";
import { csvTable, type CsvValue } from "../../experiment/results.ts";
import type { VariantResult } from "./compare.ts";

/** One row of the comparison table. */
export interface TableRow {
  variant: string;
  optimizer: string;
  schedule: string;
  /** Mean training loss of the last epoch (as the curves show it). */
  finalTrainLoss: number;
  finalTrainAcc: number;
  /** Training-set loss of the final weights, evaluation mode. */
  trainLossAfter: number;
  testLoss: number;
  testAcc: number;
  /** Wall time of the variant (fit with per-epoch test evaluation, final training-set loss). */
  seconds: number;
}

/** Columns of table.csv, in order. */
export const TABLE_COLUMNS: readonly (keyof TableRow)[] = [
  "variant",
  "optimizer",
  "schedule",
  "finalTrainLoss",
  "finalTrainAcc",
  "trainLossAfter",
  "testLoss",
  "testAcc",
  "seconds",
];

/** The table row of one variant's result. */
export function tableRow(r: VariantResult): TableRow {
  const last = r.history.epochs[r.history.epochs.length - 1];
  return {
    variant: r.name,
    optimizer: r.optimizerText,
    schedule: r.scheduleText,
    finalTrainLoss: last.loss,
    finalTrainAcc: last.acc,
    trainLossAfter: r.trainLossAfter,
    testLoss: r.testLoss,
    testAcc: r.testAcc,
    seconds: r.seconds,
  };
}

/** table.csv: a header of {@link TABLE_COLUMNS}, one line per variant; numbers in full. */
export function tableCsv(rows: TableRow[]): string {
  return recordsCsv(rows, TABLE_COLUMNS);
}

/** The table in markdown, numbers rounded for reading (the CSV keeps them in full). */
export function tableMarkdown(rows: TableRow[]): string {
  const f4 = (v: number) => v.toFixed(4);
  return markdownTable(
    "variant | optimiser | schedule | last-epoch train loss | last-epoch train acc | " +
      "train loss after | test loss | test acc | seconds",
    rows.map((r) => [
      r.variant,
      r.optimizer,
      r.schedule,
      ...[r.finalTrainLoss, r.finalTrainAcc, r.trainLossAfter, r.testLoss, r.testAcc].map(f4),
      r.seconds.toFixed(1),
    ]),
    [3, 4, 5, 6, 7, 8],
  );
}

/** Columns of history.csv, in order. */
export const HISTORY_COLUMNS = [
  "variant",
  "epoch",
  "loss",
  "acc",
  "testLoss",
  "testAcc",
  "firstLearningRate",
  "lastLearningRate",
  "seconds",
] as const;

/**
 * history.csv: one line per variant and epoch, with the learning rate of the epoch's first and
 * last step (so a schedule's decay can be read off).
 */
export function historyCsv(results: VariantResult[], stepsPerEpoch: number): string {
  const lines = results.flatMap((r) =>
    r.history.epochs.map((e, i): CsvValue[] => {
      const lrs = r.learningRates.slice(i * stepsPerEpoch, (i + 1) * stepsPerEpoch);
      return [
        r.name,
        e.epoch,
        e.loss,
        e.acc,
        e.valLoss ?? NaN,
        e.valAcc ?? NaN,
        lrs[0] ?? NaN,
        lrs[lrs.length - 1] ?? NaN,
        e.seconds,
      ];
    })
  );
  return csvTable(HISTORY_COLUMNS, lines);
}
