import type { FloatArray } from "../dtype.ts";
import { type ConvGeometry, isDilated, isPointwise } from "./im2col.ts";
import { wasmKernels } from "./wasm/module.ts";

/**
 * How the im2col conv2d kernels cut up a problem, shared by the single-threaded passes
 * (conv2d_fast.ts) and the ones split over two threads (conv2d_split.ts): run lengths, column
 * layouts and when the filter gradient is computed transposed.
 */

/**
 * Bound on a run's column matrix (values): 1 M float32 = 4 MB, so memory use stays flat and the
 * columns are still in cache when the GEMM reads them (or col2im reads what the GEMM wrote):
 * every pass was faster than with 4 M-value runs (bench/README.md).
 */
export const MAX_COLS = 1024 * 1024;

/** Samples per run: as many as fit MAX_COLS, at least one. */
export function runLength(g: ConvGeometry): number {
  return Math.max(1, Math.floor(MAX_COLS / Math.max(1, g.oh * g.ow * g.kh * g.kw * g.cin)));
}

/** What the column matrix depends on: the input's shape, the window, strides, pads, dilation. */
export function colsKey(g: ConvGeometry, tm: boolean): string {
  const layout = tm ? "tap-major" : "row-major";
  return `${g.n},${g.h},${g.w},${g.cin},${g.kh},${g.kw},${g.oh},${g.ow},${g.sh},${g.sw},${g.top},${g.left},${g.dh},${g.dw},${layout}`;
}

/**
 * The filter gradient is computed transposed, dwᵀ[Cout, K] = dyᵀ·cols, and transposed back
 * (K·Cout values, cheap), when K = KH·KW·Cin is at least this: with OpenBLAS that is faster for
 * the K ≥ 64 convs measured, and first layers (K = 9–27) are faster untransposed
 * (bench/README.md).
 */
export const TRANSPOSED_FILTER_GRAD_MIN_K = 64;

/** dst[rows, cols] = transpose of src[cols, rows]. */
export function transposeInto(src: FloatArray, rows: number, cols: number, dst: FloatArray): void {
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) dst[r * cols + c] = src[c * rows + r];
  }
}

/**
 * One-channel convs with horizontal stride 1 build their column matrix tap-major, [K, rows] per
 * run (kernels.c's im2col_t1): a tap's values along an output row are then one contiguous run of
 * the input row, where the row-major matrix needs a separate copy for every tap of every pixel
 * (forward and filter gradient faster: bench/README.md). The GEMMs read it as a transposed operand.
 */
export function tapMajor(x: FloatArray, g: ConvGeometry): boolean {
  return x instanceof Float32Array && g.cin === 1 && g.sw === 1 && !isPointwise(g) &&
    !isDilated(g) &&
    wasmKernels() !== undefined;
}
