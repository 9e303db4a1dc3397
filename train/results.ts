import { join } from "node:path";
import { writeFileAtomic } from "./atomic_write.ts";
import type { EpochRecord } from "./history.ts";
import { curvesSvg } from "./svg_plot.ts";

/** Writing a task's results folder: metrics.json, history.csv, curves.svg, confusion.csv. */

/** history.csv contents (NaN and missing values as empty cells). */
export function historyCsv(history: EpochRecord[]): string {
  const cols = [
    "epoch",
    "loss",
    "acc",
    "valLoss",
    "valAcc",
    "seconds",
    "samplesPerSecond",
  ] as const;
  const cell = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? "" : String(v));
  return [cols.join(","), ...history.map((r) => cols.map((c) => cell(r[c])).join(","))].join("\n") +
    "\n";
}

/** confusion.csv: a header of predicted classes, one row per true class. */
export function confusionCsv(confusion: number[][], classNames?: string[]): string {
  const names = confusion.map((_, i) => (classNames?.[i] ?? String(i)).replaceAll(",", " "));
  const rows = confusion.map((r, i) => [names[i], ...r].join(","));
  return ["true\\predicted," + names.join(","), ...rows].join("\n") + "\n";
}

/** JSON with NaN and ±Infinity written as null (JSON has no such numbers). */
export function toJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? null : v),
    2,
  ) + "\n";
}

/**
 * Writes every results file atomically into `dir` and returns their paths.
 * Example: `await writeResults("results/mnist-cnn", { metrics, history, confusion })`.
 */
export async function writeResults(
  dir: string,
  r: {
    metrics: Record<string, unknown>;
    history: EpochRecord[];
    confusion?: number[][];
    classNames?: string[];
    extraFiles?: Record<string, string | Uint8Array>;
  },
): Promise<string[]> {
  const files: Record<string, string | Uint8Array> = {
    "metrics.json": toJson(r.metrics),
    "history.csv": historyCsv(r.history),
    "curves.svg": curvesSvg(r.history),
    ...(r.confusion ? { "confusion.csv": confusionCsv(r.confusion, r.classNames) } : {}),
    ...r.extraFiles,
  };
  const written: string[] = [];
  for (const [name, data] of Object.entries(files)) {
    const p = join(dir, name);
    await writeFileAtomic(p, data);
    written.push(p);
  }
  return written;
}
