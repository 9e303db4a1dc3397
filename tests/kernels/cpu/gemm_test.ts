/**
 * gemm against gemmNaive (the triple-loop oracle) on shapes chosen to hit every edge of the
 * blocking: empty and 1-sized dimensions, sizes that are not multiples of the 3×2 micro-tile,
 * and sizes that cross the K (256), M (120) and N (1024) block boundaries.
 */
import assert from "node:assert/strict";
import { gemm, gemmNaive } from "../../../kernels/cpu/gemm.ts";
import { gemmThreads } from "../../../kernels/cpu/gemm_dispatch.ts";
import type { FloatCtor } from "./filled.ts";
import { type GemmCase, gemmProblem } from "./gemm_problem.ts";

type Arr = Float32Array | Float64Array;

interface Case extends GemmCase {
  ctor?: FloatCtor;
  /** Element type of A and B when it differs from C's. */
  inCtor?: FloatCtor;
}

function check(c: Case, seed: number): void {
  const { transA, transB, M, N, K } = c;
  const ctor = c.ctor ?? Float32Array, inCtor = c.inCtor ?? ctor;
  const { alpha, beta, pad, lda, ldb, ldc, A, B, C0 } = gemmProblem(c, ctor, inCtor, seed);
  const want = C0.slice(), got = C0.slice();
  gemmNaive(transA, transB, M, N, K, alpha, A, pad, lda, B, pad, ldb, beta, want, pad, ldc);
  gemm(transA, transB, M, N, K, alpha, A, pad, lda, B, pad, ldb, beta, got, pad, ldc);
  // Both sum in double; the difference is float32 rounding of C plus summation order.
  const eps = ctor === Float64Array && inCtor === Float64Array ? 1e-13 : 1e-6;
  const tol = eps * (K + 2) * (Math.abs(alpha) + Math.abs(beta) + 1);
  let maxErr = 0;
  for (let i = 0; i < got.length; i++) {
    const d = Math.abs(got[i] - want[i]);
    if (!(d <= maxErr)) maxErr = d; // NaN-aware: a NaN difference becomes the max
  }
  const label = JSON.stringify({ ...c, ctor: ctor.name, inCtor: inCtor.name });
  assert.ok(maxErr <= tol, `${label}: max abs error ${maxErr} > ${tol}`);
}

const TRANS: [boolean, boolean][] = [[false, false], [true, false], [false, true], [true, true]];

Deno.test("gemm: degenerate shapes (0 and 1 sized) under every transpose", () => {
  const shapes = [[1, 1, 1], [0, 5, 3], [5, 0, 3], [5, 3, 0], [1, 7, 1], [7, 1, 9], [1, 1, 300]];
  for (const [transA, transB] of TRANS) {
    for (const [M, N, K] of shapes) {
      check({ transA, transB, M, N, K }, M * 100 + N * 10 + K);
      check({ transA, transB, M, N, K, beta: 0.5, alpha: 2 }, 7);
    }
  }
});

Deno.test("gemm: odd shapes, offsets and leading dimensions, every transpose", () => {
  const shapes = [[17, 33, 65], [2, 3, 4], [4, 5, 2], [31, 1, 17], [3, 64, 257], [121, 5, 7]];
  let seed = 1;
  for (const [transA, transB] of TRANS) {
    for (const [M, N, K] of shapes) {
      check({ transA, transB, M, N, K }, seed++);
      check({ transA, transB, M, N, K, pad: 3 }, seed++);
      check({ transA, transB, M, N, K, pad: 5, alpha: -0.75, beta: 1.5 }, seed++);
    }
  }
});

Deno.test("gemm: crosses the K, M and N block boundaries", () => {
  check({ transA: false, transB: false, M: 125, N: 1030, K: 260 }, 11);
  check({ transA: true, transB: true, M: 241, N: 37, K: 513, pad: 2, beta: 1 }, 12);
  check({ transA: true, transB: false, M: 130, N: 66, K: 300, alpha: 0.5, beta: -1 }, 13);
});

Deno.test("gemm: alpha and beta special values", () => {
  const base = { transA: false, transB: true, M: 9, N: 11, K: 13, pad: 1 };
  check({ ...base, beta: 0, nanC: true }, 21);
  check({ ...base, beta: 0, alpha: 0, nanC: true }, 22);
  check({ ...base, beta: 1 }, 23);
  check({ ...base, beta: 2.5, alpha: 0 }, 24);
  check({ ...base, K: 0, beta: 0, nanC: true }, 25);
  check({ ...base, K: 0, beta: -3 }, 26);
});

Deno.test("gemm: Float64Array and mixed element types", () => {
  for (const [transA, transB] of TRANS) {
    check({ transA, transB, M: 17, N: 33, K: 65, ctor: Float64Array, beta: 0.25 }, 31);
    check({ transA, transB, M: 130, N: 9, K: 270, ctor: Float64Array, pad: 4 }, 32);
    check({ transA, transB, M: 7, N: 8, K: 9, ctor: Float32Array, inCtor: Float64Array }, 33);
    check({ transA, transB, M: 7, N: 8, K: 9, ctor: Float64Array, inCtor: Float32Array }, 34);
  }
});

Deno.test("gemm: exact on small integers (no hidden accumulation error)", () => {
  // 2×3 · 3×2 with known answer, C row stride 3 leaves a sentinel column untouched.
  const A = new Float32Array([1, 2, 3, 4, 5, 6]);
  const B = new Float32Array([7, 8, 9, 10, 11, 12]);
  const C = new Float32Array([NaN, NaN, -1, NaN, NaN, -1]);
  gemm(false, false, 2, 2, 3, 1, A, 0, 3, B, 0, 2, 0, C, 0, 3);
  assert.deepEqual([...C], [58, 64, -1, 139, 154, -1]);
});

Deno.test("gemmThreads: one thread for small, skinny or short-K GEMMs, all for big ones", () => {
  // The shapes it was measured on (conv and dense GEMMs of W1–W4).
  assert.equal(gemmThreads(3136, 16, 400, 2), 1, "W3 conv forward: N = 16");
  assert.equal(gemmThreads(128, 128, 784, 2), 1, "W1: under 16 M multiply-adds");
  assert.equal(gemmThreads(28800, 288, 32, 2), 1, "W4 input gradient: K = 32");
  assert.equal(gemmThreads(28800, 32, 288, 2), 2, "W4 conv forward");
  assert.equal(gemmThreads(16, 400, 3136, 2), 2, "W3 filter gradient, transposed");
  assert.equal(gemmThreads(73728, 288, 64, 2), 2, "W2 input gradient: K = 64 but very big");
  assert.equal(gemmThreads(3456, 288, 64, 2), 2, "W2 input gradient, one run: wide, K = 64");
  assert.equal(gemmThreads(3549, 288, 32, 2), 1, "W4 input gradient, one run: K = 32");
  assert.equal(gemmThreads(73728, 64, 288, 1), 1, "never more than the library has");
});
