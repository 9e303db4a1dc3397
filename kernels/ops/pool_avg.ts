import type { FloatArray } from "../dtype.ts";
import { runOp } from "../engine.ts";
import { defineOp, type OpTestCase } from "../op.ts";
import { fmtShape } from "../shape.ts";
import type { Tensor } from "../tensor_core.ts";
import { type Padding, type Pads, resolvePads, windowOutput } from "./conv_window.ts";
import type { PoolAttrs } from "./pool.ts";

/**
 * Average pooling on NHWC and its gradient op. Padding is not averaged in: each window divides
 * by the number of real input elements it covers, as TensorFlow/Keras' AveragePooling2D with
 * padding "same" does (PyTorch's AvgPool2d counts the padding unless count_include_pad=False).
 */

/** Attributes of avgPool2dGrad: the pooling's, plus the input's height and width. */
export interface AvgPoolGradAttrs extends PoolAttrs {
  inHW: [number, number];
}

/** The real rows (or columns) of window `o` along one axis: [start, end) clipped to [0, n). */
export function windowSpan(o: number, stride: number, k: number, pad: number, n: number) {
  const start = o * stride - pad;
  return [Math.max(0, start), Math.min(n, start + k)];
}

function checkPool(name: string, x: number[], { pool, pads }: PoolAttrs): [number, number] {
  if (x.length !== 4) throw new Error(`${name}: input must be NHWC, got ${fmtShape(x)}`);
  if (Math.max(pads.top, pads.bottom) >= pool[0] || Math.max(pads.left, pads.right) >= pool[1]) {
    throw new Error(
      `${name}: padding ${JSON.stringify(pads)} is as wide as the ${pool.join("x")} window, so ` +
        `some windows would hold only padding; use padding "same" or "valid"`,
    );
  }
  return [x[1], x[2]];
}

function outShape(name: string, x: number[], attrs: PoolAttrs): number[] {
  const [h, w] = checkPool(name, x, attrs);
  const [oh, ow] = windowOutput(name, h, w, ...attrs.pool, attrs.strides, attrs.pads);
  return [x[0], oh, ow, x[3]];
}

/**
 * Calls `f(yi, xi, count)` for every (output, real input) pair of the pooling, windows in
 * output order and each window's elements in row-major order; `count` is the window's number
 * of real elements. The one loop nest forward and gradient share.
 */
function forEachWindowTap(
  n: number,
  h: number,
  w: number,
  c: number,
  { pool: [ph, pw], strides: [sh, sw], pads }: PoolAttrs,
  f: (yi: number, xi: number, count: number) => void,
): void {
  const [oh, ow] = windowOutput("avgPool2d", h, w, ph, pw, [sh, sw], pads);
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < oh; oy++) {
      const [y0, y1] = windowSpan(oy, sh, ph, pads.top, h);
      for (let ox = 0; ox < ow; ox++) {
        const [x0, x1] = windowSpan(ox, sw, pw, pads.left, w);
        const count = (y1 - y0) * (x1 - x0);
        for (let ch = 0; ch < c; ch++) {
          const yi = ((b * oh + oy) * ow + ox) * c + ch;
          for (let iy = y0; iy < y1; iy++) {
            for (let ix = x0; ix < x1; ix++) f(yi, ((b * h + iy) * w + ix) * c + ch, count);
          }
        }
      }
    }
  }
}

const zero: Pads = { top: 0, bottom: 0, left: 0, right: 0 };
const avgCases: OpTestCase<PoolAttrs>[] = [
  {
    name: "2x2 s2",
    inputs: [{ shape: [2, 4, 4, 3] }],
    attrs: { pool: [2, 2], strides: [2, 2], pads: zero },
  },
  {
    name: "3x2 s(2,1) odd",
    inputs: [{ shape: [1, 7, 5, 2] }],
    attrs: { pool: [3, 2], strides: [2, 1], pads: zero },
  },
  {
    // padding "same" of 5x5 by 3x3 stride 2: one pixel each side, corner windows of 4.
    name: "3x3 s2 same",
    inputs: [{ shape: [1, 5, 5, 2] }],
    attrs: { pool: [3, 3], strides: [2, 2], pads: resolvePads("same", 5, 5, 3, 3, [2, 2]) },
  },
  {
    name: "2x2 s1 same (odd pixel at the bottom/right)",
    inputs: [{ shape: [2, 3, 4, 1] }],
    attrs: { pool: [2, 2], strides: [1, 1], pads: resolvePads("same", 3, 4, 2, 2, [1, 1]) },
  },
];

const avgPoolDef = defineOp<PoolAttrs>({
  name: "avgPool2d",
  infer: ([x], attrs) => ({ shape: outShape("avgPool2d", x.shape, attrs), dtype: x.dtype }),
  cpu: ([x], attrs, out) => {
    const [n, h, w, c] = x.shape;
    const xd = x.data as FloatArray;
    // Sum the window, then divide once (the WGSL kernel does the same).
    const acc = new Float64Array(out.length), counts = new Float64Array(out.length);
    forEachWindowTap(n, h, w, c, attrs, (yi, xi, count) => {
      acc[yi] += xd[xi];
      counts[yi] = count;
    });
    for (let i = 0; i < out.length; i++) out[i] = acc[i] / counts[i];
  },
  grad: (dy, { inputs: [x], attrs }) => [
    runOp(avgPoolGradDef, [dy], { ...attrs, inHW: [x.shape[1], x.shape[2]] }),
  ],
  tests: avgCases,
});

const avgPoolGradDef = defineOp<AvgPoolGradAttrs>({
  name: "avgPool2dGrad",
  infer: ([dy], { inHW, ...attrs }) => {
    const xShape = [dy.shape[0], ...inHW, dy.shape[3]];
    const y = outShape("avgPool2dGrad", xShape, attrs);
    if (dy.shape.length !== 4 || y.some((d, i) => d !== dy.shape[i])) {
      throw new Error(`avgPool2dGrad: dy ${fmtShape(dy.shape)} should be ${fmtShape(y)}`);
    }
    return { shape: xShape, dtype: dy.dtype };
  },
  // Each input element gets dy/count of every window that holds it.
  cpu: ([dy], { inHW: [h, w], ...attrs }, out) => {
    const [n, , , c] = dy.shape;
    forEachWindowTap(n, h, w, c, attrs, (yi, xi, count) => (out[xi] += dy.data[yi] / count));
  },
  gradOf: "avgPool2d",
  tests: [],
});

/**
 * Average pooling over `poolSize` windows (TF.js `avgPool`, Keras `AveragePooling2D`);
 * `strides` default to the pool size; with padding "same" each window averages only its real
 * elements. Example: `avgPool2d(x, { poolSize: 2 })`.
 */
export function avgPool2d(
  x: Tensor,
  opts: {
    poolSize?: number | [number, number];
    strides?: number | [number, number];
    padding?: Padding;
  } = {},
): Tensor {
  const pair = (v: number | [number, number]): [number, number] =>
    typeof v === "number" ? [v, v] : v;
  const pool = pair(opts.poolSize ?? 2);
  const strides = pair(opts.strides ?? pool);
  if (x.rank !== 4) outShape("avgPool2d", x.shape, { pool, strides, pads: zero });
  const pads = resolvePads(opts.padding ?? "valid", x.shape[1], x.shape[2], ...pool, strides);
  return runOp(avgPoolDef, [x], { pool, strides, pads });
}
