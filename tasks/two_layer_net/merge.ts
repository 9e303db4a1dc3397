/**
 * Merging the grid's per-trial files: completeness (which trials are missing), the table as
 * CSV, the best trial by validation accuracy, and SVG charts of validation accuracy.
 * @module
 */
import { lineChartSvg } from "../../train/svg_plot.ts";
import {
  type GridSpec,
  gridTrials,
  readTrial,
  trialPath,
  type TrialRecord,
  type TrialSettings,
} from "./grid.ts";

/** What {@link mergeGrid} found. */
export interface GridMerge {
  /** Finished trials, by index. */
  trials: TrialRecord[];
  /** Indices with no usable file. */
  missing: number[];
  total: number;
  complete: boolean;
  /** Highest validation accuracy (the lower index on a tie). */
  best?: TrialRecord;
  /** The data source the trials were run on. */
  source?: string;
}

/**
 * Reads every trial of `spec` made with `settings` (the data source is taken from the files, so
 * a machine without CIFAR-10 can merge shards run elsewhere; mixed sources are an error).
 * Example: `const m = await mergeGrid("results/two-layer-net/grid", FULL_GRID, settings);`
 */
export async function mergeGrid(
  dir: string,
  spec: GridSpec,
  settings: Omit<TrialSettings, "source">,
): Promise<GridMerge> {
  const all = gridTrials(spec);
  const trials: TrialRecord[] = [];
  const missing: number[] = [];
  let source: string | undefined;
  for (let i = 0; i < all.length; i++) {
    const onDisk = await readAnySource(dir, i, all[i], settings);
    if (!onDisk) {
      missing.push(i);
      continue;
    }
    if (source !== undefined && onDisk.settings.source !== source) {
      throw new Error(
        `grid merge: trial ${i} ran on "${onDisk.settings.source}", earlier ones on "${source}"`,
      );
    }
    source = onDisk.settings.source;
    trials.push(onDisk);
  }
  let best: TrialRecord | undefined;
  for (const t of trials) if (!best || t.valAcc > best.valAcc) best = t;
  return { trials, missing, total: all.length, complete: missing.length === 0, best, source };
}

async function readAnySource(
  dir: string,
  index: number,
  params: TrialRecord["params"],
  settings: Omit<TrialSettings, "source">,
): Promise<TrialRecord | undefined> {
  let text: string;
  try {
    text = await Deno.readTextFile(trialPath(dir, index));
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw e;
  }
  const source = (JSON.parse(text) as TrialRecord).settings?.source ?? "";
  return await readTrial(dir, index, params, { ...settings, source });
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
  const rows = trials.map((t) =>
    [
      t.index,
      t.params.learningRate,
      t.params.hidden,
      t.params.reg,
      t.params.batchSize,
      t.valAcc,
      t.testAcc,
      t.trainAcc,
      t.finalLoss,
      t.seconds,
    ].join(",")
  );
  return [GRID_COLUMNS.join(","), ...rows].join("\n") + "\n";
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
