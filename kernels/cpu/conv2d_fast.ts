import type { FloatArray } from "../dtype.ts";
import type { Conv2dAttrs } from "../ops/conv2d.ts";
import { gemm } from "./gemm.ts";

/**
 * conv2d and its backprops as im2col + GEMM on NHWC: the column matrix of a sample chunk is
 * [chunk·OH·OW, KH·KW·Cin], and the filter [KH,KW,Cin,Cout] is already that GEMM's right
 * operand. Chunks keep the column buffer under ~4 M values.
 */

const MAX_COLS = 4 * 1024 * 1024;
let colsF32 = new Float32Array(0);
let colsF64 = new Float64Array(0);

function colsBuffer(like: FloatArray, n: number): FloatArray {
  if (like instanceof Float64Array) {
    if (colsF64.length < n) colsF64 = new Float64Array(n);
    return colsF64;
  }
  if (colsF32.length < n) colsF32 = new Float32Array(n);
  return colsF32;
}

interface Geometry {
  n: number;
  h: number;
  w: number;
  cin: number;
  kh: number;
  kw: number;
  cout: number;
  oh: number;
  ow: number;
  chunk: number;
}

function geometry(x: number[], wShape: number[], y: number[]): Geometry {
  const [n, h, w, cin] = x;
  const [kh, kw, , cout] = wShape;
  const [, oh, ow] = y;
  const perSample = oh * ow * kh * kw * cin;
  return {
    n,
    h,
    w,
    cin,
    kh,
    kw,
    cout,
    oh,
    ow,
    chunk: Math.max(1, Math.floor(MAX_COLS / Math.max(1, perSample))),
  };
}

/**
 * Visits every (column offset, input offset) pair of the column matrix of samples [b0, b0+nb):
 * one row per output pixel, one run of Cin values per kernel tap; the input offset is −1 where
 * the tap falls in the padding. im2col and its adjoint share this walk.
 */
function forEachTap(
  g: Geometry,
  a: Conv2dAttrs,
  b0: number,
  nb: number,
  visit: (colOffset: number, xOffset: number) => void,
): void {
  const { h, w, cin, kh, kw, oh, ow } = g;
  const [sh, sw] = a.strides;
  let o = 0;
  for (let b = b0; b < b0 + nb; b++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy * sh + ky - a.pads.top;
          for (let kx = 0; kx < kw; kx++, o += cin) {
            const ix = ox * sw + kx - a.pads.left;
            const inside = iy >= 0 && iy < h && ix >= 0 && ix < w;
            visit(o, inside ? ((b * h + iy) * w + ix) * cin : -1);
          }
        }
      }
    }
  }
}

/** Fills cols from x (zeros for padding). */
function im2col(
  x: FloatArray,
  g: Geometry,
  a: Conv2dAttrs,
  b0: number,
  nb: number,
  cols: FloatArray,
): void {
  const cin = g.cin;
  forEachTap(g, a, b0, nb, (o, s) => {
    if (s < 0) cols.fill(0, o, o + cin);
    else for (let c = 0; c < cin; c++) cols[o + c] = x[s + c];
  });
}

/** Adds cols back into dx (the adjoint of im2col). */
function col2imAdd(
  cols: FloatArray,
  g: Geometry,
  a: Conv2dAttrs,
  b0: number,
  nb: number,
  dx: FloatArray,
): void {
  const cin = g.cin;
  forEachTap(g, a, b0, nb, (o, s) => {
    if (s >= 0) { for (let c = 0; c < cin; c++) dx[s + c] += cols[o + c]; }
  });
}

/** y[N,OH,OW,Cout] = conv2d(x, w). */
export function conv2dForward(
  x: FloatArray,
  xShape: number[],
  w: FloatArray,
  wShape: number[],
  a: Conv2dAttrs,
  y: FloatArray,
  yShape: number[],
): void {
  const g = geometry(xShape, wShape, yShape);
  const K = g.kh * g.kw * g.cin, pix = g.oh * g.ow;
  for (let b0 = 0; b0 < g.n; b0 += g.chunk) {
    const nb = Math.min(g.chunk, g.n - b0);
    const cols = colsBuffer(x, nb * pix * K);
    im2col(x, g, a, b0, nb, cols);
    gemm(cols, w, y.subarray(b0 * pix * g.cout) as FloatArray, nb * pix, g.cout, K);
  }
}

/** dw[KH,KW,Cin,Cout] = Σ over chunks of colsᵀ·dy. */
export function conv2dBackpropFilter(
  x: FloatArray,
  xShape: number[],
  dy: FloatArray,
  dyShape: number[],
  wShape: number[],
  a: Conv2dAttrs,
  dw: FloatArray,
): void {
  const g = geometry(xShape, wShape, dyShape);
  const K = g.kh * g.kw * g.cin, pix = g.oh * g.ow;
  const part = dw instanceof Float64Array
    ? new Float64Array(dw.length)
    : new Float32Array(dw.length);
  for (let b0 = 0; b0 < g.n; b0 += g.chunk) {
    const nb = Math.min(g.chunk, g.n - b0);
    const cols = colsBuffer(x, nb * pix * K);
    im2col(x, g, a, b0, nb, cols);
    gemm(
      cols,
      dy.subarray(b0 * pix * g.cout) as FloatArray,
      part,
      K,
      g.cout,
      nb * pix,
      true,
      false,
    );
    for (let i = 0; i < dw.length; i++) dw[i] += part[i];
  }
}

/** dx[N,H,W,Cin] = col2im(dy·wᵀ). */
export function conv2dBackpropInput(
  dy: FloatArray,
  dyShape: number[],
  w: FloatArray,
  wShape: number[],
  xShape: number[],
  a: Conv2dAttrs,
  dx: FloatArray,
): void {
  const g = geometry(xShape, wShape, dyShape);
  const K = g.kh * g.kw * g.cin, pix = g.oh * g.ow;
  for (let b0 = 0; b0 < g.n; b0 += g.chunk) {
    const nb = Math.min(g.chunk, g.n - b0);
    const cols = colsBuffer(dy, nb * pix * K);
    gemm(dy.subarray(b0 * pix * g.cout) as FloatArray, w, cols, nb * pix, K, g.cout, false, true);
    col2imAdd(cols, g, a, b0, nb, dx);
  }
}
