import type { FloatArray } from "../dtype.ts";
import { runOp } from "../engine.ts";
import { defineOp, type OpTestCase } from "../op.ts";
import { fmtShape } from "../shape.ts";
import type { Tensor } from "../tensor_core.ts";
import { resolvePads } from "./conv_window.ts";
import {
  forEachWindow,
  NO_PADS,
  type PoolAttrs,
  poolAttrs,
  pooledShape,
  type PoolOptions,
} from "./pool_window.ts";

/**
 * Average pooling on NHWC and its gradient op. Padding is not averaged in: each window divides
 * by the number of real input elements it covers, as TensorFlow/Keras' AveragePooling2D with
 * padding "same" does (PyTorch's AvgPool2d counts the padding unless count_include_pad=False).
 */

/** Attributes of avgPool2dGrad: the pooling's, plus the input's height and width. */
export interface AvgPoolGradAttrs extends PoolAttrs {
  inHW: [number, number];
}

function outShape(name: string, x: readonly number[], attrs: PoolAttrs): number[] {
  const { pool, pads } = attrs;
  if (
    x.length === 4 && (Math.max(pads.top, pads.bottom) >= pool[0] ||
      Math.max(pads.left, pads.right) >= pool[1])
  ) {
    throw new Error(
      `${name}: padding ${JSON.stringify(pads)} is as wide as the ${pool.join("x")} window, so ` +
        `some windows would hold only padding; use padding "same" or "valid"`,
    );
  }
  return pooledShape(name, x, attrs);
}

/**
 * Calls `f(yi, xi, count)` for every (output, real input) pair of the pooling, windows in
 * output order and each window's elements in row-major order; `count` is the window's number
 * of real elements. The one loop nest forward and gradient share.
 */
function forEachWindowTap(
  shape: readonly number[],
  attrs: PoolAttrs,
  f: (yi: number, xi: number, count: number) => void,
): void {
  const c = shape[3];
  forEachWindow("avgPool2d", shape, attrs, (yBase, taps, count) => {
    for (let ch = 0; ch < c; ch++) {
      for (let t = 0; t < count; t++) f(yBase + ch, taps[t] + ch, count);
    }
  });
}

const zero = NO_PADS;
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
    const xd = x.data as FloatArray;
    // Sum the window, then divide once (the WGSL kernel does the same).
    const acc = new Float64Array(out.length), counts = new Float64Array(out.length);
    forEachWindowTap(x.shape, attrs, (yi, xi, count) => {
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
    forEachWindowTap([n, h, w, c], attrs, (yi, xi, count) => (out[xi] += dy.data[yi] / count));
  },
  gradOf: "avgPool2d",
  tests: [],
});

/**
 * Average pooling over `poolSize` windows (TF.js `avgPool`, Keras `AveragePooling2D`);
 * `strides` default to the pool size; with padding "same" each window averages only its real
 * elements. Example: `avgPool2d(x, { poolSize: 2 })`.
 */
export function avgPool2d(x: Tensor, opts: PoolOptions = {}): Tensor {
  return runOp(
    avgPoolDef,
    [x],
    poolAttrs(x, opts, (s, a) => outShape("avgPool2d", s, a), "avgPool2d"),
  );
}
