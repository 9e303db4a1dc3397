/**
 * A CSV of records (one row per object, one column per named field), so a task's table of
 * checks or trials is one call instead of a hand-written header and row mapping.
 * @module
 */
import { csvTable, type CsvValue } from "./results.ts";

/** A column: a field written under its own name, or `[header, field]`. */
export type RecordColumn<T> = (keyof T & string) | readonly [string, keyof T & string];

/**
 * The CSV of `records` with `columns` in order (values as {@link csvTable} writes them); without
 * `columns`, every field of the first record in its order.
 * Example: `recordsCsv([{ fn: "relu", pass: true }], [["function", "fn"], "pass"])` →
 * `"function,pass\nrelu,true\n"`.
 */
export function recordsCsv<T extends object>(
  records: readonly T[],
  columns: readonly RecordColumn<T>[] = Object.keys(records[0] ?? {}) as (keyof T & string)[],
): string {
  const pairs = columns.map((c) => (typeof c === "string" ? [c, c] as const : c));
  return csvTable(
    pairs.map(([h]) => h),
    records.map((r) => pairs.map(([, k]) => r[k] as CsvValue)),
  );
}
