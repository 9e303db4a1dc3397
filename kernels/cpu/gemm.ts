import type { FloatArray } from "../dtype.ts";

/**
 * Single-threaded GEMM for the fast CPU backend: C = op(A)·op(B), row-major, C overwritten.
 * Transposed operands are packed once into contiguous scratch, then four rows of C are updated
 * together per row of B (each B value loaded once feeds four multiply-adds), with K blocked so
 * the B panel stays in cache.
 */

const scratch = {
  f32: [new Float32Array(0), new Float32Array(0)],
  f64: [new Float64Array(0), new Float64Array(0)],
};

/** A grow-only scratch buffer, so steady-state calls allocate nothing. */
function scratchFor(like: FloatArray, slot: 0 | 1, n: number): FloatArray {
  const pool = like instanceof Float64Array ? scratch.f64 : scratch.f32;
  if (pool[slot].length < n) {
    pool[slot] = like instanceof Float64Array ? new Float64Array(n) : new Float32Array(n);
  }
  return pool[slot];
}

/** Row-major [rows, cols] copy of the transpose of row-major [cols, rows] `src`. */
function transposeInto(src: FloatArray, rows: number, cols: number, dst: FloatArray): FloatArray {
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) dst[r * cols + c] = src[c * rows + r];
  }
  return dst;
}

const KC = 256;

/**
 * C[M,N] = op(A)·op(B) where op(A) is [M,K] and op(B) is [K,N]; A is stored [K,M] when `transA`
 * and B is stored [N,K] when `transB`. Example: `gemm(a, b, c, m, n, k, false, true)`.
 */
export function gemm(
  A: FloatArray,
  B: FloatArray,
  C: FloatArray,
  M: number,
  N: number,
  K: number,
  transA = false,
  transB = false,
): void {
  const a = transA ? transposeInto(A, M, K, scratchFor(A, 0, M * K)) : A;
  const b = transB ? transposeInto(B, K, N, scratchFor(B, 1, K * N)) : B;
  C.fill(0, 0, M * N);
  for (let k0 = 0; k0 < K; k0 += KC) {
    const k1 = Math.min(K, k0 + KC);
    let i = 0;
    for (; i + 4 <= M; i += 4) {
      const c0 = i * N, c1 = c0 + N, c2 = c1 + N, c3 = c2 + N;
      const a0 = i * K, a1 = a0 + K, a2 = a1 + K, a3 = a2 + K;
      for (let p = k0; p < k1; p++) {
        const x0 = a[a0 + p], x1 = a[a1 + p], x2 = a[a2 + p], x3 = a[a3 + p];
        const bp = p * N;
        for (let j = 0; j < N; j++) {
          const bv = b[bp + j];
          C[c0 + j] += x0 * bv;
          C[c1 + j] += x1 * bv;
          C[c2 + j] += x2 * bv;
          C[c3 + j] += x3 * bv;
        }
      }
    }
    for (; i < M; i++) {
      const c0 = i * N, a0 = i * K;
      for (let p = k0; p < k1; p++) {
        const x0 = a[a0 + p];
        if (x0 === 0) continue;
        const bp = p * N;
        for (let j = 0; j < N; j++) C[c0 + j] += x0 * b[bp + j];
      }
    }
  }
}
