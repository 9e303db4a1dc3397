import type { FloatArray } from "../dtype.ts";
import { runOp } from "../engine.ts";
import { defineOp, type OpTestCase } from "../op.ts";
import { fmtShape } from "../shape.ts";
import type { Tensor } from "../tensor_core.ts";
import {
  forEachWindow,
  NO_PADS,
  type PoolAttrs,
  poolAttrs,
  pooledShape,
  type PoolOptions,
} from "./pool_window.ts";

/** Max pooling on NHWC with window extent, stride and padding, and its gradient op. */

export type { PoolAttrs, PoolOptions } from "./pool_window.ts";

/**
 * Visits each output element with the input index of its window's maximum, shared by forward
 * and gradient: the first maximum in window order on ties, the first NaN when the window holds
 * one (its output is then NaN and its gradient goes to that NaN), padding never.
 */
function forEachArgmax(
  x: FloatArray,
  xShape: number[],
  attrs: PoolAttrs,
  f: (yi: number, xi: number) => void,
): void {
  const c = xShape[3];
  forEachWindow("maxPool2d", xShape, attrs, (yBase, taps, count) => {
    for (let ch = 0; ch < c; ch++) {
      let best = -1, bestV = -Infinity;
      for (let t = 0; t < count; t++) {
        const xi = taps[t] + ch, v = x[xi];
        if (best < 0 || (bestV === bestV && (v > bestV || v !== v))) {
          best = xi;
          bestV = v;
        }
      }
      f(yBase + ch, best);
    }
  });
}

const poolShape = (x: readonly number[], attrs: PoolAttrs) => pooledShape("maxPool2d", x, attrs);

const zero = NO_PADS;
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
export function maxPool2d(x: Tensor, opts: PoolOptions = {}): Tensor {
  return runOp(maxPoolDef, [x], poolAttrs(x, opts, poolShape));
}
