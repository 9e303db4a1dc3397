/**
 * How a tensor reads in a log or notebook: a header line with dtype, shape and device, then the
 * values NumPy-style (nested brackets, one common width, the middle of long axes elided).
 * @module
 */
import type { DType, TypedArray } from "./dtype.ts";

/** Above this many values, long axes show only their first and last {@link EDGE_ITEMS}. */
export const SUMMARY_THRESHOLD = 1000;
/** Values kept at each end of an elided axis (NumPy's edgeitems). */
export const EDGE_ITEMS = 3;

/** What the formatter needs to know about a tensor. */
export interface TensorDescription {
  shape: readonly number[];
  dtype: DType;
  device: string;
}

/** `Tensor float32 [2,3] on cpu`. */
export function tensorHeader(t: TensorDescription): string {
  return `Tensor ${t.dtype} [${t.shape.join(",")}] on ${t.device}`;
}

/**
 * The header and the values; `values` undefined (a device that cannot be read synchronously)
 * gives the header and how to see the values. Example:
 * `formatTensor({ shape: [2], dtype: "float32", device: "cpu" }, new Float32Array([1, 2]))`
 * → `"Tensor float32 [2] on cpu\n[1, 2]"`.
 */
export function formatTensor(t: TensorDescription, values: TypedArray | undefined): string {
  const head = tensorHeader(t);
  if (!values) return `${head} (values stay on the device: use \`await t.print()\`)`;
  return `${head}\n${formatValues(t.shape, t.dtype, values)}`;
}

/** Only the values, as nested brackets. Example: `[[1, 2],\n [3, 4]]`. */
export function formatValues(shape: readonly number[], dtype: DType, values: TypedArray): string {
  const summarise = values.length > SUMMARY_THRESHOLD;
  // Which indices each axis shows: all, or the edges around a gap (-1).
  const shown = shape.map((d) =>
    summarise && d > 2 * EDGE_ITEMS
      ? [
        ...Array.from({ length: EDGE_ITEMS }, (_, i) => i),
        -1,
        ...Array.from({ length: EDGE_ITEMS }, (_, i) => d - EDGE_ITEMS + i),
      ]
      : Array.from({ length: d }, (_, i) => i)
  );
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const picked: number[] = [];
  const collect = (axis: number, off: number) => {
    if (axis === shape.length) return void picked.push(values[off]);
    for (const i of shown[axis]) if (i >= 0) collect(axis + 1, off + i * strides[axis]);
  };
  collect(0, 0);
  const fmt = numberFormat(picked, dtype);
  const width = picked.reduce((w, v) => Math.max(w, fmt(v).length), 1);
  const cell = (v: number) => fmt(v).padStart(width);
  if (shape.length === 0) return fmt(values[0]);
  const render = (axis: number, off: number, indent: string): string => {
    const parts = shown[axis].map((i) => {
      if (i < 0) return "...";
      const o = off + i * strides[axis];
      return axis === shape.length - 1 ? cell(values[o]) : render(axis + 1, o, indent + " ");
    });
    if (axis === shape.length - 1) return `[${parts.join(", ")}]`;
    // Inner blocks on their own lines, a blank line between 3-D blocks like NumPy.
    const sep = "," + "\n".repeat(shape.length - axis - 1) + indent + " ";
    return `[${parts.join(sep)}]`;
  };
  return render(0, 0, "");
}

/**
 * One number format for all shown values: integers plainly, floats fixed or exponential.
 * Example: `numberFormat([0.5, 1.25], "float32")(0.5)` → `"0.5"`.
 */
export function numberFormat(vs: number[], dtype: DType): (v: number) => string {
  if (dtype === "int32") return (v) => String(v);
  const finite = vs.filter((v) => Number.isFinite(v));
  const abs = finite.map(Math.abs).filter((v) => v > 0);
  const max = abs.length ? Math.max(...abs) : 0;
  const min = abs.length ? Math.min(...abs) : 0;
  const special = (v: number) => (Number.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity");
  if (max >= 1e8 || (min > 0 && min < 1e-4) || (max > 0 && max / min >= 1e8)) {
    return (v) => (Number.isFinite(v) ? v.toExponential(4) : special(v));
  }
  const allIntegers = finite.every((v) => Number.isInteger(v));
  // Up to 4 decimals, trailing zeros dropped ("0.5", "1.25"), as NumPy prints floats.
  return (v) => {
    if (!Number.isFinite(v)) return special(v);
    if (allIntegers) return `${v}.`;
    return v.toFixed(4).replace(/0+$/, "");
  };
}
