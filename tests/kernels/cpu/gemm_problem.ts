/**
 * One seeded GEMM problem as the gemm and OpenBLAS tests build it: operands laid out for the
 * transposes, with `pad` elements before each matrix and past each row (offsets and ld > width).
 * @module
 */
import { filled, type FloatCtor } from "./filled.ts";

/** The sizes, scalars and layout of a test GEMM, C = alpha·op(A)·op(B) + beta·C. */
export interface GemmCase {
  transA: boolean;
  transB: boolean;
  M: number;
  N: number;
  K: number;
  /** 1 by default. */
  alpha?: number;
  /** 0 by default. */
  beta?: number;
  /** Extra elements before each matrix and past each row (exercises offsets and ld > width). */
  pad?: number;
  /** Fill C with NaN first: beta = 0 must not read it. */
  nanC?: boolean;
}

/** Seeded A and B of type `inCtor`, the starting C of type `ctor` (seeds seed, +1, +2). */
export function gemmProblem(c: GemmCase, ctor: FloatCtor, inCtor: FloatCtor, seed: number) {
  const { transA, transB, M, N, K } = c;
  const alpha = c.alpha ?? 1, beta = c.beta ?? 0, pad = c.pad ?? 0;
  const [aRows, aCols] = transA ? [K, M] : [M, K];
  const [bRows, bCols] = transB ? [N, K] : [K, N];
  const lda = aCols + pad, ldb = bCols + pad, ldc = N + pad;
  const A = filled(inCtor, pad + aRows * lda, seed);
  const B = filled(inCtor, pad + bRows * ldb, seed + 1);
  const C0 = filled(ctor, pad + M * ldc, seed + 2);
  if (c.nanC) {
    for (let i = 0; i < M; i++) C0.fill(NaN, pad + i * ldc, pad + i * ldc + N);
  }
  return { alpha, beta, pad, lda, ldb, ldc, A, B, C0 };
}
