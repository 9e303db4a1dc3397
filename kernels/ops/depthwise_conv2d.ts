import { runOp } from "../engine.ts";
import { defineOp, type OpDef, type OpTestCase } from "../op.ts";
import type { Tensor } from "../tensor_core.ts";
import { type Conv2dAttrs, convOutput, type ConvWindowOptions, windowAttrs } from "./conv2d.ts";
import { padsOf } from "./conv_window.ts";
import {
  checkConvChannels,
  checkConvRanks,
  checkDy,
  checkFloatPair,
  referenceConv,
} from "./conv_taps.ts";

/**
 * Depthwise 2-D convolution on NHWC input with a [KH, KW, Cin, M] filter (TensorFlow/Keras
 * layout, M the depth multiplier): input channel c is convolved with its own M filters, and
 * output channel c·M + m holds filter m of channel c (TF's `depthwise_conv2d` order, which is
 * also PyTorch's Conv2d(groups=Cin) output order). Strides, explicit pads and dilations as
 * conv2d; plus its two backprop ops (input and filter gradients), each with a gradient of its
 * own (all three are bilinear), so depthwise convolutions are twice differentiable.
 */

/** Attributes of depthwiseConv2d and its backprop ops: conv2d's, without the fused activation. */
export type DepthwiseAttrs = Omit<Conv2dAttrs, "activation">;

function checkShapes(op: string, x: number[], w: number[]): void {
  checkConvRanks(op, x, w, "[KH,KW,C,multiplier]");
  checkConvChannels(op, x, w);
}

/** Output shape [N, OH, OW, C·M] of a depthwise conv of input `x` with filter `w`. */
function depthwiseShape(op: string, x: number[], w: number[], attrs: DepthwiseAttrs): number[] {
  checkShapes(op, x, w);
  const [oh, ow] = convOutput(op, x, w, attrs);
  return [x[0], oh, ow, w[2] * w[3]];
}

const cases: OpTestCase<DepthwiseAttrs>[] = [
  {
    name: "3x3 valid, multiplier 1",
    inputs: [{ shape: [2, 5, 5, 3] }, { shape: [3, 3, 3, 1] }],
    attrs: { strides: [1, 1], pads: padsOf(0, 0, 0, 0) },
  },
  {
    name: "3x3 same, multiplier 2",
    inputs: [{ shape: [2, 5, 4, 2] }, { shape: [3, 3, 2, 2] }],
    attrs: { strides: [1, 1], pads: padsOf(1, 1, 1, 1) },
  },
  {
    name: "5x3 stride [2, 1], asymmetric pads, multiplier 3",
    inputs: [{ shape: [1, 7, 6, 2] }, { shape: [5, 3, 2, 3] }],
    attrs: { strides: [2, 1], pads: padsOf(1, 2, 0, 1) },
  },
  {
    name: "3x3 stride 2 same (odd pixel bottom/right)",
    inputs: [{ shape: [2, 6, 6, 3] }, { shape: [3, 3, 3, 1] }],
    attrs: { strides: [2, 2], pads: padsOf(0, 1, 0, 1) },
  },
  {
    name: "3x2 dilation [2, 3] same, multiplier 2",
    inputs: [{ shape: [1, 7, 8, 2] }, { shape: [3, 2, 2, 2] }],
    attrs: { strides: [1, 1], pads: padsOf(2, 2, 1, 2), dilations: [2, 3] },
  },
  {
    name: "empty batch, 3x3 same",
    inputs: [{ shape: [0, 4, 4, 2] }, { shape: [3, 3, 2, 2] }],
    attrs: { strides: [1, 1], pads: padsOf(1, 1, 1, 1) },
  },
];

const depthwiseDef: OpDef<DepthwiseAttrs> = defineOp<DepthwiseAttrs>({
  name: "depthwiseConv2d",
  infer: ([x, w], attrs) => {
    checkFloatPair("depthwiseConv2d", x, w);
    return { shape: depthwiseShape("depthwiseConv2d", x.shape, w.shape, attrs), dtype: x.dtype };
  },
  cpu: ([x, w], attrs, out, outShape) => referenceConv.forward(x, w, out, outShape, attrs, true),
  grad: (dy, { inputs: [x, w], attrs }) => [
    () => depthwiseConv2dBackpropInput(dy, w, x.shape, attrs),
    () => depthwiseConv2dBackpropFilter(x, dy, w.shape, attrs),
  ],
  tests: cases,
});

/** Attributes of depthwiseConv2dBackpropInput: the conv's and its input shape. */
export interface DepthwiseInputAttrs extends DepthwiseAttrs {
  /** Shape of the conv's input [N, H, W, C], the shape of the gradient this op returns. */
  xShape: number[];
}

/**
 * Smaller convs for the backprop ops' own cases (their float64 checks are second derivatives of
 * the conv; small sums keep the finite differences' rounding well below the tolerance).
 */
const backpropBase: OpTestCase<DepthwiseAttrs>[] = [
  {
    name: "3x3 same, multiplier 2",
    inputs: [{ shape: [1, 4, 3, 2] }, { shape: [3, 3, 2, 2] }],
    attrs: { strides: [1, 1], pads: padsOf(1, 1, 1, 1) },
  },
  {
    name: "3x2 stride [2, 1], asymmetric pads",
    inputs: [{ shape: [1, 5, 4, 2] }, { shape: [3, 2, 2, 1] }],
    attrs: { strides: [2, 1], pads: padsOf(1, 0, 0, 1) },
  },
  {
    name: "2x2 dilation [2, 1] valid, multiplier 3",
    inputs: [{ shape: [1, 5, 3, 1] }, { shape: [2, 2, 1, 3] }],
    attrs: { strides: [1, 1], pads: padsOf(0, 0, 0, 0), dilations: [2, 1] },
  },
  cases[cases.length - 1], // the empty batch
];

/** {@link backpropBase} as cases of a backprop op: `inputs(x, w, y)` shapes, `extra` attributes. */
function backpropCases<A>(
  inputs: (x: number[], w: number[], y: number[]) => number[][],
  extra: (x: number[], w: number[]) => Omit<A, keyof DepthwiseAttrs>,
): OpTestCase<A>[] {
  return backpropBase.map((c) => {
    const [x, w] = c.inputs.map((i) => i.shape);
    const y = depthwiseShape("depthwiseConv2d", x, w, c.attrs);
    return {
      name: c.name,
      inputs: inputs(x, w, y).map((shape) => ({ shape })),
      attrs: { ...c.attrs, ...extra(x, w) } as A,
    };
  });
}

const backpropInputDef: OpDef<DepthwiseInputAttrs> = defineOp<DepthwiseInputAttrs>({
  name: "depthwiseConv2dBackpropInput",
  infer: ([dy, w], attrs) => {
    checkFloatPair("depthwiseConv2dBackpropInput", dy, w);
    const op = "depthwiseConv2dBackpropInput";
    checkDy(op, dy.shape, depthwiseShape(op, attrs.xShape, w.shape, attrs));
    return { shape: [...attrs.xShape], dtype: dy.dtype };
  },
  cpu: ([dy, w], attrs, out) => referenceConv.inputGrad(dy, w, out, attrs.xShape, attrs, true),
  // Linear in dy and in w: the forward conv of g, and the filter gradient of g with dy.
  grad: (g, { inputs: [dy, w], attrs: { xShape: _, ...a } }) => [
    () => runOp(depthwiseDef, [g, w], a),
    () => depthwiseConv2dBackpropFilter(g, dy, w.shape, a),
  ],
  tests: backpropCases<DepthwiseInputAttrs>((_x, w, y) => [y, w], (x) => ({ xShape: x })),
});

/** Attributes of depthwiseConv2dBackpropFilter: the conv's and its filter shape. */
export interface DepthwiseFilterAttrs extends DepthwiseAttrs {
  /** Shape of the conv's filter [KH, KW, C, M], the shape of the gradient this op returns. */
  wShape: number[];
}

const backpropFilterDef: OpDef<DepthwiseFilterAttrs> = defineOp<DepthwiseFilterAttrs>({
  name: "depthwiseConv2dBackpropFilter",
  infer: ([x, dy], attrs) => {
    checkFloatPair("depthwiseConv2dBackpropFilter", x, dy);
    const op = "depthwiseConv2dBackpropFilter";
    checkDy(op, dy.shape, depthwiseShape(op, x.shape, attrs.wShape, attrs));
    return { shape: [...attrs.wShape], dtype: x.dtype };
  },
  cpu: ([x, dy], attrs, out) => referenceConv.filterGrad(x, dy, out, attrs.wShape, attrs, true),
  // Linear in x and in dy: the input gradient of dy with g as the filter, and the conv of x.
  grad: (g, { inputs: [x, dy], attrs: { wShape: _, ...a } }) => [
    () => depthwiseConv2dBackpropInput(dy, g, x.shape, a),
    () => runOp(depthwiseDef, [x, g], a),
  ],
  tests: backpropCases<DepthwiseFilterAttrs>((x, _w, y) => [x, y], (_x, w) => ({ wShape: w })),
});

/**
 * Depthwise convolution of NHWC `x` [N, H, W, C] with filter `w` [KH, KW, C, M] (TF.js
 * `depthwiseConv2d`): output [N, OH, OW, C·M], channel c·M + m from filter m of channel c.
 * `dilations` spreads the taps apart (not together with strides > 1, as Keras).
 * Example: `depthwiseConv2d(x, w, { strides: 1, padding: "same" })`.
 */
export function depthwiseConv2d(x: Tensor, w: Tensor, opts: ConvWindowOptions = {}): Tensor {
  checkShapes("depthwiseConv2d", x.shape, w.shape);
  const attrs = windowAttrs(
    "depthwiseConv2d",
    [x.shape[1], x.shape[2]],
    [w.shape[0], w.shape[1]],
    opts,
  );
  return runOp(depthwiseDef, [x, w], attrs);
}

/** Gradient of depthwiseConv2d with respect to its input. */
export function depthwiseConv2dBackpropInput(
  dy: Tensor,
  w: Tensor,
  xShape: number[],
  attrs: DepthwiseAttrs,
): Tensor {
  return runOp(backpropInputDef, [dy, w], { ...attrs, xShape: [...xShape] });
}

/** Gradient of depthwiseConv2d with respect to its filter. */
export function depthwiseConv2dBackpropFilter(
  x: Tensor,
  dy: Tensor,
  wShape: number[],
  attrs: DepthwiseAttrs,
): Tensor {
  return runOp(backpropFilterDef, [x, dy], { ...attrs, wShape: [...wShape] });
}
