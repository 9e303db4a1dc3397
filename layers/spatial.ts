import { broadcastTo, pad, resizeBilinear, slice } from "../kernels/ops/mod.ts";
import { fmtShape } from "../kernels/shape.ts";
import type { Tensor } from "../kernels/tensor.ts";
import { type CallContext, Layer } from "./module.ts";

/** ZeroPadding2D, Cropping2D and UpSampling2D on NHWC input (Keras names and option forms). */

/** An amount per side: n (all four), [h, w] (symmetric) or [[top, bottom], [left, right]]. */
export type Sides2D = number | [number, number] | [[number, number], [number, number]];

/** [[top, bottom], [left, right]] of a {@link Sides2D}, checked. */
function sides(op: string, option: string, v: Sides2D): [[number, number], [number, number]] {
  const s: [[number, number], [number, number]] = typeof v === "number"
    ? [[v, v], [v, v]]
    : Array.isArray(v) && typeof v[0] === "number"
    ? [[v[0], v[0]], [v[1] as number, v[1] as number]]
    : v as [[number, number], [number, number]];
  if (!s.flat().every((d) => Number.isInteger(d) && d >= 0) || s.flat().length !== 4) {
    throw new Error(
      `${op}: ${option} ${JSON.stringify(v)} must be n, [h, w] or [[top, bottom], [left, right]] ` +
        "of whole numbers ≥ 0",
    );
  }
  return s;
}

function checkNHWC(name: string, s: number[]): void {
  if (s.length !== 3) throw new Error(`${name}: expects [H, W, C] input, got ${fmtShape(s)}`);
}

/** Options of {@link ZeroPadding2D} (default 1 on every side). */
export interface ZeroPadding2DOptions {
  padding?: Sides2D;
  inputShape?: number[];
}

/** Adds rows and columns of zeros around each image. */
export class ZeroPadding2D extends Layer {
  readonly pads: [[number, number], [number, number]];
  constructor(readonly opts: ZeroPadding2DOptions = {}) {
    super("zero_padding2d", opts.inputShape);
    this.pads = sides("zeroPadding2d", "padding", opts.padding ?? 1);
  }
  outputShape(s: number[]): number[] {
    checkNHWC(this.name, s);
    const [[t, b], [l, r]] = this.pads;
    return [s[0] + t + b, s[1] + l + r, s[2]];
  }
  call(x: Tensor, _ctx: CallContext): Tensor {
    return pad(x, [[0, 0], ...this.pads, [0, 0]]);
  }
  /** The options that rebuild this layer (model files). */
  getConfig(): ZeroPadding2DOptions {
    return structuredClone(this.opts);
  }
}

/** Options of {@link Cropping2D} (default 0). */
export interface Cropping2DOptions {
  cropping?: Sides2D;
  inputShape?: number[];
}

/** Removes rows and columns from the edges of each image. */
export class Cropping2D extends Layer {
  readonly crops: [[number, number], [number, number]];
  constructor(readonly opts: Cropping2DOptions = {}) {
    super("cropping2d", opts.inputShape);
    this.crops = sides("cropping2d", "cropping", opts.cropping ?? 0);
  }
  outputShape(s: number[]): number[] {
    checkNHWC(this.name, s);
    const [[t, b], [l, r]] = this.crops;
    const h = s[0] - t - b, w = s[1] - l - r;
    if (h < 1 || w < 1) {
      throw new Error(
        `${this.name}: cropping ${JSON.stringify(this.crops)} leaves nothing of ${fmtShape(s)}`,
      );
    }
    return [h, w, s[2]];
  }
  call(x: Tensor, _ctx: CallContext): Tensor {
    const [h, w] = this.outputShape(x.shape.slice(1));
    return slice(x, [0, this.crops[0][0], this.crops[1][0], 0], [-1, h, w, -1]);
  }
  /** The options that rebuild this layer (model files). */
  getConfig(): Cropping2DOptions {
    return structuredClone(this.opts);
  }
}

/** Options of {@link UpSampling2D}: the factors (default 2) and the interpolation. */
export interface UpSampling2DOptions {
  /** Factors along height and width (one number for both); 2 by default. */
  size?: number | [number, number];
  /**
   * "nearest" (default) repeats each pixel; "bilinear" is `tf.image.resize` bilinear with
   * half-pixel centres (Keras 3), which is PyTorch's `align_corners=False`.
   */
  interpolation?: "nearest" | "bilinear";
  /** [height, width, channels] when this is a model's first layer. */
  inputShape?: number[];
}

/**
 * Upsamples each image by size[0] × size[1]: "nearest" repeats each pixel, "bilinear"
 * interpolates with half-pixel centres (the resizeBilinear op, Keras 3's UpSampling2D).
 */
export class UpSampling2D extends Layer {
  readonly size: [number, number];
  constructor(readonly opts: UpSampling2DOptions = {}) {
    super("up_sampling2d", opts.inputShape);
    const s = opts.size ?? 2;
    this.size = typeof s === "number" ? [s, s] : s;
    if (!this.size.every((d) => Number.isInteger(d) && d >= 1) || this.size.length !== 2) {
      throw new Error(`upSampling2d: size ${JSON.stringify(s)} must be n or [h, w], whole ≥ 1`);
    }
    const mode = opts.interpolation ?? "nearest";
    if (mode !== "nearest" && mode !== "bilinear") {
      throw new Error(
        `upSampling2d: interpolation "${opts.interpolation}" is not supported; use "nearest" or ` +
          `"bilinear"`,
      );
    }
  }
  outputShape(s: number[]): number[] {
    checkNHWC(this.name, s);
    return [s[0] * this.size[0], s[1] * this.size[1], s[2]];
  }
  // Nearest: a broadcast over two inserted axes, whose gradient sums each block back.
  call(x: Tensor, _ctx: CallContext): Tensor {
    const [n, h, w, c] = x.shape, [sh, sw] = this.size;
    if (this.opts.interpolation === "bilinear") return resizeBilinear(x, [h * sh, w * sw]);
    const blocks = broadcastTo(x.reshape([n, h, 1, w, 1, c]), [n, h, sh, w, sw, c]);
    return blocks.reshape([n, h * sh, w * sw, c]);
  }
  /** The options that rebuild this layer (model files). */
  getConfig(): UpSampling2DOptions {
    return structuredClone(this.opts);
  }
}
