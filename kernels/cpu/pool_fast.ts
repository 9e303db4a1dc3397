import type { FloatArray } from "../dtype.ts";
import { windowOutput } from "../ops/conv2d.ts";
import type { PoolAttrs } from "../ops/pool.ts";
import { registerFastKernel } from "./backend.ts";

/**
 * Fast CPU max pooling and its gradient. The reference visits one (output, channel) at a time
 * through a callback; here the window positions are the outer loops and the channels the inner
 * one, over contiguous NHWC memory, and the winners land in an index array both kernels share.
 * Same rule as the reference: the first maximum in window order wins, padding never does, and a
 * NaN that is first stays.
 */
function windowArgmax(x: FloatArray, xShape: number[], attrs: PoolAttrs): Int32Array {
  const [n, h, w, c] = xShape;
  const { pool: [ph, pw], strides: [sh, sw], pads } = attrs;
  const [oh, ow] = windowOutput("maxPool2d", h, w, ph, pw, [sh, sw], pads);
  const arg = new Int32Array(n * oh * ow * c).fill(-1);
  const best = new Float64Array(c);
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        const yBase = ((b * oh + oy) * ow + ox) * c;
        let first = true;
        for (let ky = 0; ky < ph; ky++) {
          const iy = oy * sh + ky - pads.top;
          if (iy < 0 || iy >= h) continue;
          for (let kx = 0; kx < pw; kx++) {
            const ix = ox * sw + kx - pads.left;
            if (ix < 0 || ix >= w) continue;
            const xBase = ((b * h + iy) * w + ix) * c;
            if (first) {
              for (let ch = 0; ch < c; ch++) {
                best[ch] = x[xBase + ch];
                arg[yBase + ch] = xBase + ch;
              }
              first = false;
              continue;
            }
            for (let ch = 0; ch < c; ch++) {
              const v = x[xBase + ch];
              if (v > best[ch]) {
                best[ch] = v;
                arg[yBase + ch] = xBase + ch;
              }
            }
          }
        }
      }
    }
  }
  return arg;
}

registerFastKernel("maxPool2d", ([x], attrs, out) => {
  const xd = x.data as FloatArray;
  const arg = windowArgmax(xd, x.shape, attrs as PoolAttrs);
  for (let i = 0; i < arg.length; i++) out[i] = arg[i] >= 0 ? xd[arg[i]] : 0;
});

registerFastKernel("maxPool2dGrad", ([x, dy], attrs, out) => {
  const arg = windowArgmax(x.data as FloatArray, x.shape, attrs as PoolAttrs);
  const g = dy.data;
  for (let i = 0; i < arg.length; i++) if (arg[i] >= 0) out[arg[i]] += g[i];
});
