/**
 * Optional binding to a system OpenBLAS through `Deno.dlopen`. The toolkit never needs it: when
 * the library is missing, FFI is not allowed, or loading fails, `loadOpenBlas` says why and the
 * CPU backend keeps using the TypeScript GEMM. Nothing here runs at import time, so importing
 * this file costs nothing and never asks for a permission.
 */

/** CBLAS enum values (cblas.h). */
const ROW_MAJOR = 101;
const NO_TRANS = 111;
const TRANS = 112;

/** `void cblas_?gemm(order, transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc)`. */
// deno-fmt-ignore
const SGEMM_PARAMS = [
  "i32", "i32", "i32", "i32", "i32", "i32", "f32", "buffer", "i32", "buffer", "i32", "f32", "buffer", "i32",
] as const;
// deno-fmt-ignore
const DGEMM_PARAMS = [
  "i32", "i32", "i32", "i32", "i32", "i32", "f64", "buffer", "i32", "buffer", "i32", "f64", "buffer", "i32",
] as const;

/**
 * The symbols used. Only `cblas_sgemm` is required; the rest are looked up with `optional` so a
 * build without them still loads. Calls are synchronous (`nonblocking: false`): a GEMM is on
 * the critical path and its operands must not change under it.
 */
const SYMBOLS = {
  cblas_sgemm: { parameters: SGEMM_PARAMS, result: "void", nonblocking: false },
  cblas_dgemm: { parameters: DGEMM_PARAMS, result: "void", nonblocking: false, optional: true },
  openblas_get_config: { parameters: [], result: "pointer", optional: true },
  openblas_get_corename: { parameters: [], result: "pointer", optional: true },
  openblas_get_num_threads: { parameters: [], result: "i32", optional: true },
  openblas_get_num_procs: { parameters: [], result: "i32", optional: true },
  openblas_get_parallel: { parameters: [], result: "i32", optional: true },
  openblas_set_num_threads: { parameters: ["i32"], result: "void", optional: true },
} as const;

type Lib = Deno.DynamicLibrary<typeof SYMBOLS>;

/**
 * Places to look, in order. Bare sonames go through the system loader's search path; the full
 * paths cover distributions where OpenBLAS is not on it (Debian's alternatives, Homebrew).
 * `libblas.so.3` comes last and is only accepted when it turns out to be OpenBLAS: the netlib
 * reference BLAS behind the same name is slower than the TypeScript GEMM.
 */
const CANDIDATES: { path: string; mustBeOpenBlas?: boolean }[] = [
  { path: "libopenblas.so.0" },
  { path: "libopenblas.so" },
  { path: "/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0" },
  { path: "/usr/lib/aarch64-linux-gnu/openblas-pthread/libopenblas.so.0" },
  { path: "/usr/lib64/libopenblas.so.0" },
  { path: "/usr/local/lib/libopenblas.so" },
  { path: "/opt/homebrew/opt/openblas/lib/libopenblas.dylib" },
  { path: "/usr/local/opt/openblas/lib/libopenblas.dylib" },
  { path: "libopenblas.dll" },
  { path: "libblas.so.3", mustBeOpenBlas: true },
];

/** A loaded BLAS: GEMM entry points and a description of the build. */
export interface OpenBlas {
  /** Where it was loaded from (as given to dlopen). */
  path: string;
  /** e.g. "OpenBLAS 0.3.21 (pthread, 2 threads, Cooperlake)". */
  label: string;
  /** Threads OpenBLAS will use, or 0 when the build does not say. */
  threads: number;
  /**
   * C = alpha·op(A)·op(B) + beta·C, row-major, all float32, with the same argument order and
   * offset convention as `gemm` in gemm.ts. Dimensions must fit int32 (LP64 OpenBLAS).
   */
  sgemm: GemmFn<Float32Array>;
  /** The float64 version, or null when the library has no `cblas_dgemm`. */
  dgemm: GemmFn<Float64Array> | null;
  /** Sets the threads later calls use (1 … `threads`); null when the build cannot. */
  setThreads: ((n: number) => void) | null;
  /** Unloads the library; calls after this crash, so only tests use it. */
  close(): void;
}

/** The `gemm` signature from gemm.ts, for one element type. */
export type GemmFn<T> = (
  transA: boolean,
  transB: boolean,
  M: number,
  N: number,
  K: number,
  alpha: number,
  A: T,
  aOffset: number,
  lda: number,
  B: T,
  bOffset: number,
  ldb: number,
  beta: number,
  C: T,
  cOffset: number,
  ldc: number,
) => void;

/** Either a loaded library or the one-line reason there is none. */
export type LoadResult = { blas: OpenBlas; reason?: undefined } | { blas: null; reason: string };

/**
 * Finds and loads OpenBLAS: the path in `OPENBLAS_LIB` if set (and only that), else the first of
 * the usual places that loads (also when `OPENBLAS_LIB` cannot be read without `--allow-env`);
 * with `only`, that path and nothing else (the helper thread loads the main thread's library).
 * Never prompts and never throws: without `--allow-ffi` it returns the reason instead.
 */
export function loadOpenBlas(only?: string): LoadResult {
  // Unscoped FFI only: with `--allow-ffi=<file>` dlopen works but reading the library's
  // description (UnsafePointerView) throws, so a path-scoped grant counts as none.
  if (!ffiGranted()) return { blas: null, reason: "no FFI permission (--allow-ffi)" };
  const envPath = only ?? readEnv("OPENBLAS_LIB");
  const candidates = envPath ? [{ path: envPath }] : CANDIDATES;
  const errors: string[] = [];
  for (const c of candidates) {
    let lib: Lib;
    try {
      lib = Deno.dlopen(c.path, SYMBOLS);
    } catch (e) {
      errors.push(`${c.path}: ${firstLine(e)}`);
      continue;
    }
    try {
      const config = cString(lib.symbols.openblas_get_config?.() ?? null);
      if (!c.mustBeOpenBlas || config.startsWith("OpenBLAS")) {
        return { blas: wrap(c.path, lib, config) };
      }
      errors.push(`${c.path}: not OpenBLAS`);
    } catch (e) {
      errors.push(`${c.path}: ${firstLine(e)}`);
    }
    lib.close();
  }
  const where = envPath ? `OPENBLAS_LIB=${envPath}` : "the usual places";
  // The first error is the most telling one (the soname that the loader searched for).
  return { blas: null, reason: `OpenBLAS not found in ${where} (${errors[0] ?? "no candidates"})` };
}

/** Whether FFI is allowed everywhere, asked without prompting. */
function ffiGranted(): boolean {
  return Deno.permissions.querySync({ name: "ffi" }).state === "granted";
}

/** The env variable, or undefined when unset or not readable without a prompt. */
export function readEnv(name: string): string | undefined {
  if (Deno.permissions.querySync({ name: "env", variable: name }).state !== "granted") return;
  return Deno.env.get(name) || undefined;
}

/**
 * The threads OpenBLAS can use: as it decides at start, the processors it sees, capped by
 * OPENBLAS_NUM_THREADS (or GOTO_NUM_THREADS, OMP_NUM_THREADS) when set. Not its current count:
 * the GEMM dispatcher changes that per call, and in a process that loaded the library before
 * (another test file, the helper thread) it is whatever was set last.
 */
function maxThreads(s: Lib["symbols"]): number {
  const procs = s.openblas_get_num_procs?.() ?? s.openblas_get_num_threads?.() ?? 0;
  for (const name of ["OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS"]) {
    const n = Number.parseInt(readEnv(name) ?? "");
    if (n > 0) return Math.min(n, procs);
  }
  return procs;
}

function wrap(path: string, lib: Lib, config: string): OpenBlas {
  const s = lib.symbols;
  const threads = maxThreads(s);
  const mode = ["sequential", "pthread", "openmp"][s.openblas_get_parallel?.() ?? -1] ?? "";
  const version = config.match(/^OpenBLAS\s+(\S+)/)?.[1];
  const vendor = config.startsWith("OpenBLAS") ? "OpenBLAS" : "BLAS";
  const name = version ? `OpenBLAS ${version}` : vendor;
  const core = cString(s.openblas_get_corename?.() ?? null);
  const details = [mode, threads ? `${threads} thread${threads === 1 ? "" : "s"}` : "", core]
    .filter((d) => d !== "");
  const label = details.length ? `${name} (${details.join(", ")})` : name;
  const dgemm = s.cblas_dgemm ? viaCblas<Float64Array>(s.cblas_dgemm) : null;
  const set = s.openblas_set_num_threads;
  const setThreads = set ? (n: number) => set(n) : null;
  const sgemm = viaCblas<Float32Array>(s.cblas_sgemm);
  return { path, label, threads, sgemm, dgemm, setThreads, close: () => lib.close() };
}

/** The CBLAS call shape shared by cblas_sgemm and cblas_dgemm. */
type CblasGemm = (
  order: number,
  transA: number,
  transB: number,
  M: number,
  N: number,
  K: number,
  alpha: number,
  A: BufferSource,
  lda: number,
  B: BufferSource,
  ldb: number,
  beta: number,
  C: BufferSource,
  ldc: number,
) => void;

/**
 * Adapts a CBLAS GEMM to the gemm.ts signature. A subarray is passed as a pointer to its first
 * element (Deno honours byteOffset), which is how gemm.ts's offsets map onto bare pointers.
 */
function viaCblas<T extends Float32Array | Float64Array>(f: CblasGemm): GemmFn<T> {
  // deno-fmt-ignore
  return (tA, tB, M, N, K, alpha, A, ao, lda, B, bo, ldb, beta, C, co, ldc) => f(
    ROW_MAJOR, tA ? TRANS : NO_TRANS, tB ? TRANS : NO_TRANS, M, N, K,
    alpha, view(A, ao), lda, view(B, bo), ldb, beta, view(C, co), ldc,
  );
}

/** The array from element `offset` on, typed as FFI's "buffer" argument. */
function view(a: Float32Array | Float64Array, offset: number): BufferSource {
  return a.subarray(offset) as BufferSource;
}

function cString(p: Deno.PointerValue): string {
  return p === null ? "" : Deno.UnsafePointerView.getCString(p);
}

function firstLine(e: unknown): string {
  return String(e instanceof Error ? e.message : e).split("\n")[0];
}
