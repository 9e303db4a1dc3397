import type { FloatArray } from "../dtype.ts";
import { colsForKeeping, keepCols, recycleCols, takeCols } from "./cols_cache.ts";
import {
  conv2dBackpropFilterSplit,
  conv2dBackpropInputSplit,
  conv2dForwardSplit,
} from "./conv2d_split.ts";
import { cpuGemm } from "./gemm_dispatch.ts";
import {
  colsKey,
  runLength,
  tapMajor,
  TRANSPOSED_FILTER_GRAD_MIN_K,
  transposeInto,
} from "./conv2d_plan.ts";
import { addBias } from "../ops/conv2d.ts";
import { col2imWasm, im2colTapMajorWasm, im2colWasm, wasmCols } from "./wasm/conv_wasm.ts";
import { biasReluInPlaceWasm } from "./wasm/elementwise_wasm.ts";
import {
  checkLength,
  checkOutShape,
  col2im,
  type ConvGeometry,
  convGeometry,
  type ConvPads,
  im2col,
  isPointwise,
} from "./im2col.ts";

/**
 * conv2d and its two backprops on NHWC input and [KH,KW,Cin,Cout] filters, as im2col + GEMM.
 * With P = OH·OW and K = KH·KW·Cin, a run of nb samples becomes an [nb·P, K] column matrix, and
 *   forward:         y[nb·P, Cout]  = cols · w[K, Cout]
 *   backprop filter: dw[K, Cout]   += colsᵀ · dy[nb·P, Cout]
 *   backprop input:  dcols[nb·P, K] = dy · wᵀ, then col2im scatters dcols onto dx.
 * The batch is processed in runs so the column buffer stays under MAX_COLS values. A 1×1,
 * stride-1, unpadded conv skips im2col: its column matrix is the input itself.
 * All three overwrite their output.
 *
 * With `keep`, the forward pass builds the whole batch's column matrix (run by run, in place)
 * and leaves it in cols_cache.ts, where the filter gradient of the same input picks it up
 * instead of running im2col again. One-channel convs use a tap-major layout ([K, nb·P] per run,
 * see `tapMajor`).
 *
 * For float32, the column matrices live in the WASM heap and im2col/col2im run as WASM SIMD
 * (wasm/kernels.c) when the runtime has it; the TypeScript loops of im2col.ts run otherwise, and
 * for a dilated filter (single-threaded runs, the same GEMMs).
 */

/** A grow-only scratch array per element type, so float64 convs stay float64. */
class Scratch {
  #f32 = new Float32Array(0);
  #f64 = new Float64Array(0);

  /** At least n values of `like`'s element type (contents undefined). */
  get(like: FloatArray, n: number): FloatArray {
    if (like instanceof Float64Array) {
      if (this.#f64.length < n) this.#f64 = new Float64Array(n);
      return this.#f64;
    }
    if (this.#f32.length < n) this.#f32 = new Float32Array(n);
    return this.#f32;
  }
}

/** Column buffers of the runs (float64, or float32 without WASM), and dwᵀ beside them. */
const colsScratch = new Scratch(), transposedScratch = new Scratch();

/** A column buffer of n values: in the WASM heap for float32 when it can be, else a scratch. */
function colsBuffer(like: FloatArray, n: number): FloatArray {
  return (like instanceof Float32Array ? wasmCols(n) : undefined) ?? colsScratch.get(like, n);
}

/** Overwrites samples [b0, b0 + nb) of dx with col2im of cols. */
function scatterCols(cols: FloatArray, g: ConvGeometry, b0: number, nb: number, dx: FloatArray) {
  const viaWasm = cols instanceof Float32Array && dx instanceof Float32Array &&
    col2imWasm(cols, g, b0, nb, dx);
  if (viaWasm) return;
  const size = g.h * g.w * g.cin;
  dx.fill(0, b0 * size, (b0 + nb) * size);
  col2im(cols, g, b0, nb, dx);
}

/**
 * Fills `cols` with the column matrix of samples [b0, b0 + nb): tap-major when `tm`, else
 * row-major (WASM SIMD when cols is in the WASM heap).
 */
function buildCols(
  x: FloatArray,
  g: ConvGeometry,
  b0: number,
  nb: number,
  cols: FloatArray,
  tm: boolean,
) {
  const viaWasm = x instanceof Float32Array && cols instanceof Float32Array &&
    (tm ? im2colTapMajorWasm(x, g, b0, nb, cols) : im2colWasm(x, g, b0, nb, cols));
  if (viaWasm) return;
  if (tm) throw new Error("conv2d: tap-major columns need the WASM kernels");
  im2col(x, g, b0, nb, cols);
}

/**
 * The column matrix of samples [b0, b0 + nb) and its offset: x itself for a pointwise conv,
 * else im2col into the scratch buffer.
 */
function runCols(x: FloatArray, g: ConvGeometry, b0: number, nb: number, tm: boolean) {
  const P = g.oh * g.ow, K = g.kh * g.kw * g.cin;
  if (isPointwise(g)) return { cols: x, cOff: b0 * P * K };
  const cols = colsBuffer(x, nb * P * K);
  buildCols(x, g, b0, nb, cols, tm);
  return { cols, cOff: 0 };
}

/**
 * a[i] = a[i] > 0 || isNaN(a[i]) ? a[i] : 0 over [from, to). On float32 it works on the bits,
 * branch-free (as the relu fast kernel: the branchy loop mispredicts on activations), same
 * results.
 */
function reluInPlace(a: FloatArray, from: number, to: number): void {
  if (a instanceof Float64Array) {
    for (let i = from; i < to; i++) a[i] = a[i] > 0 || a[i] !== a[i] ? a[i] : 0;
    return;
  }
  const bits = new Int32Array(a.buffer, a.byteOffset, a.length);
  // −1 where !(v ≤ 0) (a positive float or NaN), else 0 (negatives, ±0); as the relu kernel.
  for (let i = from; i < to; i++) bits[i] &= -(+!(a[i] <= 0));
}

/**
 * out[from, to) += bias, then ReLU when `relu`: WASM SIMD on float32 when it can, else the
 * loops. On a run the GEMM just wrote, WASM is faster in a training step (bench/README.md).
 */
function epilogue(
  out: FloatArray,
  from: number,
  to: number,
  bias: FloatArray | undefined,
  relu: boolean,
): void {
  if (!bias && !relu) return;
  const viaWasm = out instanceof Float32Array && (!bias || bias instanceof Float32Array) &&
    biasReluInPlaceWasm(out, from, to, bias as Float32Array | undefined, relu);
  if (viaWasm) return;
  if (bias) addBias(out, bias, from, to);
  if (relu) reluInPlace(out, from, to);
}

/**
 * out[N,OH,OW,Cout] = conv2d(x[N,H,W,Cin], w[KH,KW,Cin,Cout]) (+ `bias` [Cout], then ReLU when
 * `relu`) with `strides` [sh, sw], explicit `pads` and taps `dilations` apart;
 * OH = ⌊(H + top + bottom − (KH − 1)·dh − 1)/sh⌋ + 1, likewise OW. With `keep`, the column
 * matrix is left in the cols cache for `conv2dBackpropFilter` of the same x (when it fits).
 */
export function conv2dForward(
  x: FloatArray,
  xShape: readonly number[],
  w: FloatArray,
  wShape: readonly number[],
  strides: readonly number[],
  pads: ConvPads,
  out: FloatArray,
  keep = false,
  bias?: FloatArray,
  relu = false,
  dilations: readonly number[] = [1, 1],
): void {
  const g = convGeometry(xShape, wShape, strides, pads, dilations);
  const K = g.kh * g.kw * g.cin, P = g.oh * g.ow, co = g.cout, run = runLength(g);
  checkLength(out, g.n * P * co, "out");
  if (conv2dForwardSplit(x, g, w, out, keep, bias, relu)) return;
  const kept = keep && !isPointwise(g) && g.n > 0 ? colsForKeeping(x, g.n * P * K) : undefined;
  const tm = tapMajor(x, g);
  for (let b0 = 0; b0 < g.n; b0 += run) {
    const nb = Math.min(run, g.n - b0);
    let { cols, cOff } = { cols: kept as FloatArray, cOff: b0 * P * K };
    // Kept columns are built run by run in place, so each run's GEMM reads them warm.
    if (kept) buildCols(x, g, b0, nb, kept.subarray(cOff, (b0 + nb) * P * K), tm);
    else ({ cols, cOff } = runCols(x, g, b0, nb, tm));
    const rows = nb * P, oOff = b0 * P * co;
    if (tm) cpuGemm(true, false, rows, co, K, 1, cols, cOff, rows, w, 0, co, 0, out, oOff, co);
    else cpuGemm(false, false, rows, co, K, 1, cols, cOff, K, w, 0, co, 0, out, oOff, co);
    // The bias goes on while the run's output is still in cache, added after the sum exactly as
    // the reference (and a separate add) does.
    epilogue(out, oOff, oOff + rows * co, bias, relu);
  }
  if (kept) keepCols(x, colsKey(g, tm), kept);
}

/**
 * dx[N,H,W,Cin] = gradient of conv2dForward with respect to x, given dy [N,OH,OW,Cout]; xShape
 * is the forward input's shape.
 */
export function conv2dBackpropInput(
  dy: FloatArray,
  dyShape: readonly number[],
  w: FloatArray,
  wShape: readonly number[],
  xShape: readonly number[],
  strides: readonly number[],
  pads: ConvPads,
  dx: FloatArray,
  dilations: readonly number[] = [1, 1],
): void {
  const g = convGeometry(xShape, wShape, strides, pads, dilations);
  checkOutShape(g, dyShape, "dy");
  const K = g.kh * g.kw * g.cin, P = g.oh * g.ow, co = g.cout, run = runLength(g);
  checkLength(dx, g.n * g.h * g.w * g.cin, "dx");
  if (isPointwise(g)) {
    cpuGemm(false, true, g.n * P, K, co, 1, dy, 0, co, w, 0, co, 0, dx, 0, K);
    return;
  }
  if (conv2dBackpropInputSplit(dy, g, w, dx)) return;
  for (let b0 = 0; b0 < g.n; b0 += run) {
    const nb = Math.min(run, g.n - b0);
    const cols = colsBuffer(dy, nb * P * K);
    cpuGemm(false, true, nb * P, K, co, 1, dy, b0 * P * co, co, w, 0, co, 0, cols, 0, K);
    scatterCols(cols, g, b0, nb, dx);
  }
}

/**
 * dw[KH,KW,Cin,Cout] = gradient of conv2dForward with respect to w, given x [N,H,W,Cin] and
 * dy [N,OH,OW,Cout]; wShape is the filter's shape.
 */
export function conv2dBackpropFilter(
  x: FloatArray,
  xShape: readonly number[],
  dy: FloatArray,
  dyShape: readonly number[],
  wShape: readonly number[],
  strides: readonly number[],
  pads: ConvPads,
  dw: FloatArray,
  dilations: readonly number[] = [1, 1],
): void {
  const g = convGeometry(xShape, wShape, strides, pads, dilations);
  checkOutShape(g, dyShape, "dy");
  const K = g.kh * g.kw * g.cin, P = g.oh * g.ow, co = g.cout, run = runLength(g);
  checkLength(dw, K * co, "dw");
  if (g.n === 0) dw.fill(0, 0, K * co);
  if (conv2dBackpropFilterSplit(x, g, dy, dw)) return;
  const transposed = K >= TRANSPOSED_FILTER_GRAD_MIN_K, tm = tapMajor(x, g);
  const target = transposed ? transposedScratch.get(dw, co * K) : dw;
  // dw[K, co] += colsᵀ · dy, or transposed dwᵀ[co, K] += dyᵀ · cols, over rows [r0, r0 + rows);
  // tap-major columns are already colsᵀ, leading dimension `rows`.
  const accumulate = (cols: FloatArray, cOff: number, r0: number, rows: number, beta: number) => {
    const ld = tm ? rows : K, dOff = r0 * co;
    if (transposed) {
      cpuGemm(true, tm, co, K, rows, 1, dy, dOff, co, cols, cOff, ld, beta, target, 0, K);
    } else {
      cpuGemm(!tm, false, K, co, rows, 1, cols, cOff, ld, dy, dOff, co, beta, target, 0, co);
    }
  };
  const kept = isPointwise(g) || g.n === 0 ? undefined : takeCols(x, colsKey(g, tm));
  if (kept && !tm) accumulate(kept, 0, 0, g.n * P, 0);
  for (let b0 = 0; b0 < g.n && !(kept && !tm); b0 += run) {
    const nb = Math.min(run, g.n - b0);
    // Kept tap-major columns are a sequence of runs, each [K, nb·P].
    const { cols, cOff } = kept ? { cols: kept, cOff: b0 * P * K } : runCols(x, g, b0, nb, tm);
    // The first run overwrites (beta 0), later runs add on (beta 1).
    accumulate(cols, cOff, b0 * P, nb * P, b0 === 0 ? 0 : 1);
  }
  if (kept) recycleCols(kept);
  if (transposed && g.n > 0) transposeInto(target, K, co, dw);
}
