import type { FloatArray } from "../dtype.ts";
import { gemm } from "./gemm.ts";
import { type GemmFn, loadOpenBlas, type OpenBlas, readEnv } from "./openblas.ts";

/**
 * The GEMM behind the fast CPU kernels (matmul and the three im2col conv2d GEMMs): OpenBLAS
 * through FFI when it loaded and the problem is big enough to pay for the call, else the
 * TypeScript `gemm`. Same contract as `gemm` either way, so callers do not know which ran.
 *
 * `DL_BLAS=off` (or `setBlasEnabled(false)`) keeps everything in TypeScript, for A/B timing and
 * for tests of the fallback. The library is looked for on first use, not at import.
 */

/**
 * Smallest M·N·K sent to OpenBLAS. Below it the TypeScript GEMM is as fast: the FFI call and
 * OpenBLAS's per-call setup cost about 1 µs, which is what 8³ costs in TypeScript
 * (`bench/blas_micro.ts --crossover`; numbers in bench/README.md).
 */
export const BLAS_MIN_WORK = 1024;

/**
 * Threads per OpenBLAS call. OpenBLAS splits even small GEMMs over every thread, and on small
 * or skinny problems waking and joining the second thread costs more than it saves: one thread
 * is 2–4× faster on small convs and on GEMMs whose inner dimension is a short channel count
 * (K = 16–32: the input gradient of a conv), while two threads win on big problems with a long
 * inner dimension, on very big ones whatever K, and on wide ones with K = 64 (bench/README.md).
 * The two counts can round differently (OpenBLAS picks other kernels for one thread), so the
 * choice depends on the shape alone: the same run gives the same numbers every time.
 */
export function gemmThreads(M: number, N: number, K: number, max: number): number {
  const work = M * N * K;
  const wide = K >= 64 && N >= 128;
  return work >= 16 * 1024 * 1024 && N >= 32 && (K >= 128 || wide || work >= 512 * 1024 * 1024)
    ? max
    : 1;
}

/** Which GEMM the fast CPU path uses, for device descriptions and results files. */
export interface CpuGemmPath {
  name: "openblas" | "typescript";
  /** e.g. "OpenBLAS 0.3.21 (pthread, 2 threads, Cooperlake)", or why TypeScript is used. */
  detail: string;
}

let loaded: { blas: OpenBlas | null; reason: string } | undefined;
/** null = follow DL_BLAS; true/false = set by `setBlasEnabled`. */
let override: boolean | null = null;
/**
 * activeBlas()'s answer, cached because it reads permissions and the environment; so DL_BLAS is
 * read once per process, and `setBlasEnabled` clears the cache.
 */
let blasCache: OpenBlas | null | undefined;

function library(): { blas: OpenBlas | null; reason: string } {
  if (!loaded) {
    const r = loadOpenBlas();
    loaded = { blas: r.blas, reason: r.reason ?? "" };
  }
  return loaded;
}

function envDisabled(): boolean {
  const v = readEnv("DL_BLAS")?.toLowerCase();
  return v === "off" || v === "0" || v === "false" || v === "no";
}

/** The library when BLAS is enabled and loaded, else null. */
function activeBlas(): OpenBlas | null {
  if (blasCache === undefined) blasCache = (override ?? !envDisabled()) ? library().blas : null;
  return blasCache;
}

/**
 * Turns the OpenBLAS path on or off for this process (`null` = back to the `DL_BLAS`
 * default). Turning it on has no effect when the library did not load.
 */
export function setBlasEnabled(on: boolean | null): void {
  override = on;
  blasCache = undefined;
}

/** Which GEMM runs now, and details: "CPU GEMM: " + detail is a fine one-line label. */
export function cpuGemmPath(): CpuGemmPath {
  const blas = activeBlas();
  if (blas) return { name: "openblas", detail: blas.label };
  const why = override === false
    ? "OpenBLAS disabled by setBlasEnabled(false)"
    : override === null && envDisabled()
    ? "OpenBLAS disabled (DL_BLAS=off)"
    : library().reason;
  return { name: "typescript", detail: `TypeScript blocked GEMM, 1 thread; ${why}` };
}

/** GEMM calls served by each path since the process started (tests and benchmarks read it). */
export interface CpuGemmStats {
  openblas: number;
  typescript: number;
}

const stats: CpuGemmStats = { openblas: 0, typescript: 0 };
/** The thread count last given to OpenBLAS (0 = never set: it starts with all of them). */
let threadsNow = 0;

/** A copy of the call counters: which path the GEMMs actually took. */
export function cpuGemmStats(): CpuGemmStats {
  return { ...stats };
}

/**
 * OpenBLAS's float32 GEMM with OpenBLAS set to one thread, for calls that run while another
 * thread runs GEMMs of its own (parallel/helper.ts): OpenBLAS's thread count is one setting for
 * the whole process, so neither may change it while the other computes. Counted as OpenBLAS
 * calls. Null when OpenBLAS is not in use.
 */
export function singleThreadSgemm(): GemmFn<Float32Array> | null {
  const blas = blasCache === undefined ? activeBlas() : blasCache;
  if (!blas) return null;
  if (blas.setThreads && blas.threads > 1 && threadsNow !== 1) blas.setThreads(threadsNow = 1);
  return countedSgemm(blas);
}

/** The counting wrapper of the loaded library's sgemm, made once. */
let counted: { blas: OpenBlas; sgemm: GemmFn<Float32Array> } | undefined;

function countedSgemm(blas: OpenBlas): GemmFn<Float32Array> {
  if (counted?.blas !== blas) {
    // deno-fmt-ignore
    const sgemm: GemmFn<Float32Array> = (tA, tB, M, N, K, alpha, A, ao, lda, B, bo, ldb, beta, C, co, ldc) => {
      blas.sgemm(tA, tB, M, N, K, alpha, A, ao, lda, B, bo, ldb, beta, C, co, ldc);
      stats.openblas++;
    };
    counted = { blas, sgemm };
  }
  return counted.sgemm;
}

/** The path of the OpenBLAS library in use, or undefined (the helper thread loads the same). */
export function openBlasPath(): string | undefined {
  return activeBlas()?.path;
}

/** True when a row-major operand of `rows`×`cols` at `off` with stride `ld` fits in `arr`. */
function fits(arr: FloatArray, off: number, rows: number, cols: number, ld: number): boolean {
  return ld >= Math.max(1, cols) && off >= 0 && off + (rows - 1) * ld + cols <= arr.length;
}

/**
 * C = alpha·op(A)·op(B) + beta·C, exactly the contract of `gemm` in gemm.ts (row-major, offsets,
 * leading dimensions, beta = 0 never reads C, mixed float32/float64 allowed). Runs OpenBLAS
 * when enabled and loaded, A, B and C share one element type it supports, M·N·K ≥
 * BLAS_MIN_WORK, and every operand lies inside its array: a native call has no bounds checks
 * and would corrupt memory, where TypeScript reads undefined and drops stray writes.
 */
export function cpuGemm(
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
  const blas = blasCache === undefined ? activeBlas() : blasCache;
  if (
    blas !== null && M > 0 && N > 0 && K > 0 && M * N * K >= BLAS_MIN_WORK &&
    fits(A, aOffset, transA ? K : M, transA ? M : K, lda) &&
    fits(B, bOffset, transB ? N : K, transB ? K : N, ldb) &&
    fits(C, cOffset, M, N, ldc)
  ) {
    const f32 = A instanceof Float32Array && B instanceof Float32Array && C instanceof Float32Array;
    const f64 = A instanceof Float64Array && B instanceof Float64Array && C instanceof Float64Array;
    const fn = f32 ? blas.sgemm : f64 ? blas.dgemm : null;
    if (fn) {
      if (blas.setThreads && blas.threads > 1) {
        const t = gemmThreads(M, N, K, blas.threads);
        if (t !== threadsNow) blas.setThreads(threadsNow = t);
      }
      // deno-fmt-ignore
      (fn as GemmFn<FloatArray>)(
        transA, transB, M, N, K, alpha, A, aOffset, lda, B, bOffset, ldb, beta, C, cOffset, ldc,
      );
      stats.openblas++;
      return;
    }
  }
  gemm(transA, transB, M, N, K, alpha, A, aOffset, lda, B, bOffset, ldb, beta, C, cOffset, ldc);
  stats.typescript++;
}
