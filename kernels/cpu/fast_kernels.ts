import type { FloatArray } from "../dtype.ts";
import type { Conv2dAttrs } from "../ops/conv2d.ts";
import { type MatmulAttrs, matmulDims } from "../ops/matmul.ts";
import { registerFastKernel } from "./backend.ts";
import { conv2dBackpropFilter, conv2dBackpropInput, conv2dForward } from "./conv2d_fast.ts";
import { gemm } from "./gemm.ts";

/**
 * The fast CPU kernels, registered over the reference ones for the "cpu" backend. The registry
 * parity tests compare each against the reference on the same inputs.
 */

registerFastKernel("matmul", ([a, b], attrs, out) => {
  const t = attrs as MatmulAttrs;
  const [m, k, n] = matmulDims(a.shape, b.shape, t);
  gemm(
    a.data as FloatArray,
    b.data as FloatArray,
    out as FloatArray,
    m,
    n,
    k,
    t.transposeA,
    t.transposeB,
  );
});

registerFastKernel("conv2d", ([x, w], attrs, out, outShape) => {
  conv2dForward(
    x.data as FloatArray,
    x.shape,
    w.data as FloatArray,
    w.shape,
    attrs as Conv2dAttrs,
    out as FloatArray,
    outShape,
  );
});

registerFastKernel("conv2dBackpropInput", ([dy, w], attrs, out, outShape) => {
  conv2dBackpropInput(
    dy.data as FloatArray,
    dy.shape,
    w.data as FloatArray,
    w.shape,
    outShape,
    attrs as Conv2dAttrs,
    out as FloatArray,
  );
});

registerFastKernel("conv2dBackpropFilter", ([x, dy], attrs, out, outShape) => {
  conv2dBackpropFilter(
    x.data as FloatArray,
    x.shape,
    dy.data as FloatArray,
    dy.shape,
    outShape,
    attrs as Conv2dAttrs,
    out as FloatArray,
  );
});
