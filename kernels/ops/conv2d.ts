import type { FloatArray } from "../dtype.ts";
import { runOp } from "../engine.ts";
import { defineOp, type OpTestCase } from "../op.ts";
import { fmtShape } from "../shape.ts";
import type { Tensor } from "../tensor_core.ts";
import {
  checkDilation,
  checkPadding,
  dilatedExtent,
  type Padding,
  type Pads,
  padsOf,
  pairOf,
  resolvePads,
  windowOutput,
} from "./conv_window.ts";
import {
  checkConvChannels,
  checkConvRanks,
  checkDy,
  checkFloatPair,
  referenceConv,
} from "./conv_taps.ts";
import { sum } from "./reduce.ts";
import { reluGrad } from "./elementwise.ts";

/**
 * 2-D convolution on NHWC input with a [KH, KW, Cin, Cout] filter (TensorFlow/Keras layout),
 * stride and explicit padding, with an optional per-channel bias [Cout] and ReLU applied in the
 * same kernel (each as a separate op would be a whole extra pass over the output: bench/README.md),
 * plus its two backprop ops (input and filter gradients).
 */

/** Attributes of conv2d and its two gradient ops, with padding resolved to explicit sides. */
export interface Conv2dAttrs {
  /** Step of the window along height and width. */
  strides: [number, number];
  /** Zero padding on each side of the input. */
  pads: Pads;
  /** Distance between the filter's taps (Keras `dilationRate`); [1, 1] when absent. */
  dilations?: [number, number];
  /**
   * conv2d only: "relu" applies ReLU to the result (after the bias) in the same kernel, as
   * oneDNN's post-ops and TF.js's fused conv do: one pass over the output fewer.
   */
  activation?: "relu";
}

/** The dilations of `attrs`, [1, 1] when absent. */
export function dilationsOf(attrs: Conv2dAttrs): [number, number] {
  return attrs.dilations ?? [1, 1];
}

/**
 * Output [OH, OW] of conv2d with filter [KH, KW, …] on input [N, H, W, …]: the window is the
 * dilated extent of the filter. Refuses strides and dilations both > 1 (Keras' rule).
 */
export function convOutput(
  op: string,
  x: number[],
  w: number[],
  attrs: Conv2dAttrs,
): [number, number] {
  const [dh, dw] = dilationsOf(attrs);
  checkDilation(op, attrs.strides, [dh, dw]);
  const kh = dilatedExtent(w[0], dh), kw = dilatedExtent(w[1], dw);
  return windowOutput(op, x[1], x[2], kh, kw, attrs.strides, attrs.pads);
}

const checkRanks = (x: number[], w: number[]) => checkConvRanks("conv2d", x, w, "[KH,KW,Cin,Cout]");

function conv2dShape(x: number[], w: number[], attrs: Conv2dAttrs): number[] {
  checkRanks(x, w);
  checkConvChannels("conv2d", x, w);
  const [oh, ow] = convOutput("conv2d", x, w, attrs);
  return [x[0], oh, ow, w[3]];
}

function convCases(): OpTestCase<Conv2dAttrs>[] {
  return [
    {
      name: "3x3 valid",
      inputs: [{ shape: [2, 5, 5, 2] }, { shape: [3, 3, 2, 3] }],
      attrs: { strides: [1, 1], pads: padsOf(0, 0, 0, 0) },
    },
    {
      name: "3x3 same with bias",
      inputs: [{ shape: [2, 5, 4, 3] }, { shape: [3, 3, 3, 4] }, { shape: [4] }],
      attrs: { strides: [1, 1], pads: padsOf(1, 1, 1, 1) },
    },
    {
      name: "3x3 same, bias and ReLU",
      inputs: [{ shape: [2, 6, 5, 4] }, { shape: [3, 3, 4, 4] }, { shape: [4] }],
      attrs: { strides: [1, 1], pads: padsOf(1, 1, 1, 1), activation: "relu" },
    },
    {
      name: "3x3 same",
      inputs: [{ shape: [1, 4, 5, 1] }, { shape: [3, 3, 1, 2] }],
      attrs: { strides: [1, 1], pads: padsOf(1, 1, 1, 1) },
    },
    {
      name: "5x5 pad2 stride2",
      inputs: [{ shape: [2, 7, 6, 3] }, { shape: [5, 5, 3, 2] }],
      attrs: { strides: [2, 2], pads: padsOf(2, 2, 2, 2) },
    },
    {
      name: "1x1",
      inputs: [{ shape: [3, 3, 3, 4] }, { shape: [1, 1, 4, 2] }],
      attrs: { strides: [1, 1], pads: padsOf(0, 0, 0, 0) },
    },
    {
      name: "asym pad stride 2x1",
      inputs: [{ shape: [1, 6, 5, 2] }, { shape: [2, 3, 2, 1] }],
      attrs: { strides: [2, 1], pads: padsOf(0, 1, 1, 0) },
    },
    {
      name: "3x3 dilation 2, same",
      inputs: [{ shape: [1, 7, 6, 2] }, { shape: [3, 3, 2, 2] }],
      attrs: { strides: [1, 1], pads: padsOf(2, 2, 2, 2), dilations: [2, 2] },
    },
    {
      name: "2x3 dilation [3, 2] valid, bias and ReLU",
      inputs: [{ shape: [2, 6, 7, 4] }, { shape: [2, 3, 4, 4] }, { shape: [4] }],
      attrs: { strides: [1, 1], pads: padsOf(0, 0, 0, 0), dilations: [3, 2], activation: "relu" },
    },
    {
      name: "1x3 dilation [1, 3] causal pads",
      inputs: [{ shape: [2, 1, 9, 3] }, { shape: [1, 3, 3, 2] }],
      attrs: { strides: [1, 1], pads: padsOf(0, 0, 6, 0), dilations: [1, 3] },
    },
    {
      name: "empty batch, 3x3 same",
      inputs: [{ shape: [0, 4, 4, 2] }, { shape: [3, 3, 2, 2] }, { shape: [2] }],
      attrs: { strides: [1, 1], pads: padsOf(1, 1, 1, 1) },
    },
  ];
}

/** Cases of conv2dBackpropInput, which is also conv2dTranspose: dy [N, OH, OW, Cout] → xShape. */
function transposeCases(): OpTestCase<BackpropInputAttrs>[] {
  return [
    {
      name: "3x3 stride 2 same (upsampling ×2)",
      inputs: [{ shape: [2, 3, 3, 2] }, { shape: [3, 3, 3, 2] }],
      attrs: { strides: [2, 2], pads: padsOf(0, 1, 0, 1), xShape: [2, 6, 6, 3] },
    },
    {
      name: "2x2 stride 2 valid",
      inputs: [{ shape: [1, 3, 2, 3] }, { shape: [2, 2, 2, 3] }],
      attrs: { strides: [2, 2], pads: padsOf(0, 0, 0, 0), xShape: [1, 6, 4, 2] },
    },
    {
      name: "1x1 stride 3 valid (kernel below stride: rows no tap reaches)",
      inputs: [{ shape: [1, 3, 2, 2] }, { shape: [1, 1, 2, 2] }],
      attrs: { strides: [3, 3], pads: padsOf(0, 0, 0, 0), xShape: [1, 9, 6, 2] },
    },
    {
      name: "3x3 dilation 2 same",
      inputs: [{ shape: [1, 6, 5, 3] }, { shape: [3, 3, 2, 3] }],
      attrs: { strides: [1, 1], pads: padsOf(2, 2, 2, 2), dilations: [2, 2], xShape: [1, 6, 5, 2] },
    },
    {
      name: "3x3 same, dy with 4 channels (vec4 loads)",
      inputs: [{ shape: [1, 5, 5, 4] }, { shape: [3, 3, 3, 4] }],
      attrs: { strides: [1, 1], pads: padsOf(1, 1, 1, 1), xShape: [1, 5, 5, 3] },
    },
    {
      name: "asym pads stride [2, 1]",
      inputs: [{ shape: [1, 3, 4, 1] }, { shape: [2, 3, 2, 1] }],
      attrs: { strides: [2, 1], pads: padsOf(0, 1, 1, 0), xShape: [1, 6, 5, 2] },
    },
    {
      name: "3x3 stride 2 valid, outputPadding 1 (a last row and column no window reaches)",
      inputs: [{ shape: [1, 3, 3, 2] }, { shape: [3, 3, 3, 2] }],
      attrs: { strides: [2, 2], pads: padsOf(0, 0, 0, 0), xShape: [1, 8, 8, 3] },
    },
    {
      name: "4x4 stride 3 same, outputPadding [2, 1] (Keras' crop of 1 at the top and left)",
      inputs: [{ shape: [1, 3, 4, 2] }, { shape: [4, 4, 3, 2] }],
      attrs: { strides: [3, 3], pads: padsOf(1, 1, 1, 2), xShape: [1, 8, 10, 3] },
    },
    {
      name: "empty batch",
      inputs: [{ shape: [0, 4, 4, 2] }, { shape: [3, 3, 2, 2] }],
      attrs: { strides: [1, 1], pads: padsOf(1, 1, 1, 1), xShape: [0, 4, 4, 2] },
    },
  ];
}

/**
 * out[r, o] += b[o] for the rows of `out` (an [rows, Cout] view, Cout = b.length) in
 * [from, to) values. Exported for the fast CPU kernel, which must add exactly as this reference.
 */
export function addBias(out: FloatArray, b: FloatArray, from: number, to: number): void {
  const c = b.length;
  for (let i = from; i < to; i += c) {
    for (let o = 0; o < c; o++) out[i + o] += b[o];
  }
}

const conv2dDef = defineOp<Conv2dAttrs>({
  name: "conv2d",
  infer: ([x, w, b], attrs) => {
    checkFloatPair("conv2d", x, w);
    if (b && (b.dtype !== x.dtype || b.shape.length !== 1 || b.shape[0] !== w.shape[3])) {
      throw new Error(
        `conv2d: bias must be a ${x.dtype} vector of ${w.shape[3]} (the filter count), got ` +
          `${b.dtype} ${fmtShape(b.shape)}`,
      );
    }
    return { shape: conv2dShape(x.shape, w.shape, attrs), dtype: x.dtype };
  },
  // Bias after the sum, ReLU last: the result equals conv2d, add and relu run apart, bit for bit.
  cpu: ([x, w, b], attrs, out, outShape) => {
    referenceConv.forward(x, w, out, outShape, attrs, false);
    if (b) addBias(out as FloatArray, b.data as FloatArray, 0, out.length);
    if (attrs.activation === "relu") {
      for (let i = 0; i < out.length; i++) out[i] = out[i] > 0 || out[i] !== out[i] ? out[i] : 0;
    }
  },
  grad: (dy, { inputs: [x, w, b], output, attrs }) => {
    // The gradient at the pre-activation, made once for whichever inputs need it: ReLU passes
    // dy where its output is positive (exactly where its input was).
    let pre: Tensor | undefined;
    const g = () => pre ??= attrs.activation === "relu" ? reluGrad(dy, output) : dy;
    const { activation: _, ...a } = attrs;
    return [
      () => conv2dBackpropInput(g(), w, x.shape, a),
      () => conv2dBackpropFilter(x, g(), w.shape, a),
      ...(b ? [() => sum(g(), [0, 1, 2])] : []),
    ];
  },
  tests: convCases(),
});

/** Attributes of conv2dBackpropInput: conv2d's and the input shape. */
export interface BackpropInputAttrs extends Conv2dAttrs {
  /** Shape of conv2d's input [N, H, W, Cin], the shape of the gradient this op returns. */
  xShape: number[];
}
const conv2dBackpropInputDef = defineOp<BackpropInputAttrs>({
  name: "conv2dBackpropInput",
  infer: ([dy, w], attrs) => {
    checkDy("conv2dBackpropInput", dy.shape, conv2dShape(attrs.xShape, w.shape, attrs));
    return { shape: [...attrs.xShape], dtype: dy.dtype };
  },
  cpu: ([dy, w], attrs, out) => referenceConv.inputGrad(dy, w, out, attrs.xShape, attrs, false),
  // It is linear in dy and in w: d/d(dy) is conv2d of the incoming gradient with w, d/dw is
  // conv2d's filter gradient with the roles of x and dy taken by the incoming gradient and dy.
  // So conv2dTranspose (this op) is differentiable to any order with no kernel of its own.
  grad: (g, { inputs: [dy, w], attrs }) => {
    const { xShape: _, ...a } = attrs;
    return [
      () => runOp(conv2dDef, [g, w], a),
      () => conv2dBackpropFilter(g, dy, w.shape, a),
    ];
  },
  tests: transposeCases(),
});

/** Attributes of conv2dBackpropFilter: conv2d's and the filter shape. */
export interface BackpropFilterAttrs extends Conv2dAttrs {
  /** Shape of conv2d's filter [kh, kw, Cin, Cout], the shape of the gradient this op returns. */
  wShape: number[];
}
const conv2dBackpropFilterDef = defineOp<BackpropFilterAttrs>({
  name: "conv2dBackpropFilter",
  infer: ([x, dy], attrs) => {
    checkDy("conv2dBackpropFilter", dy.shape, conv2dShape(x.shape, attrs.wShape, attrs));
    return { shape: [...attrs.wShape], dtype: x.dtype };
  },
  cpu: ([x, dy], attrs, out) => referenceConv.filterGrad(x, dy, out, attrs.wShape, attrs, false),
  // Linear in x and in dy: d/dx is conv2d's input gradient of dy with the incoming gradient as
  // the filter, d/d(dy) is conv2d of x with it. With conv2dBackpropInput's own gradient, every
  // second derivative through conv2d exists.
  grad: (g, { inputs: [x, dy], attrs }) => {
    const { wShape: _, ...a } = attrs;
    return [
      () => conv2dBackpropInput(dy, g, x.shape, a),
      () => runOp(conv2dDef, [x, g], a),
    ];
  },
  tests: filterGradCases(),
});

/** Cases of conv2dBackpropFilter: x [N, H, W, Cin] and dy [N, OH, OW, Cout] → wShape. */
function filterGradCases(): OpTestCase<BackpropFilterAttrs>[] {
  return [
    {
      name: "3x3 same",
      inputs: [{ shape: [2, 5, 4, 2] }, { shape: [2, 5, 4, 3] }],
      attrs: { strides: [1, 1], pads: padsOf(1, 1, 1, 1), wShape: [3, 3, 2, 3] },
    },
    {
      name: "5x5 pad 2 stride 2",
      inputs: [{ shape: [1, 7, 6, 2] }, { shape: [1, 4, 3, 2] }],
      attrs: { strides: [2, 2], pads: padsOf(2, 2, 2, 2), wShape: [5, 5, 2, 2] },
    },
    {
      name: "2x3 dilation 2 valid",
      inputs: [{ shape: [1, 7, 6, 2] }, { shape: [1, 5, 2, 2] }],
      attrs: { strides: [1, 1], pads: padsOf(0, 0, 0, 0), dilations: [2, 2], wShape: [2, 3, 2, 2] },
    },
    {
      name: "1x1",
      inputs: [{ shape: [2, 3, 3, 3] }, { shape: [2, 3, 3, 2] }],
      attrs: { strides: [1, 1], pads: padsOf(0, 0, 0, 0), wShape: [1, 1, 3, 2] },
    },
    {
      name: "empty batch",
      inputs: [{ shape: [0, 4, 4, 2] }, { shape: [0, 4, 4, 2] }],
      attrs: { strides: [1, 1], pads: padsOf(1, 1, 1, 1), wShape: [3, 3, 2, 2] },
    },
  ];
}

/** Window options of the convolution ops (TF.js names). */
export interface ConvWindowOptions {
  /** Step of the window, one for both axes or [h, w]; 1 by default. */
  strides?: number | [number, number];
  /** "valid" (default), "same", or explicit pads. */
  padding?: Padding;
  /** Distance between taps, one for both axes or [h, w] (Keras `dilationRate`); 1 by default. */
  dilations?: number | [number, number];
}

/**
 * Conv2d's attributes for a filter of `kernel` [KH, KW] over an [H, W] input (`inHW`): strides,
 * dilations (kept only when some is > 1, so undilated convs keep their attributes) and the
 * pads "same" gives for the dilated extent. Throws for strides and dilations both > 1.
 * Example: `windowAttrs("conv2d", [28, 28], [3, 3], { padding: "same", dilations: 2 })`.
 */
export function windowAttrs(
  op: string,
  inHW: [number, number],
  kernel: [number, number],
  opts: ConvWindowOptions,
): Conv2dAttrs {
  const strides = pairOf(opts.strides ?? 1), dilations = pairOf(opts.dilations ?? 1);
  checkDilation(op, strides, dilations);
  const kh = dilatedExtent(kernel[0], dilations[0]), kw = dilatedExtent(kernel[1], dilations[1]);
  checkPadding(op, opts.padding ?? "valid");
  const pads = resolvePads(opts.padding ?? "valid", inHW[0], inHW[1], kh, kw, strides);
  return dilations[0] > 1 || dilations[1] > 1 ? { strides, pads, dilations } : { strides, pads };
}

/**
 * Convolution of NHWC `x` with filter `w` [KH,KW,Cin,Cout], plus `bias` [Cout] when given, then
 * ReLU with `activation: "relu"`, all in one kernel; `dilations` spreads the taps apart.
 * Example: `conv2d(x, w, { strides: 1, padding: "same", bias: b, activation: "relu" })`.
 */
export function conv2d(
  x: Tensor,
  w: Tensor,
  opts: ConvWindowOptions & { bias?: Tensor; activation?: "relu" } = {},
): Tensor {
  checkRanks(x.shape, w.shape);
  const attrs = windowAttrs("conv2d", [x.shape[1], x.shape[2]], [w.shape[0], w.shape[1]], opts);
  if (opts.activation) attrs.activation = opts.activation;
  return runOp(conv2dDef, opts.bias ? [x, w, opts.bias] : [x, w], attrs);
}

/** Gradient of conv2d with respect to its input. */
export function conv2dBackpropInput(
  dy: Tensor,
  w: Tensor,
  xShape: number[],
  attrs: Conv2dAttrs,
): Tensor {
  return runOp(conv2dBackpropInputDef, [dy, w], { ...attrs, xShape: [...xShape] });
}

/** Gradient of conv2d with respect to its filter. */
export function conv2dBackpropFilter(
  x: Tensor,
  dy: Tensor,
  wShape: number[],
  attrs: Conv2dAttrs,
): Tensor {
  return runOp(conv2dBackpropFilterDef, [x, dy], { ...attrs, wShape: [...wShape] });
}
