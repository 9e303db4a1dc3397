import { type GpuKernel, u } from "./wgsl.ts";
import { NUMERICS_WGSL } from "./kernels/numerics.ts";

/** The fused ReLU of a conv2d epilogue: the relu op's WGSL rule (NaN passes, −0 gives +0). */
const RELU_WGSL = `${NUMERICS_WGSL}
fn relu_(v: f32) -> f32 { return select(0.0, v, v > 0.0 || isnan_(v)); }`;

/**
 * A register-tiled GEMM kernel generator: C[M,N] = Σₖ A(m,k)·B(k,n), where A and B are WGSL
 * expressions rather than arrays. Matmul (with either operand transposed, read in place) and
 * the three convolution kernels (implicit GEMM over NHWC, never materialising im2col) are all
 * this one kernel with different loaders.
 *
 * Each workgroup of up to 256 invocations computes a tile of C (64×64, or taller tiles of 16 or
 * 32 columns for narrow outputs, fewer rows for short ones), each invocation a 4×4 block held in
 * registers; A and B tiles of depth 32 are staged in workgroup memory as vec4s, read from global
 * memory as vec4s too when the operand is row-major with rows of whole vec4s (`loadA4`,
 * `loadB4`: matmul, the conv filter and dy). Tile rows shrink to what the device's workgroup
 * memory and invocation limits allow (`setGemmLimits`).
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
  /**
   * Vectorised loads: a WGSL expression of the vec4f A(m, k…k+3), usable when aKContiguous and
   * K is a multiple of 4 (so a k in range has its three successors in range). The operand's
   * input must then be listed in `vec4Inputs`, and `loadA` is not used.
   */
  loadA4?: string;
  /** Likewise B(k, n…n+3), when bNContiguous and N is a multiple of 4. */
  loadB4?: string;
  /** Inputs the vec4 loaders read, bound as `array<vec4f>`. */
  vec4Inputs?: number[];
  /** WGSL expression of a term added once to column n of C (a bias: `in2[n]`). */
  addColumn?: string;
  /** Apply ReLU to C (after addColumn); K is then never split, ReLU needs the whole sum. */
  relu?: boolean;
  /**
   * WGSL bool of (m, k), both u32 and in range: whether A(m, k) is a real term, for an A that is
   * zero-extended (conv2dBackpropInput's dy at windows that do not exist). A term that does not
   * exist must add nothing, but its 0 times a NaN or infinite B is NaN: so an output whose tiled
   * sum is NaN is summed again, term by term over the terms that exist (rare: only where B is
   * not finite or a real term is NaN). `loadA` must then be a scalar expression.
   */
  presentA?: string;
}

const TK = 32; // tile depth
const R = 4; // register block per invocation (R×R)
const TILE_AREA = 256 * R * R; // 64×64: 256 invocations of 4×4

/** The device limits tiles must respect. */
export interface GemmLimits {
  /** maxComputeWorkgroupStorageSize, bytes. */
  workgroupStorage: number;
  /** maxComputeInvocationsPerWorkgroup. */
  invocations: number;
}

/** WebGPU's guaranteed minimums: what any device accepts. */
export const DEFAULT_GEMM_LIMITS: GemmLimits = { workgroupStorage: 16384, invocations: 256 };

let limits: GemmLimits = DEFAULT_GEMM_LIMITS;

/**
 * Sets the limits later kernels are generated for; the WebGPU backend calls it with its
 * device's limits (the last device created wins, which is the one in use).
 */
export function setGemmLimits(l: GemmLimits): void {
  limits = l;
}

/** Workgroup memory of a tm×tn tile: A is tm×TK floats, B is TK×tn. */
export function tileBytes(tm: number, tn: number): number {
  return (tm + tn) * TK * 4;
}

/**
 * Tile shape: 64 columns, or 16/32 when N is that narrow (conv layers with 16 or 32 filters),
 * with rows growing to 4096/columns to keep 256 invocations busy, but no more rows than M
 * needs (a filter gradient's M is KH·KW·Cin, often 9–400), so few invocations compute padding,
 * and no more than `lim` allows: rows halve until the tile fits the workgroup memory and
 * invocation limits (64×64 fits WebGPU's minimum 16 KB exactly; 128×32 and 128×16 need more).
 */
export function tileShape(
  M: number,
  N: number,
  lim: GemmLimits = limits,
): { tm: number; tn: number } {
  const tn = N <= 16 ? 16 : N <= 32 ? 32 : 64;
  let tm = Math.min(TILE_AREA / tn, Math.max(16, 2 ** Math.ceil(Math.log2(Math.max(M, 1)))));
  while (
    tm > R && (tileBytes(tm, tn) > lim.workgroupStorage || (tm / R) * (tn / 4) > lim.invocations)
  ) tm /= 2;
  return { tm, tn };
}

/**
 * How many slices of K to compute in parallel: enough workgroups to fill a device when the
 * output is only a few tiles but K is long (conv filter gradients: K = batch·OH·OW), each
 * slice keeping at least 256 of K so the extra summing pass stays small.
 */
export function chooseSplits(M: number, N: number, K: number): number {
  const { tm, tn } = tileShape(M, N);
  const tiles = Math.ceil(M / tm) * Math.ceil(N / tn);
  if (tiles >= 64 || K < 512) return 1;
  return Math.max(1, Math.min(Math.ceil(64 / tiles), Math.floor(K / 256), 64));
}

/** The kernel for `spec`; writes `out[m*N + n]` (with split-K, partial sums the backend adds). */
export function gemmKernel(spec: GemmSpec): GpuKernel {
  const { M, N, K } = spec;
  const splits = spec.relu ? 1 : chooseSplits(M, N, K);
  // Each slice covers a whole number of TK-deep steps.
  const slice = Math.ceil(Math.ceil(K / splits) / TK) * TK;
  const { tm, tn } = tileShape(M, N);
  const threads = (tm / R) * (tn / 4);
  const k4 = TK / 4, n4 = tn / 4;
  // Tiles live in workgroup memory as vec4s (A: 4 consecutive k of one row; B: 4 consecutive n
  // of one k), so the inner loop does 8 vector loads per 16 vector FMAs. Consecutive
  // invocations fill consecutive global addresses where the operand's layout allows it.
  const aIdx = spec.aKContiguous
    ? `let mm = e / ${u(k4)}; let kq = e % ${u(k4)};`
    : `let mm = e % ${u(tm)}; let kq = e / ${u(tm)};`;
  const bIdx = spec.bNContiguous
    ? `let kk = e / ${u(n4)}; let nq = e % ${u(n4)};`
    : `let kk = e % ${u(TK)}; let nq = e / ${u(TK)};`;
  const a4 = spec.loadA4 !== undefined && spec.aKContiguous && K % 4 === 0;
  const b4 = spec.loadB4 !== undefined && spec.bNContiguous && N % 4 === 0;
  if ((spec.loadA4 !== undefined && !a4) || (spec.loadB4 !== undefined && !b4)) {
    throw new Error("gemmKernel: a vec4 loader needs a contiguous operand and a multiple of 4");
  }
  // k < K implies k + 3 < K when K % 4 = 0 (likewise n and N), so one bounds test covers a vec4.
  const storeA = a4
    ? `var v = vec4f(0.0);
      if (m < ${u(M)} && k < ${u(K)}) { v = ${spec.loadA4}; }
      As[mm * ${u(k4)} + kq] = v;`
    : `As[mm * ${u(k4)} + kq] = vec4f(loadA_(m, k), loadA_(m, k + 1u), loadA_(m, k + 2u),
        loadA_(m, k + 3u));`;
  const storeB = b4
    ? `var v = vec4f(0.0);
      if (k < ${u(K)} && n < ${u(N)}) { v = ${spec.loadB4}; }
      Bs[kk * ${u(n4)} + nq] = v;`
    : `Bs[kk * ${u(n4)} + nq] = vec4f(loadB_(k, n), loadB_(k, n + 1u), loadB_(k, n + 2u),
        loadB_(k, n + 3u));`;
  // With split-K the slices' partial sums are added later: only slice 0 adds the column term.
  const sum = spec.addColumn === undefined
    ? "acc[i][j]"
    : splits > 1
    ? `acc[i][j] + select(0.0, ${spec.addColumn}, wg.z == 0u)`
    : `acc[i][j] + ${spec.addColumn}`;
  // The relu op's rule: NaN passes, −0 gives +0.
  const store = spec.relu ? `relu_(${sum})` : sum;
  const exact = spec.presentA !== undefined;
  // The scalar loaders are needed for the exact sum even where the tiles load vec4s.
  const scalarA = !a4 || exact, scalarB = !b4 || exact;
  const code = `${spec.relu ? RELU_WGSL : exact ? NUMERICS_WGSL : ""}
var<workgroup> As: array<vec4f, ${tm * k4}>;
var<workgroup> Bs: array<vec4f, ${TK * n4}>;
${spec.prelude ?? ""}
${
    scalarA
      ? `fn loadA_(m: u32, k: u32) -> f32 {
  if (m >= ${u(M)} || k >= ${u(K)}) { return 0.0; }
  return ${spec.loadA};
}`
      : ""
  }
${
    scalarB
      ? `fn loadB_(k: u32, n: u32) -> f32 {
  if (k >= ${u(K)} || n >= ${u(N)}) { return 0.0; }
  return ${spec.loadB};
}`
      : ""
  }
${
    exact
      ? `// Σ A(m, k)·B(k, n) over the k in [k0, k1) where A(m, k) exists, in k order.
fn exactSum_(m: u32, n: u32, k0: u32, k1: u32) -> f32 {
  var s = 0.0;
  for (var k = k0; k < k1; k++) {
    if (${spec.presentA}) { s = fma(loadA_(m, k), loadB_(k, n), s); }
  }
  return s;
}`
      : ""
  }
@compute @workgroup_size(${n4}, ${threads / n4})
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let tid = lid.y * ${u(n4)} + lid.x;
  let m0 = wg.y * ${u(tm)};
  let n0 = wg.x * ${u(tn)};
  var acc: array<vec4f, ${R}>;
  let kBegin = wg.z * ${u(slice)};
  let kEnd = min(kBegin + ${u(slice)}, ${u(K)});
  for (var k0 = kBegin; k0 < kEnd; k0 += ${u(TK)}) {
    for (var e = tid; e < ${u(tm * k4)}; e += ${u(threads)}) {
      ${aIdx}
      let m = m0 + mm;
      let k = k0 + kq * 4u;
      ${storeA}
    }
    for (var e = tid; e < ${u(TK * n4)}; e += ${u(threads)}) {
      ${bIdx}
      let k = k0 + kk;
      let n = n0 + nq * 4u;
      ${storeB}
    }
    workgroupBarrier();
    for (var kq = 0u; kq < ${u(k4)}; kq++) {
      let b0 = Bs[(kq * 4u) * ${u(n4)} + lid.x];
      let b1 = Bs[(kq * 4u + 1u) * ${u(n4)} + lid.x];
      let b2 = Bs[(kq * 4u + 2u) * ${u(n4)} + lid.x];
      let b3 = Bs[(kq * 4u + 3u) * ${u(n4)} + lid.x];
      for (var i = 0u; i < ${u(R)}; i++) {
        let a = As[(lid.y * ${u(R)} + i) * ${u(k4)} + kq];
        acc[i] = fma(vec4f(a.x), b0, fma(vec4f(a.y), b1, fma(vec4f(a.z), b2,
          fma(vec4f(a.w), b3, acc[i]))));
      }
    }
    workgroupBarrier();
  }
  for (var i = 0u; i < ${u(R)}; i++) {
    let m = m0 + lid.y * ${u(R)} + i;
    if (m >= ${u(M)}) { break; }
    for (var j = 0u; j < 4u; j++) {
      let n = n0 + lid.x * 4u + j;
      if (n < ${u(N)}) {${
    exact
      ? `
        if (isnan_(acc[i][j])) { acc[i][j] = exactSum_(m, n, kBegin, kEnd); }`
      : ""
  }
        out[wg.z * ${u(M * N)} + m * ${u(N)} + n] = ${store};
      }
    }
  }
}`;
  const vec4Inputs = spec.vec4Inputs ?? [];
  return { code, workgroups: [Math.ceil(N / tn), Math.ceil(M / tm), splits], splits, vec4Inputs };
}
