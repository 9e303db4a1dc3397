import { type GpuKernel, u } from "./wgsl.ts";

/**
 * A register-tiled GEMM kernel generator: C[M,N] = Σₖ A(m,k)·B(k,n), where A and B are WGSL
 * expressions rather than arrays. Matmul (with either operand transposed, read in place) and
 * the three convolution kernels (implicit GEMM over NHWC, never materialising im2col) are all
 * this one kernel with different loaders.
 *
 * Each workgroup of 16×16 invocations computes a 64×64 tile of C, each invocation a 4×4 block
 * held in registers; A and B tiles of depth 16 are staged in workgroup memory.
 */
export interface GemmSpec {
  M: number;
  N: number;
  K: number;
  /** WGSL expression of A at (m, k), both u32 and in range. */
  loadA: string;
  /** WGSL expression of B at (k, n), both u32 and in range. */
  loadB: string;
  /** True when consecutive k are adjacent in memory for A (row-major A); picks the load order. */
  aKContiguous: boolean;
  /** True when consecutive n are adjacent in memory for B. */
  bNContiguous: boolean;
  /** Helper WGSL functions the loaders call. */
  prelude?: string;
}

const T = 64; // tile rows and columns
const TK = 16; // tile depth
const R = 4; // register block per invocation (R×R)
const THREADS = (T / R) * (T / R);

/** The kernel for `spec`; writes `out[m*N + n]`. */
export function gemmKernel(spec: GemmSpec): GpuKernel {
  const { M, N, K } = spec;
  const loads = (T * TK) / THREADS;
  // Consecutive invocations load consecutive addresses where the layout allows it.
  const aIdx = spec.aKContiguous
    ? `let kk = e % ${u(TK)}; let mm = e / ${u(TK)};`
    : `let mm = e % ${u(T)}; let kk = e / ${u(T)};`;
  const bIdx = spec.bNContiguous
    ? `let nn = e % ${u(T)}; let kk = e / ${u(T)};`
    : `let kk = e % ${u(TK)}; let nn = e / ${u(TK)};`;
  const code = `
var<workgroup> As: array<f32, ${T * TK}>;
var<workgroup> Bs: array<f32, ${T * TK}>;
${spec.prelude ?? ""}
fn loadA_(m: u32, k: u32) -> f32 {
  if (m >= ${u(M)} || k >= ${u(K)}) { return 0.0; }
  return ${spec.loadA};
}
fn loadB_(k: u32, n: u32) -> f32 {
  if (k >= ${u(K)} || n >= ${u(N)}) { return 0.0; }
  return ${spec.loadB};
}
@compute @workgroup_size(${T / R}, ${T / R})
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let tid = lid.y * ${u(T / R)} + lid.x;
  let m0 = wg.y * ${u(T)};
  let n0 = wg.x * ${u(T)};
  var acc: array<array<f32, ${R}>, ${R}>;
  for (var k0 = 0u; k0 < ${u(K)}; k0 += ${u(TK)}) {
    for (var l = 0u; l < ${u(loads)}; l++) {
      let e = tid + l * ${u(THREADS)};
      {
        ${aIdx}
        As[kk * ${u(T)} + mm] = loadA_(m0 + mm, k0 + kk);
      }
      {
        ${bIdx}
        Bs[kk * ${u(T)} + nn] = loadB_(k0 + kk, n0 + nn);
      }
    }
    workgroupBarrier();
    for (var kk = 0u; kk < ${u(TK)}; kk++) {
      var a: array<f32, ${R}>;
      var b: array<f32, ${R}>;
      for (var i = 0u; i < ${u(R)}; i++) {
        a[i] = As[kk * ${u(T)} + lid.y * ${u(R)} + i];
        b[i] = Bs[kk * ${u(T)} + lid.x * ${u(R)} + i];
      }
      for (var i = 0u; i < ${u(R)}; i++) {
        for (var j = 0u; j < ${u(R)}; j++) {
          acc[i][j] = fma(a[i], b[j], acc[i][j]);
        }
      }
    }
    workgroupBarrier();
  }
  for (var i = 0u; i < ${u(R)}; i++) {
    let m = m0 + lid.y * ${u(R)} + i;
    if (m >= ${u(M)}) { break; }
    for (var j = 0u; j < ${u(R)}; j++) {
      let n = n0 + lid.x * ${u(R)} + j;
      if (n < ${u(N)}) { out[m * ${u(N)} + n] = acc[i][j]; }
    }
  }
}`;
  return { code, workgroups: [Math.ceil(N / T), Math.ceil(M / T)] };
}
