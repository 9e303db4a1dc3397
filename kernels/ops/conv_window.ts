/**
 * The window geometry every windowed op shares (conv2d, its transpose, conv1d, the poolings and
 * the depthwise/separable convolutions): explicit pads, TensorFlow's "same"/"valid" rule, the
 * output size of a window over an input, dilated kernel extents, Keras' stride/dilation rule and
 * Keras' transposed-convolution output size. One file, so the ops and the layers that state
 * output shapes cannot disagree.
 * @module
 */

/** Explicit padding on each side. */
export interface Pads {
  /** Rows of zeros added above. */
  top: number;
  /** Rows of zeros added below. */
  bottom: number;
  /** Columns of zeros added on the left. */
  left: number;
  /** Columns of zeros added on the right. */
  right: number;
}

/** What users pass: Keras names or numbers (one for all sides, or [top, bottom, left, right]). */
export type Padding = "same" | "valid" | number | [number, number, number, number];

/** One number for both axes, or a pair [height, width]. Example: `pairOf(3)` is [3, 3]. */
export function pairOf(v: number | [number, number]): [number, number] {
  return typeof v === "number" ? [v, v] : [v[0], v[1]];
}

/**
 * The extent of a `k`-tap window whose taps are `d` apart (the dilated kernel):
 * (k − 1)·d + 1. Example: `dilatedExtent(3, 2)` is 5.
 */
export function dilatedExtent(k: number, d: number): number {
  return (k - 1) * d + 1;
}

/**
 * Refuses a dilation other than whole numbers ≥ 1, and strides > 1 together with dilation > 1
 * (Keras and TF.js refuse that pair too: the taps of such a window skip inputs on two scales).
 */
export function checkDilation(
  op: string,
  strides: readonly number[],
  dilations: readonly number[],
): void {
  if (!dilations.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new Error(`${op}: dilations must be whole numbers ≥ 1, got [${dilations}]`);
  }
  if (strides.some((s) => s > 1) && dilations.some((d) => d > 1)) {
    throw new Error(
      `${op}: strides [${strides}] and dilationRate [${dilations}] are both > 1; Keras allows ` +
        `one or the other: use strides 1 with a dilation, or dilationRate 1 with strides`,
    );
  }
}

/**
 * Throws a RangeError naming `op` unless `padding` is "same", "valid", a whole number ≥ 0 or
 * [top, bottom, left, right] of them (a typo such as "Same" would otherwise give NaN shapes).
 * Example: `checkPadding("conv2d", "same")`.
 */
export function checkPadding(op: string, padding: unknown): void {
  const pad = (v: unknown) => typeof v === "number" && Number.isInteger(v) && v >= 0;
  const ok = padding === "same" || padding === "valid" || pad(padding) ||
    (Array.isArray(padding) && padding.length === 4 && padding.every(pad));
  if (ok) return;
  const shown = typeof padding === "string" ? `"${padding}"` : JSON.stringify(padding);
  throw new RangeError(
    `${op}: padding ${shown} is not valid; it must be "same", "valid", a whole number ≥ 0 or ` +
      `[top, bottom, left, right] of them`,
  );
}

/**
 * Resolves `padding` like TensorFlow: "same" gives output ⌈in/stride⌉ with the odd pixel at the
 * bottom/right; "valid" none. `kh`, `kw` are the window's extents (dilated, for a dilated conv).
 */
export function resolvePads(
  padding: Padding,
  inH: number,
  inW: number,
  kh: number,
  kw: number,
  strides: [number, number],
): Pads {
  if (padding === "valid") return { top: 0, bottom: 0, left: 0, right: 0 };
  if (padding === "same") {
    const th = Math.max((Math.ceil(inH / strides[0]) - 1) * strides[0] + kh - inH, 0);
    const tw = Math.max((Math.ceil(inW / strides[1]) - 1) * strides[1] + kw - inW, 0);
    const top = Math.floor(th / 2), left = Math.floor(tw / 2);
    return { top, bottom: th - top, left, right: tw - left };
  }
  if (typeof padding === "number") {
    return { top: padding, bottom: padding, left: padding, right: padding };
  }
  const [top, bottom, left, right] = padding;
  return { top, bottom, left, right };
}

/**
 * Output height and width of a window op with window extents `kh`×`kw` (dilated, for a dilated
 * conv); throws when the window does not fit.
 */
export function windowOutput(
  op: string,
  h: number,
  w: number,
  kh: number,
  kw: number,
  strides: [number, number],
  pads: Pads,
): [number, number] {
  const oh = Math.floor((h + pads.top + pads.bottom - kh) / strides[0]) + 1;
  const ow = Math.floor((w + pads.left + pads.right - kw) / strides[1]) + 1;
  if (oh < 1 || ow < 1) {
    throw new Error(
      `${op}: a ${kh}x${kw} window does not fit a ${h}x${w} input with padding ` +
        `${JSON.stringify(pads)}; use padding "same" or a smaller kernel`,
    );
  }
  return [oh, ow];
}

/**
 * Keras' output length of a transposed convolution along one axis (`deconv_output_length`):
 * in·stride for "same", in·stride + max(extent − stride, 0) for "valid", where extent is the
 * (dilated) kernel extent. Example: `transposedLength(4, 3, 2, "valid")` is 9.
 */
export function transposedLength(
  len: number,
  extent: number,
  stride: number,
  padding: "same" | "valid",
): number {
  return padding === "same" ? len * stride : len * stride + Math.max(extent - stride, 0);
}

/** Pads from its four sides in order top, bottom, left, right. Example: `padsOf(0, 1, 0, 1)`. */
export function padsOf(top: number, bottom: number, left: number, right: number): Pads {
  return { top, bottom, left, right };
}
