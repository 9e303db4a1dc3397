import type { FloatArray } from "../dtype.ts";
import { checkOutShape, convGeometry, type ConvPads } from "./im2col.ts";

/**
 * Reference conv2d and backprops as plain loops over every (sample, output pixel, tap, channel):
 * the oracle the im2col + GEMM versions in conv2d_fast.ts are tested against. Same signatures
 * and layouts (NHWC input, [KH,KW,Cin,Cout] filter); each overwrites its output.
 */

/** out[N,OH,OW,Cout] = conv2d(x, w); see conv2dForward. */
export function conv2dNaiveForward(
  x: FloatArray,
  xShape: readonly number[],
  w: FloatArray,
  wShape: readonly number[],
  strides: readonly number[],
  pads: ConvPads,
  out: FloatArray,
): void {
  const { n, h, w: wd, cin, kh, kw, cout, oh, ow, sh, sw, top, left } = convGeometry(
    xShape,
    wShape,
    strides,
    pads,
  );
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        for (let co = 0; co < cout; co++) {
          let s = 0;
          for (let ky = 0; ky < kh; ky++) {
            const iy = oy * sh + ky - top;
            if (iy < 0 || iy >= h) continue;
            for (let kx = 0; kx < kw; kx++) {
              const ix = ox * sw + kx - left;
              if (ix < 0 || ix >= wd) continue;
              for (let ci = 0; ci < cin; ci++) {
                s += x[((b * h + iy) * wd + ix) * cin + ci] *
                  w[((ky * kw + kx) * cin + ci) * cout + co];
              }
            }
          }
          out[((b * oh + oy) * ow + ox) * cout + co] = s;
        }
      }
    }
  }
}

/** dx[N,H,W,Cin] from dy; see conv2dBackpropInput. */
export function conv2dNaiveBackpropInput(
  dy: FloatArray,
  dyShape: readonly number[],
  w: FloatArray,
  wShape: readonly number[],
  xShape: readonly number[],
  strides: readonly number[],
  pads: ConvPads,
  dx: FloatArray,
): void {
  const g = convGeometry(xShape, wShape, strides, pads);
  checkOutShape(g, dyShape, "dy");
  const { n, h, w: wd, cin, kh, kw, cout, oh, ow, sh, sw, top, left } = g;
  dx.fill(0, 0, n * h * wd * cin);
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy * sh + ky - top;
          if (iy < 0 || iy >= h) continue;
          for (let kx = 0; kx < kw; kx++) {
            const ix = ox * sw + kx - left;
            if (ix < 0 || ix >= wd) continue;
            for (let ci = 0; ci < cin; ci++) {
              let s = 0;
              for (let co = 0; co < cout; co++) {
                s += dy[((b * oh + oy) * ow + ox) * cout + co] *
                  w[((ky * kw + kx) * cin + ci) * cout + co];
              }
              dx[((b * h + iy) * wd + ix) * cin + ci] += s;
            }
          }
        }
      }
    }
  }
}

/** dw[KH,KW,Cin,Cout] from x and dy; see conv2dBackpropFilter. */
export function conv2dNaiveBackpropFilter(
  x: FloatArray,
  xShape: readonly number[],
  dy: FloatArray,
  dyShape: readonly number[],
  wShape: readonly number[],
  strides: readonly number[],
  pads: ConvPads,
  dw: FloatArray,
): void {
  const g = convGeometry(xShape, wShape, strides, pads);
  checkOutShape(g, dyShape, "dy");
  const { n, h, w: wd, cin, kh, kw, cout, oh, ow, sh, sw, top, left } = g;
  for (let ky = 0; ky < kh; ky++) {
    for (let kx = 0; kx < kw; kx++) {
      for (let ci = 0; ci < cin; ci++) {
        for (let co = 0; co < cout; co++) {
          let s = 0;
          for (let b = 0; b < n; b++) {
            for (let oy = 0; oy < oh; oy++) {
              const iy = oy * sh + ky - top;
              if (iy < 0 || iy >= h) continue;
              for (let ox = 0; ox < ow; ox++) {
                const ix = ox * sw + kx - left;
                if (ix < 0 || ix >= wd) continue;
                s += x[((b * h + iy) * wd + ix) * cin + ci] *
                  dy[((b * oh + oy) * ow + ox) * cout + co];
              }
            }
          }
          dw[((ky * kw + kx) * cin + ci) * cout + co] = s;
        }
      }
    }
  }
}
