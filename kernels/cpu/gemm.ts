import type { FloatArray } from "../dtype.ts";

/**
 * Single-threaded GEMM for the fast CPU backend, laid out like GotoBLAS: op(B) is packed in
 * KC×NC blocks and op(A) in MC×KC blocks into contiguous micro-panels, and a 3×2 register
 * micro-kernel runs over them. JavaScript has no SIMD, so the micro-kernel's job is to keep
 * its accumulators in registers and touch memory as little as possible.
 *
 * Both element types are packed into the same Float64Array scratch: the micro-kernel then only
 * ever sees one array type (V8 keeps it monomorphic and fully optimised), reading doubles costs
 * no conversion, and float32 products are summed in double precision within a K block.
 */

/** Rows of C per micro-tile; see `micro3x2` for why the tile is this small. */
const MR = 3;
/** Columns of C per micro-tile. */
const NR = 2;
/**
 * Most depth of a K block: a KC×NR panel of B (6 KB) stays in L1 across the A panels. K is cut
 * into equal blocks (K = 288 is one block of 288, not 256 + 32), so no block is short.
 */
const KC = 384;
/** Rows of an A block (multiple of MR): MC×KC doubles (≤ 370 KB) stay in L2. */
const MC = 120;
/** Columns of a B block (multiple of NR). */
const NC = 1024;

// Grow-only scratch, so steady-state calls allocate nothing.
let packA = new Float64Array(0);
let packB = new Float64Array(0);
const tile = new Float64Array(MR * NR);

/**
 * C = alpha·op(A)·op(B) + beta·C on row-major storage, like `cblas_?gemm(CblasRowMajor, ...)`.
 * op(A) is M×K (A stored K×M when `transA`), op(B) is K×N (B stored N×K when `transB`);
 * element (r, c) of a stored matrix X is `X[xOffset + r·ldx + c]`. With beta = 0, C is written
 * without being read, so NaN or garbage there is ignored. C must not overlap A or B. Any
 * M, N, K ≥ 0 works; A, B and C may be Float32Array or Float64Array in any mix.
 *
 * Example, C[M,N] = A[M,K]·B[K,N]: `gemm(false, false, M, N, K, 1, A, 0, K, B, 0, N, 0, C, 0, N)`.
 */
export function gemm(
  transA: boolean,
  transB: boolean,
  M: number,
  N: number,
  K: number,
  alpha: number,
  A: FloatArray,
  aOffset: number,
  lda: number,
  B: FloatArray,
  bOffset: number,
  ldb: number,
  beta: number,
  C: FloatArray,
  cOffset: number,
  ldc: number,
): void {
  if (M <= 0 || N <= 0) return;
  if (K <= 0 || alpha === 0) {
    scaleC(M, N, beta, C, cOffset, ldc);
    return;
  }
  const kb = Math.ceil(K / Math.ceil(K / KC));
  const aNeed = kb * Math.ceil(Math.min(M, MC) / MR) * MR;
  const bNeed = kb * Math.ceil(Math.min(N, NC) / NR) * NR;
  if (packA.length < aNeed) packA = new Float64Array(aNeed);
  if (packB.length < bNeed) packB = new Float64Array(bNeed);
  const pa = packA, pb = packB;
  for (let jc = 0; jc < N; jc += NC) {
    const nc = Math.min(NC, N - jc);
    for (let pc = 0; pc < K; pc += kb) {
      const kc = Math.min(kb, K - pc);
      // The first K block folds in beta; later ones accumulate onto it.
      const bet = pc === 0 ? beta : 1;
      packPanelsB(transB, B, bOffset, ldb, pc, kc, jc, nc, pb);
      for (let ic = 0; ic < M; ic += MC) {
        const mc = Math.min(MC, M - ic);
        packPanelsA(transA, A, aOffset, lda, ic, mc, pc, kc, pa);
        const c0 = cOffset + ic * ldc + jc;
        for (let jr = 0; jr < nc; jr += NR) {
          panelColumn(pa, mc, pb, jr * kc, kc, Math.min(NR, nc - jr), alpha, bet, C, c0 + jr, ldc);
        }
      }
    }
  }
}

/**
 * One NR-column strip of C: every A micro-panel of the block times one B micro-panel. A
 * function of its own because it is called thousands of times per GEMM, so V8 compiles it
 * normally once; hot loops left inside `gemm` would only ever run as on-stack-replacement
 * code, which V8 throws away each time an inner loop exits.
 */
function panelColumn(
  pa: Float64Array,
  mc: number,
  pb: Float64Array,
  bi: number,
  kc: number,
  nr: number,
  alpha: number,
  beta: number,
  C: FloatArray,
  c0: number,
  ldc: number,
): void {
  for (let ir = 0; ir < mc; ir += MR) {
    micro3x2(pa, ir * kc, pb, bi, kc, tile);
    storeTile(tile, Math.min(MR, mc - ir), nr, alpha, beta, C, c0 + ir * ldc, ldc);
  }
}

/** C = beta·C, where beta = 0 writes zeros without reading C (NaN-safe, like BLAS). */
function scaleC(M: number, N: number, beta: number, C: FloatArray, off: number, ldc: number) {
  if (beta === 1) return;
  for (let i = 0; i < M; i++) {
    const r = off + i * ldc;
    if (beta === 0) C.fill(0, r, r + N);
    else for (let j = r; j < r + N; j++) C[j] *= beta;
  }
}

/**
 * Packs op(B)[pc:pc+kc, jc:jc+nc] as NR-column micro-panels, each kc×NR row-major, zero-padded
 * past the last column so the micro-kernel never needs an edge case.
 */
function packPanelsB(
  trans: boolean,
  B: FloatArray,
  off: number,
  ldb: number,
  pc: number,
  kc: number,
  jc: number,
  nc: number,
  dst: Float64Array,
): void {
  for (let j0 = 0; j0 < nc; j0 += NR) {
    const base = j0 * kc;
    const w = Math.min(NR, nc - j0);
    if (w < NR) dst.fill(0, base, base + kc * NR);
    if (trans) {
      // B is stored N×K: each op(B) column is a contiguous run of B.
      for (let jj = 0; jj < w; jj++) {
        const src = off + (jc + j0 + jj) * ldb + pc;
        for (let p = 0, d = base + jj; p < kc; p++, d += NR) dst[d] = B[src + p];
      }
    } else if (w === NR) {
      for (let p = 0, d = base; p < kc; p++, d += NR) {
        const s = off + (pc + p) * ldb + jc + j0;
        dst[d] = B[s];
        dst[d + 1] = B[s + 1];
      }
    } else {
      for (let p = 0, d = base; p < kc; p++, d += NR) {
        const s = off + (pc + p) * ldb + jc + j0;
        for (let jj = 0; jj < w; jj++) dst[d + jj] = B[s + jj];
      }
    }
  }
}

/**
 * Packs op(A)[ic:ic+mc, pc:pc+kc] as MR-row micro-panels, each kc×MR (column of the panel
 * contiguous), zero-padded past the last row.
 */
function packPanelsA(
  trans: boolean,
  A: FloatArray,
  off: number,
  lda: number,
  ic: number,
  mc: number,
  pc: number,
  kc: number,
  dst: Float64Array,
): void {
  for (let i0 = 0; i0 < mc; i0 += MR) {
    const base = i0 * kc;
    const h = Math.min(MR, mc - i0);
    if (h < MR) dst.fill(0, base, base + kc * MR);
    if (!trans) {
      // A is stored M×K: each op(A) row is a contiguous run of A.
      for (let ii = 0; ii < h; ii++) {
        const src = off + (ic + i0 + ii) * lda + pc;
        for (let p = 0, d = base + ii; p < kc; p++, d += MR) dst[d] = A[src + p];
      }
    } else if (h === MR) {
      for (let p = 0, d = base; p < kc; p++, d += MR) {
        const s = off + (pc + p) * lda + ic + i0;
        dst[d] = A[s];
        dst[d + 1] = A[s + 1];
        dst[d + 2] = A[s + 2];
      }
    } else {
      for (let p = 0, d = base; p < kc; p++, d += MR) {
        const s = off + (pc + p) * lda + ic + i0;
        for (let ii = 0; ii < h; ii++) dst[d + ii] = A[s + ii];
      }
    }
  }
}

/**
 * tile[3×2] = (A panel)·(B panel) over kc steps. Six accumulators is the most V8 keeps in
 * registers: TurboFan schedules all products before all sums, so a 3×4 tile needs 24 live
 * doubles and spills to the stack, which measured slower than this. The `| 0` on indices drops
 * the int32 overflow checks, which are a third of the loop's instructions.
 */
function micro3x2(
  a: Float64Array,
  ai: number,
  b: Float64Array,
  bi: number,
  kc: number,
  t: Float64Array,
): void {
  let c00 = 0, c01 = 0, c10 = 0, c11 = 0, c20 = 0, c21 = 0;
  for (const end = ai + kc * MR; ai < end; ai = (ai + MR) | 0, bi = (bi + NR) | 0) {
    const a0 = a[ai], a1 = a[(ai + 1) | 0], a2 = a[(ai + 2) | 0];
    const b0 = b[bi], b1 = b[(bi + 1) | 0];
    c00 += a0 * b0;
    c01 += a0 * b1;
    c10 += a1 * b0;
    c11 += a1 * b1;
    c20 += a2 * b0;
    c21 += a2 * b1;
  }
  t[0] = c00, t[1] = c01, t[2] = c10, t[3] = c11, t[4] = c20, t[5] = c21;
}

/** C[h×w block at c0] = alpha·tile + beta·C, not reading C when beta = 0. */
function storeTile(
  t: Float64Array,
  h: number,
  w: number,
  alpha: number,
  beta: number,
  C: FloatArray,
  c0: number,
  ldc: number,
): void {
  for (let i = 0; i < h; i++) {
    const r = c0 + i * ldc, ti = i * NR;
    for (let j = 0; j < w; j++) {
      const v = alpha * t[ti + j];
      C[r + j] = beta === 0 ? v : v + beta * C[r + j];
    }
  }
}

/**
 * The oracle: the same contract as `gemm`, as a plain triple loop with a double-precision sum.
 * Slow on purpose; tests compare `gemm` against it.
 */
export function gemmNaive(
  transA: boolean,
  transB: boolean,
  M: number,
  N: number,
  K: number,
  alpha: number,
  A: FloatArray,
  aOffset: number,
  lda: number,
  B: FloatArray,
  bOffset: number,
  ldb: number,
  beta: number,
  C: FloatArray,
  cOffset: number,
  ldc: number,
): void {
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let p = 0; p < K; p++) {
        const a = transA ? A[aOffset + p * lda + i] : A[aOffset + i * lda + p];
        const b = transB ? B[bOffset + j * ldb + p] : B[bOffset + p * ldb + j];
        s += a * b;
      }
      const c = cOffset + i * ldc + j;
      C[c] = beta === 0 ? alpha * s : alpha * s + beta * C[c];
    }
  }
}
