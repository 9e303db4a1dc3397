/**
 * A tensor as a Jupyter MIME bundle (an HTML table preview), and the small HTML table helper the
 * other bundles share. Kept apart from notebook/display.ts so the tensor class imports nothing
 * heavy.
 * @module
 */
import type { DType, TypedArray } from "../kernels/dtype.ts";
import {
  EDGE_ITEMS,
  formatValues,
  numberFormat,
  SUMMARY_THRESHOLD,
  type TensorDescription,
  tensorHeader,
} from "../kernels/tensor_format.ts";
import { escapeXml } from "../experiment/svg_plot.ts";

export type { TensorDescription } from "../kernels/tensor_format.ts";

/** A Jupyter MIME bundle: MIME type → content. */
export type MimeBundle = Record<string, string>;

/** Inline style of every table (notebooks strip stylesheets, not style attributes). */
export const TABLE_STYLE = "border-collapse:collapse;font-family:monospace;font-size:12px";
/** Inline style of a table cell. */
export const CELL = "border:1px solid #ccc;padding:2px 6px;text-align:right";

/**
 * An HTML table; `rows` cells are HTML already (escape text first), headers are escaped here.
 * Example: `htmlTable(["a"], [["1"]])`.
 */
export function htmlTable(head: string[], rows: string[][], caption?: string): string {
  const th = head.map((h) => `<th style="${CELL}">${escapeXml(h)}</th>`).join("");
  const body = rows.map((r) => `<tr>${r.map((c) => `<td style="${CELL}">${c}</td>`).join("")}</tr>`)
    .join("\n");
  const cap = caption ? `<caption style="text-align:left">${escapeXml(caption)}</caption>` : "";
  return `<table style="${TABLE_STYLE}">${cap}<thead><tr>${th}</tr></thead>\n<tbody>\n${body}\n` +
    `</tbody></table>`;
}

/** Indices one axis shows: all, or the edges around a gap (-1), as {@link formatValues} does. */
function shownIndices(d: number, summarise: boolean): number[] {
  if (!summarise || d <= 2 * EDGE_ITEMS) return Array.from({ length: d }, (_, i) => i);
  return [
    ...Array.from({ length: EDGE_ITEMS }, (_, i) => i),
    -1,
    ...Array.from({ length: EDGE_ITEMS }, (_, i) => d - EDGE_ITEMS + i),
  ];
}

/**
 * A tensor's bundle: rank ≤ 2 as an HTML table (long axes elided like the text form), higher
 * ranks as the NumPy-style text; `values` undefined (WebGPU: no synchronous read) says to use
 * `await t.print()`. Example: `tensorBundle(t, t.toString(), new Float32Array([1, 2]))`.
 */
export function tensorBundle(
  t: TensorDescription,
  text: string,
  values: TypedArray | undefined,
): MimeBundle {
  const head = `<div style="font-family:monospace">${escapeXml(tensorHeader(t))}</div>`;
  if (!values) {
    return {
      "text/plain": text,
      "text/html": `${head}<div>values stay on the device: use <code>await t.print()</code></div>`,
    };
  }
  if (t.shape.length > 2) {
    const pre = escapeXml(formatValues(t.shape, t.dtype, values));
    return { "text/plain": text, "text/html": `${head}<pre>${pre}</pre>` };
  }
  const [r, c] = t.shape.length === 2 ? t.shape : t.shape.length === 1 ? [1, t.shape[0]] : [1, 1];
  const summarise = values.length > SUMMARY_THRESHOLD;
  const rows = shownIndices(r, summarise), cols = shownIndices(c, summarise);
  const shown: number[] = [];
  for (const i of rows) for (const j of cols) if (i >= 0 && j >= 0) shown.push(values[i * c + j]);
  const fmt = numberFormat(shown, t.dtype as DType);
  const body = rows.map((i) =>
    cols.map((j) => (i < 0 || j < 0 ? "…" : escapeXml(fmt(values[i * c + j]))))
  );
  const table = htmlTable(cols.map((j) => (j < 0 ? "…" : String(j))), body);
  return { "text/plain": text, "text/html": head + table };
}
