/**
 * im2col + GEMM conv2d (forward, backprop input, backprop filter) against the registered
 * reference kernels (the oracle) on odd shapes: batch 1 and 3, 1×1 / 3×3 / 5×5 kernels, stride 2, symmetric and
 * asymmetric pads, Cin 1 and 3, Cout 1 and 5, plus a batch that needs several column-buffer
 * runs. Outputs start as NaN, so anything not overwritten shows up.
 */
import assert from "node:assert/strict";
import {
  conv2dBackpropFilter,
  conv2dBackpropInput,
  conv2dForward,
} from "../../../kernels/cpu/conv2d_fast.ts";
import { convGeometry, type ConvPads, im2col } from "../../../kernels/cpu/im2col.ts";
import { getOp } from "../../../kernels/op.ts";
import type { TypedArray } from "../../../kernels/dtype.ts";
import "../../../kernels/ops/mod.ts";
import { filled, type FloatCtor } from "./filled.ts";

/** The registered reference kernel of `name` (the oracle), called on plain arrays. */
function reference(
  name: string,
  ins: [TypedArray, number[]][],
  attrs: unknown,
  out: TypedArray,
  outShape: number[],
): void {
  out.fill(0);
  getOp(name)!.cpu(ins.map(([data, shape]) => ({ data, shape })), attrs, out, outShape);
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= m)) m = d; // NaN-aware
  }
  return m;
}

interface Case {
  n: number;
  h: number;
  w: number;
  cin: number;
  k: [number, number];
  cout: number;
  strides: [number, number];
  pads: ConvPads;
  /** Distance between taps; undilated when absent. */
  dilations?: [number, number];
}

function pads(top: number, bottom = top, left = top, right = bottom): ConvPads {
  return { top, bottom, left, right };
}

function check(c: Case, ctor: FloatCtor, seed: number): void {
  const xShape = [c.n, c.h, c.w, c.cin];
  const wShape = [c.k[0], c.k[1], c.cin, c.cout];
  const d = c.dilations ?? [1, 1];
  const g = convGeometry(xShape, wShape, c.strides, c.pads, d);
  const yShape = [c.n, g.oh, g.ow, c.cout];
  const xSize = c.n * c.h * c.w * c.cin, wSize = c.k[0] * c.k[1] * c.cin * c.cout;
  const ySize = c.n * g.oh * g.ow * c.cout;
  const x = filled(ctor, xSize, seed), w = filled(ctor, wSize, seed + 1);
  const dy = filled(ctor, ySize, seed + 2);
  const eps = ctor === Float64Array ? 1e-13 : 2e-6;
  const label = `${ctor.name} ${JSON.stringify(c)}`;
  const compare = (
    what: string,
    terms: number,
    run: (out: Float32Array | Float64Array) => void,
    ref: (out: Float32Array | Float64Array) => void,
    size: number,
  ) => {
    const got = new ctor(size).fill(NaN), want = new ctor(size).fill(NaN);
    run(got);
    ref(want);
    const err = maxAbsDiff(got, want), tol = eps * (terms + 1);
    assert.ok(err <= tol, `${what} ${label}: max abs error ${err} > ${tol}`);
  };
  compare(
    "forward",
    c.k[0] * c.k[1] * c.cin,
    (y) => conv2dForward(x, xShape, w, wShape, c.strides, c.pads, y, false, undefined, false, d),
    (y) => reference("conv2d", [[x, xShape], [w, wShape]], c, y, yShape),
    ySize,
  );
  compare(
    "backprop input",
    c.k[0] * c.k[1] * c.cout,
    (dx) => conv2dBackpropInput(dy, yShape, w, wShape, xShape, c.strides, c.pads, dx, d),
    (dx) =>
      reference("conv2dBackpropInput", [[dy, yShape], [w, wShape]], { ...c, xShape }, dx, xShape),
    xSize,
  );
  compare(
    "backprop filter",
    c.n * g.oh * g.ow,
    (dw) => conv2dBackpropFilter(x, xShape, dy, yShape, wShape, c.strides, c.pads, dw, d),
    (dw) =>
      reference("conv2dBackpropFilter", [[x, xShape], [dy, yShape]], { ...c, wShape }, dw, wShape),
    wSize,
  );
}

const CASES: Case[] = [
  { n: 1, h: 5, w: 7, cin: 1, k: [3, 3], cout: 1, strides: [1, 1], pads: pads(0) },
  { n: 3, h: 6, w: 5, cin: 3, k: [3, 3], cout: 5, strides: [1, 1], pads: pads(1) },
  { n: 3, h: 7, w: 9, cin: 3, k: [3, 3], cout: 5, strides: [2, 2], pads: pads(1) },
  { n: 1, h: 9, w: 8, cin: 3, k: [5, 5], cout: 5, strides: [1, 1], pads: pads(2) },
  { n: 3, h: 11, w: 10, cin: 1, k: [5, 5], cout: 1, strides: [2, 2], pads: pads(2) },
  { n: 3, h: 8, w: 8, cin: 3, k: [5, 5], cout: 5, strides: [2, 1], pads: pads(0) },
  // 1×1: the pointwise fast path, then strided and padded (not pointwise).
  { n: 3, h: 4, w: 5, cin: 3, k: [1, 1], cout: 5, strides: [1, 1], pads: pads(0) },
  { n: 1, h: 4, w: 5, cin: 1, k: [1, 1], cout: 1, strides: [1, 1], pads: pads(0) },
  { n: 3, h: 7, w: 5, cin: 3, k: [1, 1], cout: 5, strides: [2, 2], pads: pads(0) },
  { n: 1, h: 4, w: 4, cin: 3, k: [1, 1], cout: 1, strides: [1, 1], pads: pads(1) },
  // Asymmetric ("same" with an even total: the extra row/column at the bottom/right).
  { n: 3, h: 6, w: 6, cin: 3, k: [3, 3], cout: 5, strides: [2, 2], pads: pads(0, 1, 0, 1) },
  { n: 1, h: 5, w: 6, cin: 1, k: [3, 3], cout: 5, strides: [1, 2], pads: pads(0, 1, 2, 0) },
  { n: 3, h: 5, w: 5, cin: 3, k: [3, 5], cout: 1, strides: [1, 1], pads: pads(2, 0, 1, 2) },
  // Even Cin: im2col moves float32 pairs (float32 only; float64 keeps the plain copy).
  { n: 2, h: 5, w: 6, cin: 4, k: [3, 3], cout: 3, strides: [1, 1], pads: pads(1) },
  { n: 3, h: 7, w: 7, cin: 2, k: [5, 5], cout: 2, strides: [2, 1], pads: pads(2, 1, 0, 2) },
  // Kernel as large as the padded input (one output pixel).
  { n: 3, h: 3, w: 3, cin: 3, k: [5, 5], cout: 5, strides: [1, 1], pads: pads(1) },
  // Dilated: the TypeScript im2col/col2im on the single-threaded runs (batches that would be
  // split, one channel that would be tap-major, even Cin that would copy pairs).
  {
    n: 3,
    h: 9,
    w: 8,
    cin: 3,
    k: [3, 3],
    cout: 5,
    strides: [1, 1],
    pads: pads(2),
    dilations: [2, 2],
  },
  {
    n: 2,
    h: 7,
    w: 11,
    cin: 1,
    k: [2, 3],
    cout: 2,
    strides: [1, 1],
    pads: pads(0),
    dilations: [3, 2],
  },
  {
    n: 3,
    h: 1,
    w: 12,
    cin: 4,
    k: [1, 3],
    cout: 3,
    strides: [1, 1],
    pads: pads(0, 0, 4, 0),
    dilations: [1, 2],
  },
  {
    n: 1,
    h: 6,
    w: 6,
    cin: 2,
    k: [3, 3],
    cout: 4,
    strides: [1, 1],
    pads: pads(1, 2, 2, 1),
    dilations: [2, 1],
  },
];

Deno.test("conv2d fast = naive: odd shapes, float32", () => {
  CASES.forEach((c, i) => check(c, Float32Array, 100 + i));
});

Deno.test("conv2d fast = naive: odd shapes, float64", () => {
  CASES.forEach((c, i) => check(c, Float64Array, 200 + i));
});

Deno.test("conv2d fast = naive: a batch split over several column-buffer runs", () => {
  // 64·64 pixels × 75 taps = 307 200 column values per sample: 13 samples per 4 M run.
  const c: Case = {
    n: 14,
    h: 64,
    w: 64,
    cin: 3,
    k: [5, 5],
    cout: 2,
    strides: [1, 1],
    pads: pads(2),
  };
  check(c, Float32Array, 300);
});

Deno.test("conv2d: mismatched shapes throw", () => {
  const x = new Float32Array(2 * 5 * 5 * 3), w = new Float32Array(3 * 3 * 2 * 4);
  assert.throws(
    () => conv2dForward(x, [2, 5, 5, 3], w, [3, 3, 2, 4], [1, 1], pads(0), new Float32Array(1e3)),
    /equal Cin/,
  );
  const w3 = new Float32Array(3 * 3 * 3 * 4);
  assert.throws(
    () => conv2dForward(x, [2, 5, 5, 3], w3, [3, 3, 3, 4], [1, 1], pads(0), new Float32Array(10)),
    /out has 10 values/,
  );
  assert.throws(
    () =>
      conv2dBackpropInput(
        new Float32Array(2 * 4 * 4 * 4),
        [2, 4, 4, 4],
        w3,
        [3, 3, 3, 4],
        [2, 5, 5, 3],
        [1, 1],
        pads(0),
        x,
      ),
    /dy must be \[2,3,3,4\]/,
  );
});

Deno.test("im2col's float32-pair copy keeps every bit: NaN payloads, −0, subnormals", () => {
  const xShape = [2, 5, 4, 4], g = convGeometry(xShape, [3, 3, 4, 2], [1, 1], pads(1));
  const n = 2 * 5 * 4 * 4, size = 2 * 5 * 4 * 9 * 4;
  const patterns = [0x7f800001, 0x7fc00000, 0xffffffff, 0x80000000, 0x00000001, 0x3f800000];
  const bits = Uint32Array.from({ length: n }, (_, i) => patterns[i % 6] ^ (i << 8 & 0x7f00));
  // The pair path on float32, against the same windows copied as int32 (an exact copy: a
  // float32 load would quiet signalling NaNs).
  const pairs = new Float32Array(size), exact = new Int32Array(size);
  im2col(new Float32Array(bits.buffer), g, 0, 2, pairs);
  im2col(new Int32Array(bits.buffer) as unknown as Float32Array, g, 0, 2, exact as never);
  assert.deepEqual(Array.from(new Int32Array(pairs.buffer)), Array.from(exact));
  assert.ok(exact.some((v) => v === 0x7f800001), "a signalling NaN made it into the columns");
});
