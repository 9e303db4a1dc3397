import type { KernelConfig } from "../../kernel_registry.ts";
import { batchMatmulDims } from "../../ops/batch_matmul.ts";
import type { MatmulAttrs } from "../../ops/matmul.ts";
import { u, webgpuKernel, type WebGpuKernelFn } from "../wgsl.ts";

/**
 * WGSL kernel of batchMatmul (kernels/ops/batch_matmul.ts): a 16×16-tiled GEMM with the batch
 * entry as the third workgroup dimension. Each invocation computes one output element; A and B
 * tiles of depth 16 are staged in workgroup memory, read through index expressions so
 * transposed operands are read in place. Attention's matrices are small (T×d per head), so the
 * plain tile is enough; large 2-D products go through matmul's register-tiled GEMM.
 */

const T = 16; // tile edge and depth

/** The registry entries of this file's kernels. */
export const batchMatmulWebGpuKernels: KernelConfig<WebGpuKernelFn<never>>[] = [
  webgpuKernel<MatmulAttrs>("batchMatmul", ([a, b], attrs) => {
    const [batch, M, K, N] = batchMatmulDims(a.shape, b.shape, attrs);
    if (batch > 65535) {
      throw new Error(
        `batchMatmul: ${batch} batch entries exceed WebGPU's 65535 workgroups per dimension; ` +
          `split the batch`,
      );
    }
    // Element (m, k) of op(A) and (k, n) of op(B) within batch entry z.
    const aAt = attrs.transposeA ? `k * ${u(M)} + m` : `m * ${u(K)} + k`;
    const bAt = attrs.transposeB ? `n * ${u(K)} + k` : `k * ${u(N)} + n`;
    const code = `
var<workgroup> As: array<f32, ${T * T}>;
var<workgroup> Bs: array<f32, ${T * T}>;
@compute @workgroup_size(${T}, ${T})
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let z = wg.z;
  let row = wg.y * ${u(T)} + lid.y;
  let col = wg.x * ${u(T)} + lid.x;
  let aBase = z * ${u(M * K)};
  let bBase = z * ${u(K * N)};
  var acc = 0.0;
  for (var k0 = 0u; k0 < ${u(K)}; k0 += ${u(T)}) {
    {
      let m = row;
      let k = k0 + lid.x;
      var v = 0.0;
      if (m < ${u(M)} && k < ${u(K)}) { v = in0[aBase + ${aAt}]; }
      As[lid.y * ${u(T)} + lid.x] = v;
    }
    {
      let k = k0 + lid.y;
      let n = col;
      var v = 0.0;
      if (k < ${u(K)} && n < ${u(N)}) { v = in1[bBase + ${bAt}]; }
      Bs[lid.y * ${u(T)} + lid.x] = v;
    }
    workgroupBarrier();
    for (var p = 0u; p < ${u(T)}; p++) {
      acc = fma(As[lid.y * ${u(T)} + p], Bs[p * ${u(T)} + lid.x], acc);
    }
    workgroupBarrier();
  }
  if (row < ${u(M)} && col < ${u(N)}) { out[z * ${u(M * N)} + row * ${u(N)} + col] = acc; }
}`;
    return { code, workgroups: [Math.ceil(N / T), Math.ceil(M / T), batch] };
  }),
];
