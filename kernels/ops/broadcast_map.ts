import type { TypedArray } from "../dtype.ts";
import type { CpuInput, TensorInfo } from "../op.ts";
import { broadcastShapes, broadcastStrides, fmtShape, sizeOf } from "../shape.ts";

/**
 * Reference loops for elementwise ops of any number of broadcast inputs (where, pow,
 * comparisons): NumPy broadcasting, walked with one odometer and per-input strides.
 * Internal to kernels/ops: not re-exported by ops/all.ts.
 */

/** Output of inputs broadcast together; `sameDtype` lists the inputs that must share a dtype. */
export function broadcastInfo(
  name: string,
  xs: TensorInfo[],
  sameDtype: number[],
): TensorInfo {
  const dts = new Set(sameDtype.map((i) => xs[i].dtype));
  if (dts.size > 1) {
    throw new Error(
      `${name}: dtypes differ (${xs.map((x) => x.dtype + fmtShape(x.shape)).join(" vs ")}); ` +
        `cast one operand first`,
    );
  }
  const shape = xs.reduce((s: number[], x) => broadcastShapes(s, x.shape, name), []);
  return { shape, dtype: xs[sameDtype[0]].dtype };
}

/** out[i] = f(values of every input at output element i), inputs broadcast to `outShape`. */
export function broadcastMap(
  xs: CpuInput[],
  out: TypedArray,
  outShape: number[],
  f: (v: number[]) => number,
): void {
  const rank = outShape.length;
  const st = xs.map((x) => broadcastStrides(x.shape, outShape));
  const idx = new Array<number>(rank).fill(0);
  const at = new Array<number>(xs.length).fill(0);
  const v = new Array<number>(xs.length);
  const n = sizeOf(outShape);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < xs.length; k++) v[k] = xs[k].data[at[k]];
    out[i] = f(v);
    for (let ax = rank - 1; ax >= 0; ax--) {
      idx[ax]++;
      for (let k = 0; k < xs.length; k++) at[k] += st[k][ax];
      if (idx[ax] < outShape[ax]) break;
      for (let k = 0; k < xs.length; k++) at[k] -= st[k][ax] * outShape[ax];
      idx[ax] = 0;
    }
  }
}
