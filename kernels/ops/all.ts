/** Every op family; importing this defines all ops (kernels/ops/mod.ts adds the backends). */
export * from "./elementwise.ts";
// Only the ops: reduce.ts also exports helpers that reduce_derived.ts shares.
export { broadcastTo, sum, sumTo } from "./reduce.ts";
export * from "./reduce_derived.ts";
export * from "./matmul.ts";
export { batchMatmul } from "./batch_matmul.ts";
// Not addBias: the reference conv's helper, shared with the fast CPU kernel only.
export {
  type BackpropFilterAttrs,
  type BackpropInputAttrs,
  conv2d,
  type Conv2dAttrs,
  conv2dBackpropFilter,
  conv2dBackpropInput,
  convOutput,
  type ConvWindowOptions,
  dilationsOf,
  windowAttrs,
} from "./conv2d.ts";
export * from "./conv_window.ts";
export * from "./conv1d.ts";
export * from "./depthwise_conv2d.ts";
export { bilinearTaps, resizeBilinear } from "./resize_bilinear.ts";
export * from "./conv2d_transpose.ts";
export * from "./pool.ts";
export { avgPool2d } from "./pool_avg.ts";
export * from "./pool1d.ts";
export * from "./softmax.ts";
// Not oneHotLabels: softmaxCrossEntropy's internal oneHot.
export {
  argmax,
  gather,
  oneHot,
  type OneHotAttrs,
  type SliceAttrs,
  sliceRows,
} from "./indexing.ts";
export * from "./dropout.ts";
export { embeddingLookup } from "./embedding.ts";
export * from "./optimizer_step.ts";
export * from "./optimizer_step_group.ts";
export { cropFlip, type CropFlipDraw, cropFlipDraw, type CropFlipOptions } from "./augment.ts";
export * from "./batch_norm.ts";
export { layerNorm, type LayerNormAttrs } from "./layer_norm.ts";
export { groupNorm } from "./group_norm.ts";
export { lstmCell } from "./lstm_cell.ts";
export * from "./shape_ops.ts";
export * from "./compare.ts";
export * from "./math_ops.ts";
export { argmin, cumsum, type CumsumAttrs, prod } from "./axis_reduce.ts";
export { takeAlongAxis, topk } from "./topk.ts";
export {
  arange,
  eye,
  linspace,
  type RandomAttrs,
  randomNormal,
  randomUniform,
  range,
} from "./creation.ts";
export * from "./activations.ts";
