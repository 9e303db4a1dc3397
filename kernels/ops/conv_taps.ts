/**
 * What the reference convolutions share (conv2d, depthwiseConv2d and their backprop ops): the
 * shape checks, and the one loop nest that visits every multiply-add, so the forward and
 * backward kernels of both ops cannot disagree on indexing.
 * @module
 */
import type { FloatArray, TypedArray } from "../dtype.ts";
import type { CpuInput } from "../op.ts";
import { fmtShape } from "../shape.ts";
import type { Pads } from "./conv_window.ts";

/** The window attributes the loop nest reads (conv2d's, and depthwiseConv2d's). */
export interface TapAttrs {
  strides: [number, number];
  pads: Pads;
  dilations?: [number, number];
}

/** Throws naming `op` unless `a` and `b` are float tensors of one dtype. */
export function checkFloatPair(op: string, a: { dtype: string }, b: { dtype: string }): void {
  if (a.dtype !== b.dtype || a.dtype === "int32") {
    throw new Error(`${op}: needs two float tensors of one dtype, got ${a.dtype}, ${b.dtype}`);
  }
}

/** Throws naming `op` unless `x` is NHWC and `w` 4-D; `layout` names w's axes in the message. */
export function checkConvRanks(op: string, x: number[], w: number[], layout: string): void {
  if (x.length !== 4 || w.length !== 4) {
    throw new Error(
      `${op}: input must be NHWC [N,H,W,C] and filter ${layout}, got ` +
        `${fmtShape(x)} and ${fmtShape(w)}`,
    );
  }
}

/** Throws naming `op` unless the filter's third axis matches the input's channels. */
export function checkConvChannels(op: string, x: number[], w: number[]): void {
  if (x[3] !== w[2]) {
    throw new Error(
      `${op}: input has ${x[3]} channels but the filter expects ${w[2]} (${fmtShape(x)} vs ` +
        `filter ${fmtShape(w)})`,
    );
  }
}

/** Throws naming `op` unless a backprop op's `dy` has the forward output's shape `y`. */
export function checkDy(op: string, dy: number[], y: number[]): void {
  if (dy.length !== y.length || y.some((d, i) => d !== dy[i])) {
    throw new Error(`${op}: dy ${fmtShape(dy)} should be ${fmtShape(y)}`);
  }
}

/**
 * Calls `f(xIndex, wIndex, yIndex)` for every multiply-add of the convolution of NHWC input `x`
 * with filter `w` [KH, KW, Cin, K] into `y` [N, OH, OW, …]: every input channel meets all K
 * filters (output channel k), or with `depthwise` only its own K (output channel c·K + k).
 * Taps in the padding come with xIndex −1: zero padding is a real zero input, so 0·w is added
 * and an infinite or NaN weight or dy makes the sums it touches NaN, as in an im2col
 * convolution (the fast kernels, WebGPU's and PyTorch's).
 */
function forEachConvTap(
  x: number[],
  w: number[],
  y: number[],
  attrs: TapAttrs,
  depthwise: boolean,
  f: (xi: number, wi: number, yi: number) => void,
): void {
  const { strides: [sh, sw], pads } = attrs;
  const [dh, dw] = attrs.dilations ?? [1, 1];
  const [n, h, wd, cin] = x;
  const [kh, kw, , k] = w;
  const [, oh, ow] = y;
  const outC = depthwise ? cin * k : k;
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        const yBase = ((b * oh + oy) * ow + ox) * outC;
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy * sh + ky * dh - pads.top;
          for (let kx = 0; kx < kw; kx++) {
            const ix = ox * sw + kx * dw - pads.left;
            const pad = iy < 0 || iy >= h || ix < 0 || ix >= wd;
            const xBase = pad ? -1 : ((b * h + iy) * wd + ix) * cin;
            const wBase = (ky * kw + kx) * cin * k;
            for (let c = 0; c < cin; c++) {
              const xi = pad ? -1 : xBase + c;
              const wc = wBase + c * k, yc = depthwise ? yBase + c * k : yBase;
              for (let o = 0; o < k; o++) f(xi, wc + o, yc + o);
            }
          }
        }
      }
    }
  }
}

/**
 * The three reference kernels of conv2d and depthwiseConv2d (`depthwise`), on one loop nest.
 */
export const referenceConv = {
  /** y += x·w at every tap; a padded tap adds 0·w (so a non-finite weight still spreads). */
  forward(
    x: CpuInput,
    w: CpuInput,
    out: TypedArray,
    outShape: number[],
    a: TapAttrs,
    depthwise: boolean,
  ) {
    const xd = x.data as FloatArray, wd = w.data as FloatArray;
    forEachConvTap(x.shape, w.shape, outShape, a, depthwise, (xi, wi, yi) => {
      out[yi] += (xi < 0 ? 0 : xd[xi]) * wd[wi];
    });
  },
  /** dx += dy·w at the taps whose input exists: padding has no gradient to hold. */
  inputGrad(
    dy: CpuInput,
    w: CpuInput,
    out: TypedArray,
    xShape: number[],
    a: TapAttrs,
    depthwise: boolean,
  ) {
    const dyd = dy.data as FloatArray, wd = w.data as FloatArray;
    forEachConvTap(xShape, w.shape, dy.shape, a, depthwise, (xi, wi, yi) => {
      if (xi >= 0) out[xi] += dyd[yi] * wd[wi];
    });
  },
  /** dw += x·dy at every tap; a padded tap adds 0·dy. */
  filterGrad(
    x: CpuInput,
    dy: CpuInput,
    out: TypedArray,
    wShape: number[],
    a: TapAttrs,
    depthwise: boolean,
  ) {
    const xd = x.data as FloatArray, dyd = dy.data as FloatArray;
    forEachConvTap(x.shape, wShape, dy.shape, a, depthwise, (xi, wi, yi) => {
      out[wi] += (xi < 0 ? 0 : xd[xi]) * dyd[yi];
    });
  },
};
