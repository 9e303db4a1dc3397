/**
 * A task's results folder: metrics.json, history.csv, curves.svg, confusion.csv and any extra
 * files, written as one set with a manifest so a killed run never leaves a mix of two runs.
 * @module
 */
import { writeResultSet } from "./result_set.ts";
import type { EpochRecord } from "../train/history.ts";
import { curvesSvg } from "./svg_plot.ts";

/** Columns of history.csv, in order. */
export const HISTORY_COLUMNS = [
  "epoch",
  "loss",
  "acc",
  "valLoss",
  "valAcc",
  "seconds",
  "samplesPerSecond",
] as const;

/** A value a CSV cell can hold; null, undefined, NaN and ±Infinity become empty cells. */
export type CsvValue = string | number | boolean | null | undefined;

/** A CSV field, quoted (RFC 4180) only when it holds a comma, quote or line break. */
function csvField(v: CsvValue): string {
  const s = typeof v === "number" ? (Number.isFinite(v) ? String(v) : "") : String(v ?? "");
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/**
 * A CSV file: the header, then one line per row, numbers in full (shortest round-trip form).
 * Example: `csvTable(["a", "b"], [[1, "x,y"]])` → `'a,b\n1,"x,y"\n'`.
 */
export function csvTable(
  header: readonly string[],
  rows: readonly (readonly CsvValue[])[],
): string {
  return [header.map(csvField).join(","), ...rows.map((r) => r.map(csvField).join(","))]
    .join("\n") + "\n";
}

/**
 * history.csv contents: header `epoch,loss,acc,valLoss,valAcc,seconds,samplesPerSecond`, one row
 * per epoch; NaN, ±Infinity and missing values are empty cells. Numbers are written in full
 * (shortest round-trip form), not rounded.
 * Example: `historyCsv([{ epoch: 1, loss: 0.5, acc: 0.8, seconds: 2, samplesPerSecond: 100 }])`.
 */
export function historyCsv(history: EpochRecord[]): string {
  return csvTable(HISTORY_COLUMNS, history.map((r) => HISTORY_COLUMNS.map((c) => r[c])));
}

/**
 * confusion.csv contents: a header `true\predicted,<class…>`, then one row per true class
 * starting with its name. Classes are named by `classNames`, or by index when not given.
 * Example: `confusionCsv([[1, 0], [2, 3]], ["a", "b"])` → `"true\\predicted,a,b\na,1,0\nb,2,3\n"`.
 */
export function confusionCsv(confusion: number[][], classNames?: string[]): string {
  if (classNames && classNames.length !== confusion.length) {
    throw new Error(
      `confusionCsv: ${classNames.length} class names for ${confusion.length} classes`,
    );
  }
  const names = confusion.map((_, i) => csvField(classNames?.[i] ?? String(i)));
  const rows = confusion.map((r, i) => {
    if (r.length !== confusion.length) {
      throw new Error(`confusionCsv: row ${i} has ${r.length} entries, not ${confusion.length}`);
    }
    return [names[i], ...r].join(",");
  });
  return ["true\\predicted," + names.join(","), ...rows].join("\n") + "\n";
}

/**
 * Pretty JSON (2-space indent, trailing newline) for metrics.json. JSON has no NaN or Infinity:
 * NaN, Infinity and -Infinity are written as `null` (so `null` in metrics.json means "not a
 * number", e.g. accuracy of a regression task). BigInts, which `JSON.stringify` rejects, become
 * numbers, and typed arrays become plain arrays.
 * Example: `toJson({ a: NaN })` → `'{\n  "a": null\n}\n'`.
 */
export function toJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_k, v) => {
      if (typeof v === "number" && !Number.isFinite(v)) return null;
      if (typeof v === "bigint") return Number(v);
      if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
        return Array.from(v as unknown as ArrayLike<number>, (x) => Number(x));
      }
      return v;
    },
    2,
  ) + "\n";
}

/** What {@link writeResults} writes. */
export interface Results {
  /** Written to metrics.json (NaN/±Infinity become null, see {@link toJson}). */
  metrics: Record<string, unknown>;
  /** Written to history.csv and drawn in curves.svg (neither is written without it). */
  history?: EpochRecord[];
  /** Written to confusion.csv when given (rows true class, columns predicted). */
  confusion?: number[][];
  /** Header names for confusion.csv. */
  classNames?: string[];
  /** More files by relative name (sub-folders allowed, `..` and absolute paths are not). */
  extraFiles?: Record<string, string | Uint8Array>;
}

/**
 * Writes the results files into `dir` (created if missing) as one set (see result_set.ts) and
 * returns their paths: metrics.json, history.csv and curves.svg when a history is given,
 * confusion.csv when a confusion matrix is, the extra files, and manifest.json last.
 * Example: `await writeResults("results/mnist-cnn", { metrics, history, confusion })`.
 */
export async function writeResults(dir: string, r: Results): Promise<string[]> {
  const files: [string, string | Uint8Array][] = [["metrics.json", toJson(r.metrics)]];
  if (r.history) {
    files.push(["history.csv", historyCsv(r.history)], ["curves.svg", curvesSvg(r.history)]);
  }
  if (r.confusion) files.push(["confusion.csv", confusionCsv(r.confusion, r.classNames)]);
  files.push(...Object.entries(r.extraFiles ?? {}));
  // Everything is built above, so bad input throws before any file changes.
  return await writeResultSet(dir, files);
}
