import type { FloatArray } from "../dtype.ts";
import { runOp } from "../engine.ts";
import { defineOp, type OpDef, type OpTestCase } from "../op.ts";
import { fmtShape } from "../shape.ts";
import type { Tensor } from "../tensor_core.ts";

/**
 * Bilinear resizing of NHWC images with half-pixel centres (TF's `tf.image.resize` "bilinear",
 * which Keras 3's UpSampling2D uses, and PyTorch's `F.interpolate(mode="bilinear",
 * align_corners=False)`): output pixel o samples the input at (o + ½)·in/out − ½, clamped at 0,
 * from its two neighbours i0 = ⌊src⌋ and i1 = min(i0 + 1, in − 1) along each axis. Every output
 * reads its four taps, a zero-weight one too, as PyTorch (a NaN there makes the output NaN; TF
 * skips a tap past the last row). The source position is computed in integers, so every backend
 * picks the same taps. Plus the gradient op, linear too, whose own gradient is the resize.
 */

/** Attributes of resizeBilinear: the output height and width. */
export interface ResizeAttrs {
  /** [outHeight, outWidth]. */
  size: [number, number];
}

/** Attributes of resizeBilinearGrad: the forward's input height and width. */
export interface ResizeGradAttrs {
  /** [height, width] of the resized input, the gradient's spatial shape. */
  inHW: [number, number];
}

/**
 * The taps of output position `o` of `outLen` over an axis of `inLen`: i0, i1 and their
 * weights. The source position ((2o + 1)·in − out) / (2·out) is exact in integers.
 * Example: `bilinearTaps(0, 4, 2)` is [0, 1, 1, 0] (clamped at the border).
 */
export function bilinearTaps(
  o: number,
  outLen: number,
  inLen: number,
): [number, number, number, number] {
  const num = Math.max((2 * o + 1) * inLen - outLen, 0), den = 2 * outLen;
  const i0 = Math.min(Math.floor(num / den), inLen - 1);
  const l1 = (num - i0 * den) / den;
  return [i0, Math.min(i0 + 1, inLen - 1), 1 - l1, l1];
}

/**
 * Calls `f(yIndex, taps, weights)` for every output element, in output order, with its four
 * input indices [x00, x01, x10, x11] and their weights: the one loop nest the forward and
 * gradient share.
 */
function forEachOutput(
  [n, h, w, c]: number[],
  [oh, ow]: [number, number],
  f: (yi: number, taps: number[], weights: number[]) => void,
): void {
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < oh; oy++) {
      const [y0, y1, wy0, wy1] = bilinearTaps(oy, oh, h);
      for (let ox = 0; ox < ow; ox++) {
        const [x0, x1, wx0, wx1] = bilinearTaps(ox, ow, w);
        const yBase = ((b * oh + oy) * ow + ox) * c;
        const at = (iy: number, ix: number) => ((b * h + iy) * w + ix) * c;
        const taps = [at(y0, x0), at(y0, x1), at(y1, x0), at(y1, x1)];
        const weights = [wy0 * wx0, wy0 * wx1, wy1 * wx0, wy1 * wx1];
        for (let ch = 0; ch < c; ch++) f(yBase + ch, taps.map((t) => t + ch), weights);
      }
    }
  }
}

function checkSize(op: string, size: number[]): void {
  if (size.length !== 2 || !size.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new Error(`${op}: size must be [height, width] of whole numbers ≥ 1, got [${size}]`);
  }
}

function checkImage(op: string, x: { shape: number[]; dtype: string }): void {
  if (x.shape.length !== 4 || x.dtype === "int32") {
    throw new Error(
      `${op}: needs a float NHWC [N,H,W,C] tensor, got ${x.dtype}${fmtShape(x.shape)}`,
    );
  }
}

const cases: OpTestCase<ResizeAttrs>[] = [
  { name: "2x up", inputs: [{ shape: [2, 3, 4, 2] }], attrs: { size: [6, 8] } },
  { name: "[3, 2] up, one row", inputs: [{ shape: [1, 1, 3, 3] }], attrs: { size: [3, 6] } },
  { name: "4x up", inputs: [{ shape: [1, 2, 2, 1] }], attrs: { size: [8, 8] } },
  { name: "down 5x4 to 3x2", inputs: [{ shape: [2, 5, 4, 2] }], attrs: { size: [3, 2] } },
];

const resizeDef: OpDef<ResizeAttrs> = defineOp<ResizeAttrs>({
  name: "resizeBilinear",
  infer: ([x], { size }) => {
    checkImage("resizeBilinear", x);
    checkSize("resizeBilinear", size);
    return { shape: [x.shape[0], size[0], size[1], x.shape[3]], dtype: x.dtype };
  },
  // (x00·w00 + x01·w01) + (x10·w10 + x11·w11): one fixed order on every backend.
  cpu: ([x], { size }, out) => {
    const xd = x.data as FloatArray;
    forEachOutput(x.shape, size, (yi, [a, b, c, d], [wa, wb, wc, wd]) => {
      out[yi] = xd[a] * wa + xd[b] * wb + (xd[c] * wc + xd[d] * wd);
    });
  },
  grad: (dy, { inputs: [x] }) => [
    runOp(resizeGradDef, [dy], { inHW: [x.shape[1], x.shape[2]] }),
  ],
  tests: cases,
});

const resizeGradDef: OpDef<ResizeGradAttrs> = defineOp<ResizeGradAttrs>({
  name: "resizeBilinearGrad",
  infer: ([dy], { inHW }) => {
    checkImage("resizeBilinearGrad", dy);
    checkSize("resizeBilinearGrad", inHW);
    return { shape: [dy.shape[0], inHW[0], inHW[1], dy.shape[3]], dtype: dy.dtype };
  },
  // Each output's gradient goes to its four taps, a zero weight too (0·∞ is NaN, as PyTorch).
  cpu: ([dy], { inHW }, out) => {
    const g = dy.data as FloatArray;
    const [n, oh, ow, c] = dy.shape;
    forEachOutput([n, inHW[0], inHW[1], c], [oh, ow], (yi, taps, weights) => {
      for (let t = 0; t < 4; t++) out[taps[t]] += g[yi] * weights[t];
    });
  },
  // Linear in dy: its gradient is the resize back to dy's size.
  grad: (ddx, { inputs: [dy] }) => [
    runOp(resizeDef, [ddx], { size: [dy.shape[1], dy.shape[2]] }),
  ],
  tests: [
    { name: "2x up", inputs: [{ shape: [1, 4, 6, 2] }], attrs: { inHW: [2, 3] } },
    { name: "down 3x2 from 5x4", inputs: [{ shape: [1, 3, 2, 3] }], attrs: { inHW: [5, 4] } },
  ],
});

/**
 * Bilinear resize of NHWC `x` to `size` [height, width] with half-pixel centres (TF's
 * `tf.image.resize(x, size, "bilinear")`, PyTorch's `align_corners=False`).
 * Example: `resizeBilinear(x, [2 * h, 2 * w])`.
 */
export function resizeBilinear(x: Tensor, size: [number, number]): Tensor {
  return runOp(resizeDef, [x], { size: [size[0], size[1]] });
}
