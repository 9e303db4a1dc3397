/**
 * Merging the grid's per-trial files: completeness (which trials are missing), the table as
 * CSV, the best trial by validation accuracy, and SVG charts of validation accuracy.
 * @module
 */
import { recordsCsv } from "../../experiment/records_csv.ts";
import { lineChartSvg } from "../../experiment/svg_plot.ts";
import { join } from "node:path";
import {
  type GridSpec,
  gridTrials,
  readTrialFile,
  type TrialRecord,
  type TrialSettings,
} from "./grid.ts";

/** A trial found in more than one file (shards that overlapped, or results copied twice). */
export interface DuplicateTrial {
  index: number;
  files: string[];
}

/** What {@link mergeGrid} found. */
export interface GridMerge {
  /** Finished trials found exactly once, by index. */
  trials: TrialRecord[];
  /** Indices with no usable file. */
  missing: number[];
  /** Indices with more than one usable file: the merge refuses to choose between them. */
  duplicates: DuplicateTrial[];
  total: number;
  /** No trial missing and none duplicated: the only state a merge accepts. */
  complete: boolean;
  /** Highest validation accuracy (the lower index on a tie). */
  best?: TrialRecord;
  /** The data source the trials were run on. */
  source?: string;
}

/**
 * Reads every trial of `spec` made with `settings` from `dir` and its subfolders (one per shard
 * when each machine's `grid/` was copied in as its own folder, as a CI artifact download does).
 * The data source is taken from the files, so a machine without CIFAR-10 can merge shards run
 * elsewhere; mixed sources are an error. Files made with other params or settings are ignored.
 * Example: `const m = await mergeGrid("results/two-layer-net/grid", FULL_GRID, settings);`
 */
export async function mergeGrid(
  dir: string,
  spec: GridSpec,
  settings: Omit<TrialSettings, "source">,
): Promise<GridMerge> {
  const all = gridTrials(spec);
  const files = await trialFiles(dir);
  const trials: TrialRecord[] = [];
  const missing: number[] = [];
  const duplicates: DuplicateTrial[] = [];
  let source: string | undefined;
  for (let i = 0; i < all.length; i++) {
    const found: [string, TrialRecord][] = [];
    for (const path of files.get(i) ?? []) {
      // An unreadable or foreign file is not a trial of this grid.
      const rec = await readTrialFile(path, i, all[i], settings).catch(() => undefined);
      if (rec) found.push([path, rec]);
    }
    if (found.length === 0) {
      missing.push(i);
      continue;
    }
    if (found.length > 1) {
      duplicates.push({ index: i, files: found.map(([p]) => p) });
      continue;
    }
    const onDisk = found[0][1];
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
  const complete = missing.length === 0 && duplicates.length === 0;
  return { trials, missing, duplicates, total: all.length, complete, best, source };
}

/** Why a merge is refused (missing and duplicated trials, named), or undefined when complete. */
export function mergeProblems(m: GridMerge): string | undefined {
  const parts: string[] = [];
  if (m.missing.length) {
    parts.push(`${m.missing.length} of ${m.total} trials missing: ${indexRanges(m.missing)}`);
  }
  for (const d of m.duplicates) {
    parts.push(`trial ${d.index} is in ${d.files.length} files: ${d.files.join(", ")}`);
  }
  return parts.length ? parts.join("; ") : undefined;
}

/** `[1, 2, 3, 7]` → `"1–3, 7"`. */
export function indexRanges(indices: number[]): string {
  const out: string[] = [];
  for (let i = 0; i < indices.length; i++) {
    let j = i;
    while (j + 1 < indices.length && indices[j + 1] === indices[j] + 1) j++;
    out.push(j > i ? `${indices[i]}–${indices[j]}` : `${indices[i]}`);
    i = j;
  }
  return out.join(", ");
}

/** Every `trial-NNN.json` under `dir` (any depth), by trial index; empty when `dir` is absent. */
async function trialFiles(dir: string): Promise<Map<number, string[]>> {
  const out = new Map<number, string[]>();
  const walk = async (d: string) => {
    const entries: Deno.DirEntry[] = [];
    try {
      for await (const e of Deno.readDir(d)) entries.push(e);
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return;
      throw e;
    }
    // Sorted, so duplicates are named in the same order on every machine.
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const path = join(d, e.name);
      const m = /^trial-(\d+)\.json$/.exec(e.name);
      if (e.isDirectory) await walk(path);
      else if (m && e.isFile) {
        const i = Number(m[1]);
        if (!out.has(i)) out.set(i, []);
        out.get(i)!.push(path);
      }
    }
  };
  await walk(dir);
  return out;
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
