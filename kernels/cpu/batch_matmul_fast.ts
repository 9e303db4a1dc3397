import type { FloatArray } from "../dtype.ts";
import type { KernelConfig } from "../kernel_registry.ts";
import { batchMatmulDims } from "../ops/batch_matmul.ts";
import type { MatmulAttrs } from "../ops/matmul.ts";
import { type CpuKernel, fastKernel } from "./cpu_kernel.ts";
import { cpuGemm } from "./gemm_dispatch.ts";

/**
 * Fast CPU kernel of batchMatmul (kernels/ops/batch_matmul.ts): one GEMM per batch entry through
 * cpu/gemm_dispatch.ts (OpenBLAS when it pays, else the TypeScript GEMM), each reading its
 * operands at the entry's offset, transposed in place.
 */
const batchMatmulFast: CpuKernel = ([a, b], attrs, out) => {
  const t = attrs as MatmulAttrs;
  const [batch, m, k, n] = batchMatmulDims(a.shape, b.shape, t);
  const lda = t.transposeA ? m : k, ldb = t.transposeB ? k : n;
  const A = a.data as FloatArray, B = b.data as FloatArray, C = out as FloatArray;
  for (let i = 0; i < batch; i++) {
    cpuGemm(
      t.transposeA,
      t.transposeB,
      m,
      n,
      k,
      1,
      A,
      i * m * k,
      lda,
      B,
      i * k * n,
      ldb,
      0,
      C,
      i * m * n,
      n,
    );
  }
};

/** The registry entries of this file's kernels (registered by cpu/register_all.ts). */
export const batchMatmulFastKernels: KernelConfig<CpuKernel>[] = [
  fastKernel("batchMatmul", batchMatmulFast, { overwrites: true }),
];
