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
