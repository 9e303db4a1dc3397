import type { FloatArray } from "../dtype.ts";

/**
 * im2col and its adjoint col2im for NHWC conv2d. The column matrix of a run of samples has one
 * row per output pixel (sample-major, then OH, then OW) and K = KH·KW·Cin columns ordered
 * (ky, kx, cin) — the same order as a [KH,KW,Cin,Cout] filter's rows, so the filter is already
 * the right operand of the GEMM. For a fixed output pixel and ky, the KW taps read one
 * contiguous run of the input row, which both loops copy in one go; a dilated filter's taps are
 * not contiguous and are copied one by one.
 */

/** Explicit padding on each side (structurally the same as the ops' `Pads`). */
export interface ConvPads {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

/** Sizes of one conv2d problem, resolved once and shared by im2col, col2im and the GEMMs. */
export interface ConvGeometry {
  n: number;
  h: number;
  w: number;
  cin: number;
  kh: number;
  kw: number;
  cout: number;
  oh: number;
  ow: number;
  sh: number;
  sw: number;
  top: number;
  left: number;
  /** Distance between taps (1 when undilated); only the TypeScript loops handle > 1. */
  dh: number;
  dw: number;
}

/**
 * Resolves and checks the geometry of x [N,H,W,Cin] convolved with w [KH,KW,Cin,Cout] whose
 * taps are `dilations` apart; OH = ⌊(H + top + bottom − (KH − 1)·dh − 1)/sh⌋ + 1, likewise OW.
 * Throws on mismatched or empty shapes.
 */
export function convGeometry(
  xShape: readonly number[],
  wShape: readonly number[],
  strides: readonly [number, number] | readonly number[],
  pads: ConvPads,
  dilations: readonly number[] = [1, 1],
): ConvGeometry {
  const [n, h, w, cin] = xShape;
  const [kh, kw, wcin, cout] = wShape;
  const [sh, sw] = strides;
  if (xShape.length !== 4 || wShape.length !== 4 || wcin !== cin) {
    throw new Error(
      `conv2d: need x [N,H,W,Cin] and w [KH,KW,Cin,Cout] with equal Cin, got ` +
        `[${xShape}] and [${wShape}]`,
    );
  }
  if (!(sh >= 1 && sw >= 1)) throw new Error(`conv2d: strides must be ≥ 1, got [${strides}]`);
  const [dh, dw] = dilations;
  const oh = Math.floor((h + pads.top + pads.bottom - (kh - 1) * dh - 1) / sh) + 1;
  const ow = Math.floor((w + pads.left + pads.right - (kw - 1) * dw - 1) / sw) + 1;
  if (oh < 1 || ow < 1) {
    throw new Error(`conv2d: a ${kh}x${kw} window does not fit ${h}x${w} with these pads`);
  }
  return { n, h, w, cin, kh, kw, cout, oh, ow, sh, sw, top: pads.top, left: pads.left, dh, dw };
}

/** True when the filter's taps are spread apart (dilation > 1 on some axis). */
export function isDilated(g: ConvGeometry): boolean {
  return g.dh !== 1 || g.dw !== 1;
}

/** Throws unless `shape` is [N, OH, OW, Cout] for geometry `g`. */
export function checkOutShape(g: ConvGeometry, shape: readonly number[], what: string): void {
  const want = [g.n, g.oh, g.ow, g.cout];
  if (shape.length !== 4 || want.some((d, i) => d !== shape[i])) {
    throw new Error(`conv2d: ${what} must be [${want}], got [${shape}]`);
  }
}

/** Throws unless `arr` holds at least `n` values (a cheap guard against swapped buffers). */
export function checkLength(arr: { length: number }, n: number, what: string): void {
  if (arr.length < n) throw new Error(`conv2d: ${what} has ${arr.length} values, needs ${n}`);
}

/** True when the column matrix of a sample is the input itself (1×1, stride 1, no pads). */
export function isPointwise(g: ConvGeometry): boolean {
  return g.kh === 1 && g.kw === 1 && g.sh === 1 && g.sw === 1 && g.top === 0 && g.left === 0 &&
    g.oh === g.h && g.ow === g.w;
}

/** Writes the column matrix of samples [b0, b0+nb) of x into cols (zeros for padding). */
export function im2col(
  x: FloatArray,
  g: ConvGeometry,
  b0: number,
  nb: number,
  cols: FloatArray,
): void {
  if (isDilated(g)) return copyDilatedWindows(x, g, b0, nb, cols);
  if (
    x instanceof Float32Array && cols instanceof Float32Array && g.cin % 2 === 0 &&
    x.byteOffset % 8 === 0 && cols.byteOffset % 8 === 0
  ) {
    // An even channel count puts every run on an even float32 index, so the same copy can move
    // float32 pairs as float64s: half the element moves, about twice as fast (bench/README.md).
    // Loads and stores of typed-array doubles keep their bits, NaN payloads included.
    const x2 = new Float64Array(x.buffer, x.byteOffset, x.length >> 1);
    const cols2 = new Float64Array(cols.buffer, cols.byteOffset, cols.length >> 1);
    return copyPairWindows(x2, { ...g, cin: g.cin >> 1 }, b0, nb, cols2);
  }
  copyWindows(x, g, b0, nb, cols);
}

/** im2col over elements of any width: `g.cin` counts elements of x's type per pixel. */
function copyWindows(
  x: FloatArray,
  g: ConvGeometry,
  b0: number,
  nb: number,
  cols: FloatArray,
): void {
  const { h, w, cin, kh, kw, oh, ow, sh, sw, top, left } = g;
  const run = kw * cin, rowLen = w * cin;
  let o = 0;
  for (let b = b0; b < b0 + nb; b++) {
    const xb = b * h * rowLen;
    for (let oy = 0; oy < oh; oy++) {
      const iy0 = oy * sh - top;
      for (let ox = 0; ox < ow; ox++) {
        const ix0 = ox * sw - left;
        // Taps kx in [kx0, kx1) land inside the row; the rest are padding.
        const lo = Math.max(0, -ix0) * cin, hi = Math.min(kw, w - ix0) * cin;
        for (let ky = 0; ky < kh; ky++, o += run) {
          const iy = iy0 + ky;
          if (iy < 0 || iy >= h || hi <= lo) {
            for (let i = 0; i < run; i++) cols[o + i] = 0;
            continue;
          }
          const s = xb + iy * rowLen + ix0 * cin;
          for (let i = 0; i < lo; i++) cols[o + i] = 0;
          for (let i = lo; i < hi; i++) cols[o + i] = x[s + i];
          for (let i = hi; i < run; i++) cols[o + i] = 0;
        }
      }
    }
  }
}

/**
 * copyWindows for float32 pairs viewed as float64. The same loop as a separate function, so
 * each stays monomorphic: V8 keeps type feedback per function, and one loop fed both
 * Float32Array and Float64Array measured 1.7× slower on the pair copy (bench/README.md).
 */
function copyPairWindows(
  x: Float64Array,
  g: ConvGeometry,
  b0: number,
  nb: number,
  cols: Float64Array,
): void {
  const { h, w, cin, kh, kw, oh, ow, sh, sw, top, left } = g;
  const run = kw * cin, rowLen = w * cin;
  let o = 0;
  for (let b = b0; b < b0 + nb; b++) {
    const xb = b * h * rowLen;
    for (let oy = 0; oy < oh; oy++) {
      const iy0 = oy * sh - top;
      for (let ox = 0; ox < ow; ox++) {
        const ix0 = ox * sw - left;
        // Taps kx in [kx0, kx1) land inside the row; the rest are padding.
        const lo = Math.max(0, -ix0) * cin, hi = Math.min(kw, w - ix0) * cin;
        for (let ky = 0; ky < kh; ky++, o += run) {
          const iy = iy0 + ky;
          if (iy < 0 || iy >= h || hi <= lo) {
            for (let i = 0; i < run; i++) cols[o + i] = 0;
            continue;
          }
          const s = xb + iy * rowLen + ix0 * cin;
          for (let i = 0; i < lo; i++) cols[o + i] = 0;
          for (let i = lo; i < hi; i++) cols[o + i] = x[s + i];
          for (let i = hi; i < run; i++) cols[o + i] = 0;
        }
      }
    }
  }
}

/**
 * im2col of a dilated filter: a tap's Cin channels are contiguous in x, but taps along a row
 * are dw pixels apart, so each tap is copied (or zeroed, in the padding) on its own.
 */
function copyDilatedWindows(
  x: FloatArray,
  g: ConvGeometry,
  b0: number,
  nb: number,
  cols: FloatArray,
): void {
  const { h, w, cin, kh, kw, oh, ow, sh, sw, top, left, dh, dw } = g;
  const rowLen = w * cin;
  let o = 0;
  for (let b = b0; b < b0 + nb; b++) {
    const xb = b * h * rowLen;
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy * sh - top + ky * dh;
          for (let kx = 0; kx < kw; kx++, o += cin) {
            const ix = ox * sw - left + kx * dw;
            if (iy < 0 || iy >= h || ix < 0 || ix >= w) {
              for (let i = 0; i < cin; i++) cols[o + i] = 0;
              continue;
            }
            const s = xb + iy * rowLen + ix * cin;
            for (let i = 0; i < cin; i++) cols[o + i] = x[s + i];
          }
        }
      }
    }
  }
}

/** col2im of a dilated filter: the adjoint of copyDilatedWindows, accumulating into dx. */
function addDilatedWindows(
  cols: FloatArray,
  g: ConvGeometry,
  b0: number,
  nb: number,
  dx: FloatArray,
): void {
  const { h, w, cin, kh, kw, oh, ow, sh, sw, top, left, dh, dw } = g;
  const rowLen = w * cin;
  let o = 0;
  for (let b = b0; b < b0 + nb; b++) {
    const xb = b * h * rowLen;
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy * sh - top + ky * dh;
          for (let kx = 0; kx < kw; kx++, o += cin) {
            const ix = ox * sw - left + kx * dw;
            if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
            const s = xb + iy * rowLen + ix * cin;
            for (let i = 0; i < cin; i++) dx[s + i] += cols[o + i];
          }
        }
      }
    }
  }
}

/**
 * The adjoint of im2col: adds each column entry back onto the input element it was copied from,
 * for samples [b0, b0+nb). dx is accumulated into, so the caller zeroes it first.
 */
export function col2im(
  cols: FloatArray,
  g: ConvGeometry,
  b0: number,
  nb: number,
  dx: FloatArray,
): void {
  if (isDilated(g)) return addDilatedWindows(cols, g, b0, nb, dx);
  const { h, w, cin, kh, kw, oh, ow, sh, sw, top, left } = g;
  const run = kw * cin, rowLen = w * cin;
  let o = 0;
  for (let b = b0; b < b0 + nb; b++) {
    const xb = b * h * rowLen;
    for (let oy = 0; oy < oh; oy++) {
      const iy0 = oy * sh - top;
      for (let ox = 0; ox < ow; ox++) {
        const ix0 = ox * sw - left;
        const lo = Math.max(0, -ix0) * cin, hi = Math.min(kw, w - ix0) * cin;
        for (let ky = 0; ky < kh; ky++, o += run) {
          const iy = iy0 + ky;
          if (iy < 0 || iy >= h) continue;
          const s = xb + iy * rowLen + ix0 * cin;
          for (let i = lo; i < hi; i++) dx[s + i] += cols[o + i];
        }
      }
    }
  }
}
