import type { FloatArray } from "../dtype.ts";
import { gradEnabled } from "../engine.ts";
import type { Conv2dAttrs } from "../ops/conv2d.ts";
import { type MatmulAttrs, matmulDims } from "../ops/matmul.ts";
import { registerFastKernel } from "./backend.ts";
import { conv2dBackpropFilter, conv2dBackpropInput, conv2dForward } from "./conv2d_fast.ts";
import { cpuGemm } from "./gemm_dispatch.ts";
// Register the dropout, elementwise, sum, optimiser and pooling fast kernels.
import "./dropout_fast.ts";
import "./elementwise_fast.ts";
import "./optimizer_fast.ts";
import "./pool_fast.ts";

/**
 * The fast CPU kernels, registered over the reference ones for the "cpu" backend. The registry
 * parity tests compare each against the reference on the same inputs.
 */

const OVERWRITES = { overwrites: true };

registerFastKernel("matmul", ([a, b], attrs, out) => {
  const t = attrs as MatmulAttrs;
  const [m, k, n] = matmulDims(a.shape, b.shape, t);
  const lda = t.transposeA ? m : k, ldb = t.transposeB ? k : n;
  const A = a.data as FloatArray, B = b.data as FloatArray;
  cpuGemm(t.transposeA, t.transposeB, m, n, k, 1, A, 0, lda, B, 0, ldb, 0, out as FloatArray, 0, n);
}, OVERWRITES);

registerFastKernel("conv2d", ([x, w, b], attrs, out) => {
  const { strides, pads, activation } = attrs as Conv2dAttrs;
  const X = x.data as FloatArray, W = w.data as FloatArray, B = b?.data as FloatArray | undefined;
  const o = out as FloatArray, relu = activation === "relu";
  // Keep the column matrix for the filter gradient only while autograd records.
  conv2dForward(X, x.shape, W, w.shape, strides, pads, o, gradEnabled(), B, relu);
}, OVERWRITES);

registerFastKernel("conv2dBackpropInput", ([dy, w], attrs, out, outShape) => {
  const { strides, pads } = attrs as Conv2dAttrs;
  const DY = dy.data as FloatArray, W = w.data as FloatArray;
  conv2dBackpropInput(DY, dy.shape, W, w.shape, outShape, strides, pads, out as FloatArray);
}, OVERWRITES);

registerFastKernel("conv2dBackpropFilter", ([x, dy], attrs, out, outShape) => {
  const { strides, pads } = attrs as Conv2dAttrs;
  const X = x.data as FloatArray, DY = dy.data as FloatArray;
  conv2dBackpropFilter(X, x.shape, DY, dy.shape, outShape, strides, pads, out as FloatArray);
}, OVERWRITES);
