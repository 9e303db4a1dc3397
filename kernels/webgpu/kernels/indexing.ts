import type { KernelConfig } from "../../kernel_registry.ts";
import type { OneHotAttrs, SliceAttrs } from "../../ops/indexing.ts";
import { sizeOf } from "../../shape.ts";
import { elementwise, u, webgpuKernel, type WebGpuKernelFn, wgslType } from "../wgsl.ts";
import { withNumerics } from "./numerics.ts";
import { flagCode } from "../index_error_flag.ts";
import { scatterAddRows } from "./scatter_add.ts";

/** WGSL kernels of gather, scatterAdd, sliceRows, oneHot and argmax (kernels/ops/indexing.ts). */

/** The registry entries of this file's kernels. */
export const indexingWebGpuKernels: KernelConfig<WebGpuKernelFn<never>>[] = [
  // An index out of range writes 0 and sets the error flag, which the backend raises at the
  // next readback (index_error_flag.ts), as the CPU throws. A dataset larger than one storage
  // binding is read in row chunks: rows [pu(0), pu(0) + pu(1)).
  webgpuKernel<Record<string, never>>("gather", ([x], _a, out) => {
    const rows = x.shape[0];
    const row = rows === 0 ? 0 : sizeOf(x.shape) / rows;
    const t = wgslType(out.dtype);
    return {
      ...elementwise(
        sizeOf(out.shape),
        `let r = in1[i / ${u(row)}];
  if (r < 0 || r >= ${rows}) {
    out[i] = ${t}(0);
    if (i % ${u(row)} == 0u) { flag_(${flagCode("gather")}, r, i / ${u(row)}, ${u(rows)}); }
  } else if (u32(r) >= pu(0) && u32(r) < pu(0) + pu(1)) {
    out[i] = in0[(u32(r) - pu(0)) * ${u(row)} + i % ${u(row)}];
  }`,
      ),
      u32: [0, rows],
      chunked: { input: 0, rowBytes: row * 4, rows, param: 0 },
      indexErrors: true,
    };
  }),
  webgpuKernel("scatterAddRows", scatterAddRows),
  // `start` is a parameter, so walking a batch window along an index buffer reuses one pipeline.
  webgpuKernel<SliceAttrs>("sliceRows", ([x], { start }, out) => {
    const row = x.shape[0] === 0 ? 0 : sizeOf(x.shape) / x.shape[0];
    return {
      ...elementwise(sizeOf(out.shape), `out[i] = in0[pu(0) * ${u(row)} + i];`),
      u32: [start],
    };
  }),
  // An id out of range gives a row of zeros and sets the error flag, as gather.
  webgpuKernel<OneHotAttrs>("oneHot", (_ins, { depth, labels }, out) => {
    const t = wgslType(out.dtype);
    const op = flagCode(labels ? "softmaxCrossEntropy" : "oneHot");
    return {
      ...elementwise(
        out.shape.reduce((a, b) => a * b, 1),
        `let c = in0[i / ${u(depth)}];
  out[i] = select(${t}(0), ${t}(1), c == i32(i % ${u(depth)}));
  if (i % ${u(depth)} == 0u && (c < 0 || c >= ${depth})) {
    flag_(${op}, c, i / ${u(depth)}, ${u(depth)});
  }`,
      ),
      indexErrors: true,
    };
  }),
  webgpuKernel<{ axis: number }>("argmax", ([x], { axis }, out) => {
    const n = x.shape[axis];
    const inner = sizeOf(x.shape.slice(axis + 1));
    // The first NaN wins, as on the CPU (NumPy's rule).
    return withNumerics(elementwise(
      sizeOf(out.shape),
      `let base = (i / ${u(inner)}) * ${u(n * inner)} + i % ${u(inner)};
  var best = 0;
  var bestV = bitcast<f32>(0xff800000u);
  for (var k = 0u; k < ${u(n)}; k++) {
    let v = in0[base + k * ${u(inner)}];
    if (!isnan_(bestV) && (v > bestV || isnan_(v))) { bestV = v; best = i32(k); }
  }
  out[i] = best;`,
    ));
  }),
];
