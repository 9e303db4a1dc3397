import type { FloatArray } from "../dtype.ts";
import { gradEnabled } from "../engine.ts";
import { type Conv2dAttrs, dilationsOf } from "../ops/conv2d.ts";
import { getOp } from "../op.ts";
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

/**
 * The im2col passes (and their WASM and two-thread versions) read a window's taps as one
 * contiguous run of the input row, which a dilated filter's taps are not; a dilated conv runs
 * the op's reference kernel instead, into a zeroed output (these kernels are registered as
 * overwriting theirs, the reference adds into it).
 */
function viaReference(name: string, fast: CpuKernel): CpuKernel {
  return (inputs, attrs, out, outShape) => {
    const [dh, dw] = dilationsOf(attrs as Conv2dAttrs);
    if (dh === 1 && dw === 1) return fast(inputs, attrs, out, outShape);
    out.fill(0);
    getOp(name)!.cpu(inputs, attrs, out, outShape);
  };
}

const conv2dFast: CpuKernel = ([x, w, b], attrs, out) => {
  const { strides, pads, activation } = attrs as Conv2dAttrs;
  const X = x.data as FloatArray, W = w.data as FloatArray, B = b?.data as FloatArray | undefined;
  const o = out as FloatArray, relu = activation === "relu";
  // Keep the column matrix for the filter gradient only while autograd records.
  conv2dForward(X, x.shape, W, w.shape, strides, pads, o, gradEnabled(), B, relu);
};

const conv2dBackpropInputFast: CpuKernel = ([dy, w], attrs, out, outShape) => {
  const { strides, pads } = attrs as Conv2dAttrs;
  const DY = dy.data as FloatArray, W = w.data as FloatArray;
  conv2dBackpropInput(DY, dy.shape, W, w.shape, outShape, strides, pads, out as FloatArray);
};

const conv2dBackpropFilterFast: CpuKernel = ([x, dy], attrs, out, outShape) => {
  const { strides, pads } = attrs as Conv2dAttrs;
  const X = x.data as FloatArray, DY = dy.data as FloatArray;
  conv2dBackpropFilter(X, x.shape, DY, dy.shape, outShape, strides, pads, out as FloatArray);
};

/** The registry entries of this file's kernels (registered by cpu/register_all.ts). */
export const matmulConvFastKernels: KernelConfig<CpuKernel>[] = [
  fastKernel("matmul", matmulFast, OVERWRITES),
  fastKernel("conv2d", viaReference("conv2d", conv2dFast), OVERWRITES),
  fastKernel(
    "conv2dBackpropInput",
    viaReference("conv2dBackpropInput", conv2dBackpropInputFast),
    OVERWRITES,
  ),
  fastKernel(
    "conv2dBackpropFilter",
    viaReference("conv2dBackpropFilter", conv2dBackpropFilterFast),
    OVERWRITES,
  ),
];
