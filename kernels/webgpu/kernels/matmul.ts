import type { KernelConfig } from "../../kernel_registry.ts";
import { type MatmulAttrs, matmulDims } from "../../ops/matmul.ts";
import { gemmKernel } from "../gemm.ts";
import { webgpuKernel, type WebGpuKernelFn } from "../wgsl.ts";

/** WGSL kernel of matmul (kernels/ops/matmul.ts): the register-tiled GEMM of webgpu/gemm.ts. */

/** The registry entries of this file's kernels. */
export const matmulWebGpuKernels: KernelConfig<WebGpuKernelFn<never>>[] = [
  // Transposed operands are read in place: only the loaders' index order changes.
  webgpuKernel<MatmulAttrs>("matmul", ([a, b], attrs) => {
    const [M, K, N] = matmulDims(a.shape, b.shape, attrs);
    // Row-major operands whose rows are whole vec4s are read 16 bytes at a time.
    const a4 = !attrs.transposeA && K % 4 === 0, b4 = !attrs.transposeB && N % 4 === 0;
    return gemmKernel({
      M,
      N,
      K,
      loadA: attrs.transposeA ? `in0[k * ${M}u + m]` : `in0[m * ${K}u + k]`,
      loadB: attrs.transposeB ? `in1[n * ${K}u + k]` : `in1[k * ${N}u + n]`,
      loadA4: a4 ? `in0[m * ${K / 4}u + k / 4u]` : undefined,
      loadB4: b4 ? `in1[k * ${N / 4}u + n / 4u]` : undefined,
      vec4Inputs: [...(a4 ? [0] : []), ...(b4 ? [1] : [])],
      aKContiguous: !attrs.transposeA,
      bNContiguous: !attrs.transposeB,
    });
  }),
];
