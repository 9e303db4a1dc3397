import type { FloatArray } from "../dtype.ts";
import { gradEnabled } from "../engine.ts";
import { type Conv2dAttrs, dilationsOf } from "../ops/conv2d.ts";
import { type MatmulAttrs, matmulDims } from "../ops/matmul.ts";
import { type CpuKernel, fastKernel } from "./cpu_kernel.ts";
import type { KernelConfig } from "../kernel_registry.ts";
import { conv2dBackpropFilter, conv2dBackpropInput, conv2dForward } from "./conv2d_fast.ts";
import { cpuGemm } from "./gemm_dispatch.ts";

/**
 * The fast CPU kernels of matmul and conv2d (forward and both backprops): GEMM through
 * cpu/gemm_dispatch.ts, convolutions through cpu/conv2d_fast.ts. The registry parity tests
 * compare each against the op's reference kernel on the same inputs.
 */

const OVERWRITES = { overwrites: true };

const matmulFast: CpuKernel = ([a, b], attrs, out) => {
  const t = attrs as MatmulAttrs;
  const [m, k, n] = matmulDims(a.shape, b.shape, t);
  const lda = t.transposeA ? m : k, ldb = t.transposeB ? k : n;
  const A = a.data as FloatArray, B = b.data as FloatArray;
  cpuGemm(t.transposeA, t.transposeB, m, n, k, 1, A, 0, lda, B, 0, ldb, 0, out as FloatArray, 0, n);
};

const conv2dFast: CpuKernel = ([x, w, b], attrs, out) => {
  const { strides, pads, activation } = attrs as Conv2dAttrs;
  const X = x.data as FloatArray, W = w.data as FloatArray, B = b?.data as FloatArray | undefined;
  const o = out as FloatArray, relu = activation === "relu", d = dilationsOf(attrs as Conv2dAttrs);
  // Keep the column matrix for the filter gradient only while autograd records.
  conv2dForward(X, x.shape, W, w.shape, strides, pads, o, gradEnabled(), B, relu, d);
};

const conv2dBackpropInputFast: CpuKernel = ([dy, w], attrs, out, outShape) => {
  const { strides, pads } = attrs as Conv2dAttrs;
  const DY = dy.data as FloatArray, W = w.data as FloatArray;
  const d = dilationsOf(attrs as Conv2dAttrs);
  conv2dBackpropInput(DY, dy.shape, W, w.shape, outShape, strides, pads, out as FloatArray, d);
};

const conv2dBackpropFilterFast: CpuKernel = ([x, dy], attrs, out, outShape) => {
  const { strides, pads } = attrs as Conv2dAttrs;
  const X = x.data as FloatArray, DY = dy.data as FloatArray;
  const d = dilationsOf(attrs as Conv2dAttrs);
  conv2dBackpropFilter(X, x.shape, DY, dy.shape, outShape, strides, pads, out as FloatArray, d);
};

/** The registry entries of this file's kernels (registered by cpu/register_all.ts). */
export const matmulConvFastKernels: KernelConfig<CpuKernel>[] = [
  fastKernel("matmul", matmulFast, OVERWRITES),
  fastKernel("conv2d", conv2dFast, OVERWRITES),
  fastKernel("conv2dBackpropInput", conv2dBackpropInputFast, OVERWRITES),
  fastKernel("conv2dBackpropFilter", conv2dBackpropFilterFast, OVERWRITES),
];
