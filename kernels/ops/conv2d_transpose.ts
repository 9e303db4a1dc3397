import { fmtShape } from "../shape.ts";
import type { Tensor } from "../tensor_core.ts";
import { type BackpropInputAttrs, conv2dBackpropInput, windowAttrs } from "./conv2d.ts";
import { dilatedExtent, pairOf, transposedLength } from "./conv_window.ts";
import { add } from "./elementwise.ts";

/**
 * Transposed 2-D convolution (Keras Conv2DTranspose, TF.js conv2dTranspose) on NHWC input with a
 * [KH, KW, outChannels, inChannels] filter. It is conv2d's input gradient: the conv2d that maps
 * the output shape back to the input shape, run backwards; so it runs conv2dBackpropInput (every
 * backend's kernel) and its gradients are conv2d and conv2d's filter gradient.
 */

/** Options of {@link conv2dTranspose} (TF.js / Keras names). */
export interface Conv2dTransposeOptions {
  /** Upsampling step, one for both axes or [h, w]; 1 by default. */
  strides?: number | [number, number];
  /** "valid" (default): output in·stride + max(extent − stride, 0); "same": in·stride. */
  padding?: "same" | "valid";
  /** Distance between the filter's taps; 1 by default (not with strides > 1). */
  dilations?: number | [number, number];
  /**
   * Rows and columns added at the bottom and right (Keras / PyTorch `output_padding`), each
   * whole and below its stride. Given, the output is exactly (in − 1)·stride + extent
   * ("valid") or (in − 1)·stride + extent mod 2 ("same") plus it, where the default picks one
   * size of the several that conv2d maps back to the input.
   */
  outputPadding?: number | [number, number];
  /** Per-channel bias [outChannels], added to the result. */
  bias?: Tensor;
}

/**
 * Output [OH, OW] of conv2dTranspose over an [H, W] input with a `kernel` [KH, KW] filter, and
 * the attributes of the conv2d whose input gradient it is (pads as "same" gives on the output).
 * Example: `conv2dTransposeAttrs([4, 4], [3, 3], { strides: 2, padding: "same" }).outHW` is [8, 8].
 */
export function conv2dTransposeAttrs(
  inHW: [number, number],
  kernel: [number, number],
  opts: Omit<Conv2dTransposeOptions, "bias">,
): { outHW: [number, number]; attrs: Omit<BackpropInputAttrs, "xShape"> } {
  const padding = opts.padding ?? "valid";
  if (padding !== "valid" && padding !== "same") {
    throw new Error(`conv2dTranspose: padding must be "valid" or "same", got ${String(padding)}`);
  }
  const [sh, sw] = pairOf(opts.strides ?? 1), [dh, dw] = pairOf(opts.dilations ?? 1);
  if (opts.outputPadding !== undefined) {
    const op = checkOutputPadding(opts.outputPadding, [sh, sw]);
    const [kh, kw] = [dilatedExtent(kernel[0], dh), dilatedExtent(kernel[1], dw)];
    const [h, top, bottom] = paddedAxis(inHW[0], kh, sh, padding, op[0]);
    const [w, left, right] = paddedAxis(inHW[1], kw, sw, padding, op[1]);
    const attrs = { strides: [sh, sw] as [number, number], pads: { top, bottom, left, right } };
    return { outHW: [h, w], attrs: dh > 1 || dw > 1 ? { ...attrs, dilations: [dh, dw] } : attrs };
  }
  const outHW: [number, number] = [
    transposedLength(inHW[0], dilatedExtent(kernel[0], dh), sh, padding),
    transposedLength(inHW[1], dilatedExtent(kernel[1], dw), sw, padding),
  ];
  const attrs = windowAttrs("conv2dTranspose", outHW, kernel, {
    strides: [sh, sw],
    dilations: [dh, dw],
    padding,
  });
  return { outHW, attrs };
}

/**
 * Checks `outputPadding` (whole, ≥ 0, below the stride on each axis, as Keras and PyTorch ask:
 * a larger one would add rows no input reaches) and returns it as a pair.
 */
export function checkOutputPadding(
  outputPadding: number | [number, number],
  strides: [number, number],
): [number, number] {
  const ok = typeof outputPadding === "number" ||
    (Array.isArray(outputPadding) && outputPadding.length === 2);
  const op = ok ? pairOf(outputPadding) : [NaN, NaN];
  if (!op.every((v, i) => Number.isInteger(v) && v >= 0 && v < strides[i])) {
    throw new RangeError(
      `conv2dTranspose: outputPadding ${JSON.stringify(outputPadding)} is not valid; it must be ` +
        `a whole number ≥ 0 (or a pair [h, w] of them) below the strides [${strides}]`,
    );
  }
  return op as [number, number];
}

/**
 * One axis with an output padding, as Keras 3 defines it (its JAX rule): the output length and
 * the conv2d pads whose input gradient it is. The full transposed output ((n − 1)·s + k long) is
 * cropped by `top` at the start; rows past it (an output padding on "valid") are rows no window
 * reaches, 0 before the bias.
 */
function paddedAxis(
  n: number,
  k: number,
  s: number,
  padding: "same" | "valid",
  op: number,
): [number, number, number] {
  let len: number, top: number;
  if (padding === "valid") {
    len = (n - 1) * s + k + op;
    top = 0;
  } else {
    len = (n - 1) * s + (k % 2) + op;
    const total = k + (k % 2) - 2 + op; // Keras' pad_len; its left pad is ceil(total / 2)
    top = k - 1 - Math.min(Math.ceil(total / 2), k - 1);
  }
  // conv2d over `len` with these pads gives n windows again (op < s keeps `bottom` ≥ 0 enough).
  return [len, top, Math.max(0, (n - 1) * s + k - len - top)];
}

/**
 * Transposed convolution of `x` [N, H, W, inC] with `w` [KH, KW, outC, inC]: [N, OH, OW, outC]
 * with Keras' output size (strides 2, "same": twice the height and width).
 * Example: `conv2dTranspose(x, w, { strides: 2, padding: "same", bias: b })`.
 */
export function conv2dTranspose(x: Tensor, w: Tensor, opts: Conv2dTransposeOptions = {}): Tensor {
  if (x.rank !== 4 || w.rank !== 4 || x.shape[3] !== w.shape[3]) {
    throw new Error(
      `conv2dTranspose: needs input [N, H, W, inC] and filter [KH, KW, outC, inC] with the same ` +
        `inC, got ${fmtShape(x.shape)} and ${fmtShape(w.shape)}`,
    );
  }
  if (x.dtype !== w.dtype || x.dtype === "int32") {
    throw new Error(
      `conv2dTranspose: needs two float tensors of one dtype, got ${x.dtype}, ${w.dtype}`,
    );
  }
  const b = opts.bias;
  if (b && (b.dtype !== x.dtype || b.rank !== 1 || b.shape[0] !== w.shape[2])) {
    throw new Error(
      `conv2dTranspose: bias must be a ${x.dtype} vector of ${w.shape[2]} (the output channels), ` +
        `got ${b.dtype} ${fmtShape(b.shape)}`,
    );
  }
  const { outHW, attrs } = conv2dTransposeAttrs(
    [x.shape[1], x.shape[2]],
    [w.shape[0], w.shape[1]],
    opts,
  );
  const y = conv2dBackpropInput(x, w, [x.shape[0], ...outHW, w.shape[2]], attrs);
  return b ? add(y, b) : y;
}
