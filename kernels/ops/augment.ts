import { runOp } from "../engine.ts";
import { defineOp } from "../op.ts";
import { hashUniform, pcgHash } from "../random.ts";
import { fmtShape } from "../shape.ts";
import type { Tensor } from "../tensor_core.ts";

/**
 * Data augmentation as an op, so batches gathered on the device are augmented there too: random
 * crop with zero padding and random horizontal flip of NHWC images. The draws are counter-based
 * (PCG hash of seed, counter and sample index), so both devices make the same choices.
 */

/** What to draw and from which stream. */
export interface CropFlipOptions {
  /** Zero padding on each side before a random crop back to H×W (0: no crop). */
  padding: number;
  /** Mirror each image left-right with probability ½. */
  flip: boolean;
  /** The run's seed; with `counter` and the sample index it fixes every draw. */
  seed: number;
  /** An epoch or step counter: same seed and counter, same draws. */
  counter: number;
  /** Index of the batch's first sample within the epoch, so batches draw as the whole would. */
  first: number;
}

/** The choices for one sample: content moves by (dy, dx), then is mirrored when `flip`. */
export interface CropFlipDraw {
  /** Rows the content moves down (negative: up). */
  dy: number;
  /** Columns the content moves right (negative: left). */
  dx: number;
  /** Whether the image is mirrored left-right after the shift. */
  flip: boolean;
}

/** The stream word all three draws of every sample hash against (CPU and WGSL alike). */
export function cropFlipStream(seed: number, counter: number): number {
  return pcgHash(((seed >>> 0) ^ pcgHash((counter >>> 0) ^ 0x5bd1e995)) >>> 0);
}

/** The draws for sample `index` of a batch. Example: `cropFlipDraw(0, opts).dx`. */
export function cropFlipDraw(index: number, o: CropFlipOptions): CropFlipDraw {
  const stream = cropFlipStream(o.seed, o.counter);
  const i = o.first + index;
  const span = 2 * o.padding + 1;
  return {
    dy: Math.floor(hashUniform(stream, 3 * i) * span) - o.padding,
    dx: Math.floor(hashUniform(stream, 3 * i + 1) * span) - o.padding,
    flip: o.flip && hashUniform(stream, 3 * i + 2) < 0.5,
  };
}

const cropFlipDef = defineOp<CropFlipOptions>({
  name: "cropFlip",
  infer: ([x], o) => {
    if (x.shape.length !== 4 || x.dtype === "int32") {
      throw new Error(`cropFlip: needs float NHWC images, got ${x.dtype}${fmtShape(x.shape)}`);
    }
    if (!(Number.isInteger(o.padding) && o.padding >= 0 && o.padding <= 15)) {
      throw new Error(`cropFlip: padding must be a whole number in [0, 15], got ${o.padding}`);
    }
    return { shape: [...x.shape], dtype: x.dtype };
  },
  cpu: ([x], o, out) => {
    const [n, h, w, c] = x.shape;
    const size = h * w * c;
    for (let s = 0; s < n; s++) {
      const { dy, dx, flip } = cropFlipDraw(s, o);
      for (let y = 0; y < h; y++) {
        const sy = y - dy;
        if (sy < 0 || sy >= h) continue;
        for (let xo = 0; xo < w; xo++) {
          const sx = (flip ? w - 1 - xo : xo) - dx;
          if (sx < 0 || sx >= w) continue;
          for (let k = 0; k < c; k++) {
            out[s * size + (y * w + xo) * c + k] = x.data[s * size + (sy * w + sx) * c + k];
          }
        }
      }
    }
  },
  noGradReason: "augmentation of input data, which needs no gradient",
  tests: [
    {
      name: "pad 2 flip, 3x5x4x2",
      inputs: [{ shape: [3, 5, 4, 2] }],
      attrs: { padding: 2, flip: true, seed: 5, counter: 1, first: 7 },
    },
    {
      name: "pad 4 no flip, 2x6x6x3",
      inputs: [{ shape: [2, 6, 6, 3] }],
      attrs: { padding: 4, flip: false, seed: 9, counter: 0, first: 0 },
    },
  ],
});

/**
 * Randomly shifted (zero-padded crop) and mirrored copies of NHWC images.
 * Example: `cropFlip(xb, { padding: 4, flip: true, seed: 1, counter: epoch, first: 0 })`.
 */
export function cropFlip(x: Tensor, o: CropFlipOptions): Tensor {
  return runOp(cropFlipDef, [x], o);
}
