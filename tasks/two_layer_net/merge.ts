/**
 * Merging the grid's per-trial files: completeness (which trials are missing), the table as
 * CSV, the best trial by validation accuracy, and SVG charts of validation accuracy.
 * @module
 */
import { recordsCsv } from "../../experiment/records_csv.ts";
import { lineChartSvg } from "../../experiment/svg_plot.ts";
import { bestBy, findTrials, gridProduct, type TrialsFound } from "../../experiment/trials.ts";
import {
  type GridSpec,
  isTrialRecord,
  type TrialParams,
  type TrialRecord,
  type TrialSettings,
} from "./grid.ts";

/** What {@link mergeGrid} found. */
export interface GridMerge extends TrialsFound<TrialRecord> {
  /** Highest validation accuracy (the lower index on a tie). */
  best?: TrialRecord;
  /** The data source the trials were run on. */
  source?: string;
}

/**
 * Reads every trial of `spec` made with `settings` from `dir` and its subfolders (findTrials).
 * The data source is taken from the files, so a machine without CIFAR-10 can merge shards run
 * elsewhere; mixed sources are an error.
 * Example: `const m = await mergeGrid("results/two-layer-net/grid", FULL_GRID, settings);`
 */
export async function mergeGrid(
  dir: string,
  spec: GridSpec,
  settings: Omit<TrialSettings, "source">,
): Promise<GridMerge> {
  const found = await findTrials<TrialRecord, TrialParams, TrialSettings>(
    dir,
    gridProduct(spec),
    (file) => ({ ...settings, source: file?.source ?? "" }),
    isTrialRecord,
  );
  const source = found.trials[0]?.settings.source;
  const other = found.trials.find((t) => t.settings.source !== source);
  if (other) {
    throw new Error(
      `grid merge: trial ${other.index} ran on "${other.settings.source}", trial ` +
        `${found.trials[0].index} on "${source}"`,
    );
  }
  return { ...found, best: bestBy(found.trials, (t) => t.valAcc), source };
}

/** Columns of grid.csv, in order. */
export const GRID_COLUMNS = [
  "index",
  "learningRate",
  "hidden",
  "reg",
  "batchSize",
  "valAcc",
  "testAcc",
  "trainAcc",
  "finalLoss",
  "seconds",
] as const;

/** grid.csv: one row per finished trial, numbers in full. */
export function gridCsv(trials: TrialRecord[]): string {
  return recordsCsv(trials.map(({ params, ...t }) => ({ ...t, ...params })), GRID_COLUMNS);
}

/**
 * grid.svg: best validation accuracy (over reg and batch size) against hidden size, one line
 * per learning rate, the lr × hidden view of the grid.
 */
export function gridSvg(trials: TrialRecord[], spec: GridSpec): string {
  const series = spec.learningRate.map((lr) => ({
    name: `lr ${lr}`,
    x: spec.hidden,
    y: spec.hidden.map((h) => {
      const accs = trials.filter((t) => t.params.learningRate === lr && t.params.hidden === h)
        .map((t) => t.valAcc);
      return accs.length ? Math.max(...accs) : NaN;
    }),
  }));
  return lineChartSvg({
    title: "Grid: best validation accuracy over reg and batch",
    xLabel: "hidden units",
    yLabel: "validation accuracy",
    series,
  });
}

/** grid_trials.svg: validation accuracy of every trial against its index, one line per lr. */
export function gridTrialsSvg(trials: TrialRecord[], spec: GridSpec): string {
  const series = spec.learningRate.map((lr) => {
    const mine = trials.filter((t) => t.params.learningRate === lr);
    return { name: `lr ${lr}`, x: mine.map((t) => t.index), y: mine.map((t) => t.valAcc) };
  });
  return lineChartSvg({
    title: "Grid: validation accuracy per trial",
    xLabel: "trial index",
    yLabel: "validation accuracy",
    series,
  });
}
