import type { FloatArray } from "../dtype.ts";
import { runOp } from "../engine.ts";
import { defineOp, type OpTestCase } from "../op.ts";
import { fmtShape } from "../shape.ts";
import type { Tensor } from "../tensor_core.ts";
import { type Padding, type Pads, resolvePads, windowOutput } from "./conv_window.ts";

/** Max pooling on NHWC with window extent, stride and padding, and its gradient op. */

/** Attributes of maxPool2d and its gradient, with padding resolved to explicit sides. */
export interface PoolAttrs {
  /** Window height and width. */
  pool: [number, number];
  /** Step of the window along height and width. */
  strides: [number, number];
  /** Padding on each side; padded positions never win the max. */
  pads: Pads;
}

/**
 * Visits each output element with the input index of its window's maximum, shared by forward
 * and gradient: the first maximum in window order on ties, the first NaN when the window holds
 * one (its output is then NaN and its gradient goes to that NaN), padding never.
 */
function forEachArgmax(
  x: FloatArray,
  xShape: number[],
  { pool: [ph, pw], strides: [sh, sw], pads }: PoolAttrs,
  f: (yi: number, xi: number) => void,
): void {
  const [n, h, w, c] = xShape;
  const [oh, ow] = windowOutput("maxPool2d", h, w, ph, pw, [sh, sw], pads);
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        for (let ch = 0; ch < c; ch++) {
          let best = -1, bestV = -Infinity;
          for (let ky = 0; ky < ph; ky++) {
            const iy = oy * sh + ky - pads.top;
            if (iy < 0 || iy >= h) continue;
            for (let kx = 0; kx < pw; kx++) {
              const ix = ox * sw + kx - pads.left;
              if (ix < 0 || ix >= w) continue;
              const xi = ((b * h + iy) * w + ix) * c + ch;
              const v = x[xi];
              if (best < 0 || (bestV === bestV && (v > bestV || v !== v))) {
                best = xi;
                bestV = v;
              }
            }
          }
          f(((b * oh + oy) * ow + ox) * c + ch, best);
        }
      }
    }
  }
}

function poolShape(x: number[], attrs: PoolAttrs): number[] {
  if (x.length !== 4) throw new Error(`maxPool2d: input must be NHWC, got ${fmtShape(x)}`);
  const [oh, ow] = windowOutput("maxPool2d", x[1], x[2], ...attrs.pool, attrs.strides, attrs.pads);
  return [x[0], oh, ow, x[3]];
}

const zero: Pads = { top: 0, bottom: 0, left: 0, right: 0 };
const poolCases: OpTestCase<PoolAttrs>[] = [
  {
    name: "2x2 s2",
    inputs: [{ shape: [2, 4, 4, 3], distinct: true }],
    attrs: { pool: [2, 2], strides: [2, 2], pads: zero },
  },
  {
    // Channels in fours: the fast CPU kernel's WASM SIMD path.
    name: "2x2 s2 c4",
    inputs: [{ shape: [2, 4, 6, 4], distinct: true }],
    attrs: { pool: [2, 2], strides: [2, 2], pads: zero },
  },
  {
    name: "3x3 s2 odd",
    inputs: [{ shape: [1, 7, 5, 2], distinct: true }],
    attrs: { pool: [3, 3], strides: [2, 2], pads: zero },
  },
  {
    name: "2x2 s1 pad",
    inputs: [{ shape: [1, 3, 3, 1], distinct: true }],
    attrs: { pool: [2, 2], strides: [1, 1], pads: { top: 0, bottom: 1, left: 0, right: 1 } },
  },
];

const maxPoolDef = defineOp<PoolAttrs>({
  name: "maxPool2d",
  infer: ([x], attrs) => ({ shape: poolShape(x.shape, attrs), dtype: x.dtype }),
  cpu: ([x], attrs, out) => {
    const xd = x.data as FloatArray;
    forEachArgmax(xd, x.shape, attrs, (yi, xi) => (out[yi] = xd[xi]));
  },
  grad: (dy, { inputs: [x], attrs }) => [runOp(maxPoolGradDef, [x, dy], attrs)],
  tests: poolCases,
});

const maxPoolGradDef = defineOp<PoolAttrs>({
  name: "maxPool2dGrad",
  infer: ([x, dy], attrs) => {
    const y = poolShape(x.shape, attrs);
    if (y.some((d, i) => d !== dy.shape[i])) {
      throw new Error(`maxPool2dGrad: dy ${fmtShape(dy.shape)} should be ${fmtShape(y)}`);
    }
    return { shape: [...x.shape], dtype: x.dtype };
  },
  cpu: ([x, dy], attrs, out) => {
    forEachArgmax(x.data as FloatArray, x.shape, attrs, (yi, xi) => (out[xi] += dy.data[yi]));
  },
  gradOf: "maxPool2d",
  tests: [],
});

/**
 * Max pooling over `poolSize` windows; `strides` default to the pool size like Keras.
 * Example: `maxPool2d(x, { poolSize: 2 })`.
 */
export function maxPool2d(
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
  if (x.rank !== 4) poolShape(x.shape, { pool, strides, pads: zero });
  const pads = resolvePads(opts.padding ?? "valid", x.shape[1], x.shape[2], ...pool, strides);
  return runOp(maxPoolDef, [x], { pool, strides, pads });
}
