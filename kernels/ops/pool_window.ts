/**
 * What the 2-D pooling ops share: their attributes, the options → attributes step, the pooled
 * shape, and the one loop over windows that max and average pooling (reference and fast CPU
 * kernels, forward and gradient) all walk.
 * @module
 */
import { fmtShape } from "../shape.ts";
import type { Tensor } from "../tensor_core.ts";
import {
  checkPadding,
  type Padding,
  type Pads,
  pairOf,
  resolvePads,
  windowOutput,
} from "./conv_window.ts";

/** Attributes of the 2-D pooling ops and their gradients, padding resolved to explicit sides. */
export interface PoolAttrs {
  /** Window height and width. */
  pool: [number, number];
  /** Step of the window along height and width. */
  strides: [number, number];
  /** Padding on each side; padded positions never win the max nor enter the average. */
  pads: Pads;
}

/** Options of `maxPool2d` and `avgPool2d`; `strides` default to `poolSize` like Keras. */
export interface PoolOptions {
  /** Window height and width, or one number for both (default 2). */
  poolSize?: number | [number, number];
  /** Step along height and width (default: the pool size). */
  strides?: number | [number, number];
  /** "valid" (default) or "same". */
  padding?: Padding;
}

/** No padding on any side. */
export const NO_PADS: Pads = { top: 0, bottom: 0, left: 0, right: 0 };

/** The NHWC output shape of pooling `x` (a shape) with `attrs`; throws for a non-NHWC input. */
export function pooledShape(name: string, x: readonly number[], attrs: PoolAttrs): number[] {
  if (x.length !== 4) throw new Error(`${name}: input must be NHWC, got ${fmtShape(x)}`);
  const [oh, ow] = windowOutput(name, x[1], x[2], ...attrs.pool, attrs.strides, attrs.pads);
  return [x[0], oh, ow, x[3]];
}

/**
 * The attributes of pooling `x` with `opts`; `shape(x.shape, attrs)` rejects a non-NHWC input
 * before its height and width are read for the padding.
 * Example: `poolAttrs(x, { poolSize: 2 }, (s, a) => pooledShape("maxPool2d", s, a))`.
 */
export function poolAttrs(
  x: Tensor,
  opts: PoolOptions,
  shape: (x: readonly number[], attrs: PoolAttrs) => unknown,
  op = "maxPool2d",
): PoolAttrs {
  checkPadding(op, opts.padding ?? "valid");
  const pool = pairOf(opts.poolSize ?? 2);
  const strides = pairOf(opts.strides ?? pool);
  if (x.rank !== 4) shape(x.shape, { pool, strides, pads: NO_PADS });
  const pads = resolvePads(opts.padding ?? "valid", x.shape[1], x.shape[2], ...pool, strides);
  return { pool, strides, pads };
}

/**
 * Calls `visit(yBase, taps, count)` for every window position (batch, row, column) in output
 * order: `yBase` is the output index of channel 0, `taps[0…count)` the input indices (channel
 * 0) of the window's real elements in row-major order, padding left out. Add the channel to
 * both. `taps` is one buffer reused for every window.
 */
export function forEachWindow(
  name: string,
  [n, h, w, c]: readonly number[],
  { pool: [ph, pw], strides: [sh, sw], pads }: PoolAttrs,
  visit: (yBase: number, taps: Int32Array, count: number) => void,
): void {
  const [oh, ow] = windowOutput(name, h, w, ph, pw, [sh, sw], pads);
  const taps = new Int32Array(ph * pw);
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < oh; oy++) {
      const y0 = Math.max(0, oy * sh - pads.top), y1 = Math.min(h, oy * sh - pads.top + ph);
      for (let ox = 0; ox < ow; ox++) {
        const x0 = Math.max(0, ox * sw - pads.left), x1 = Math.min(w, ox * sw - pads.left + pw);
        let count = 0;
        for (let iy = y0; iy < y1; iy++) {
          for (let ix = x0; ix < x1; ix++) taps[count++] = ((b * h + iy) * w + ix) * c;
        }
        visit(((b * oh + oy) * ow + ox) * c, taps, count);
      }
    }
  }
}
