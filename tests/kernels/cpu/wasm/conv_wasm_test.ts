import assert from "node:assert/strict";
import { col2im, convGeometry, im2col } from "../../../../kernels/cpu/im2col.ts";
import {
  conv2dBackpropFilter,
  conv2dBackpropInput,
  conv2dForward,
} from "../../../../kernels/cpu/conv2d_fast.ts";
import { clearCols } from "../../../../kernels/cpu/cols_cache.ts";
import { setConvSplit } from "../../../../kernels/cpu/conv2d_split.ts";
import {
  col2imWasm,
  im2colTapMajorWasm,
  im2colWasm,
  wasmCols,
} from "../../../../kernels/cpu/wasm/conv_wasm.ts";
import { setWasmKernels, wasmKernels } from "../../../../kernels/cpu/wasm/module.ts";
import { Rng } from "../../../../kernels/random.ts";
import { sameBits } from "./helpers.ts";

/**
 * The WASM im2col/col2im against the TypeScript loops they replace, bit for bit, over channel
 * counts that hit the vector loop, its tail and the one-channel kernel, with strides, padding and
 * windows wider than the input; then whole conv passes with the WASM kernels on and off.
 */

const pads = (t: number, b: number, l: number, r: number) => ({
  top: t,
  bottom: b,
  left: l,
  right: r,
});

/** [x shape, w shape, strides, pads] */
const GEOMETRIES: [number[], number[], number[], ReturnType<typeof pads>][] = [
  [[3, 14, 14, 16], [5, 5, 16, 8], [1, 1], pads(2, 2, 2, 2)], // W3's second conv
  [[2, 28, 28, 1], [5, 5, 1, 16], [1, 1], pads(2, 2, 2, 2)], // one channel
  [[2, 9, 8, 1], [3, 2, 1, 4], [2, 3], pads(1, 0, 2, 1)],
  [[2, 9, 8, 1], [3, 4, 1, 4], [2, 1], pads(1, 0, 2, 3)], // one channel, tap-major, strided rows
  [[1, 3, 2, 1], [3, 5, 1, 2], [1, 1], pads(1, 1, 2, 2)], // one channel, window wider than input
  [[2, 8, 9, 3], [3, 3, 3, 5], [1, 1], pads(0, 0, 0, 0)], // odd channels: tail only
  [[2, 7, 6, 6], [3, 3, 6, 4], [2, 1], pads(1, 2, 0, 1)], // vector + tail
  [[1, 4, 3, 8], [3, 5, 8, 2], [1, 1], pads(1, 1, 2, 2)], // window wider than the input
  [[2, 5, 5, 4], [1, 1, 4, 3], [2, 2], pads(0, 0, 0, 0)], // strided 1×1
];

function randomWithSpecials(n: number, rng: Rng): Float32Array {
  const a = Float32Array.from({ length: n }, () => rng.normal());
  // Special values must come through a copy unchanged (NaN payloads included).
  const bits = new Uint32Array(a.buffer);
  if (n > 8) [bits[1], bits[5], bits[7]] = [0x7fc01234, 0x80000000, 0xff800000];
  return a;
}

function close(a: Float32Array, b: Float32Array, what: string) {
  assert.equal(a.length, b.length, what);
  for (let i = 0; i < a.length; i++) {
    const tol = 1e-5 * Math.max(1, Math.abs(b[i]));
    if (!(Math.abs(a[i] - b[i]) <= tol)) assert.fail(`${what}: element ${i} is ${a[i]} vs ${b[i]}`);
  }
}

Deno.test("WASM im2col equals the TypeScript im2col bit for bit", () => {
  assert.ok(wasmKernels(), "the WASM kernels must load here");
  const rng = new Rng(11);
  for (const [xs, ws, st, p] of GEOMETRIES) {
    const g = convGeometry(xs, ws, st, p);
    const x = randomWithSpecials(xs.reduce((a, b) => a * b), rng);
    const K = g.kh * g.kw * g.cin, P = g.oh * g.ow;
    // A run that starts past the first sample, as the batched loop makes.
    const b0 = g.n > 1 ? 1 : 0, nb = g.n - b0;
    const want = new Float32Array(nb * P * K);
    im2col(x, g, b0, nb, want);
    const got = wasmCols(nb * P * K)!;
    got.fill(NaN); // every element must be written
    assert.ok(im2colWasm(x, g, b0, nb, got));
    sameBits(got, want, `im2col [${xs}] * [${ws}]`);
  }
});

Deno.test("tap-major im2col is the transpose of the row-major one, bit for bit", () => {
  const rng = new Rng(14);
  let checked = 0;
  for (const [xs, ws, st, p] of GEOMETRIES) {
    const g = convGeometry(xs, ws, st, p);
    if (g.cin !== 1 || g.sw !== 1) continue;
    const x = randomWithSpecials(xs.reduce((a, b) => a * b), rng);
    const K = g.kh * g.kw, rows = g.n * g.oh * g.ow;
    const rowMajor = new Float32Array(rows * K);
    im2col(x, g, 0, g.n, rowMajor);
    const want = new Float32Array(rows * K);
    for (let r = 0; r < rows; r++) {
      for (let k = 0; k < K; k++) want[k * rows + r] = rowMajor[r * K + k];
    }
    const got = wasmCols(rows * K)!;
    got.fill(NaN);
    assert.ok(im2colTapMajorWasm(x, g, 0, g.n, got));
    sameBits(got, want, `tap-major im2col [${xs}] * [${ws}]`);
    checked++;
  }
  assert.ok(checked >= 3);
});

Deno.test("WASM col2im equals the TypeScript col2im bit for bit and overwrites its run", () => {
  const rng = new Rng(12);
  for (const [xs, ws, st, p] of GEOMETRIES) {
    const g = convGeometry(xs, ws, st, p);
    const K = g.kh * g.kw * g.cin, P = g.oh * g.ow, size = g.h * g.w * g.cin;
    const b0 = g.n > 1 ? 1 : 0, nb = g.n - b0;
    const cols = wasmCols(nb * P * K)!;
    cols.set(Float32Array.from({ length: nb * P * K }, () => rng.normal()));
    const want = new Float32Array(g.n * size).fill(5);
    want.fill(0, b0 * size);
    col2im(cols, g, b0, nb, want);
    const got = new Float32Array(g.n * size).fill(5); // samples before b0 must stay untouched
    got.fill(NaN, b0 * size); // the run must be overwritten, not added to
    assert.ok(col2imWasm(cols, g, b0, nb, got));
    sameBits(got, want, `col2im [${xs}] * [${ws}]`);
  }
});

Deno.test("conv2d (with bias, with bias and ReLU), its gradients: WASM on and off agree exactly", () => {
  const rng = new Rng(13);
  for (const [xs, ws, st, p] of GEOMETRIES) {
    const g = convGeometry(xs, ws, st, p);
    const x = Float32Array.from({ length: xs.reduce((a, b) => a * b) }, () => rng.normal());
    const w = Float32Array.from({ length: ws.reduce((a, b) => a * b) }, () => rng.normal());
    const ys = [g.n, g.oh, g.ow, g.cout];
    const dy = Float32Array.from({ length: ys.reduce((a, b) => a * b) }, () => rng.normal());
    const bias = Float32Array.from({ length: g.cout }, () => rng.normal());
    const run = () => {
      const y = new Float32Array(dy.length), dx = new Float32Array(x.length);
      const dw = new Float32Array(w.length);
      const yBias = new Float32Array(dy.length), yRelu = new Float32Array(dy.length);
      conv2dForward(x, xs, w, ws, st, p, y, true); // keeps its columns for the filter gradient
      conv2dBackpropFilter(x, xs, dy, ys, ws, st, p, dw);
      conv2dBackpropInput(dy, ys, w, ws, xs, st, p, dx);
      // The epilogue: the bias alone, and the bias then ReLU (WASM SIMD with WASM on).
      conv2dForward(x, xs, w, ws, st, p, yBias, false, bias);
      conv2dForward(x, xs, w, ws, st, p, yRelu, false, bias, true);
      clearCols();
      return [y, dx, dw, yBias, yRelu];
    };
    // Both on the same single-threaded runs (split passes sum in another order: their own test).
    const splitWas = setConvSplit(false);
    let on, off;
    const was = setWasmKernels(true);
    try {
      on = run();
      setWasmKernels(false);
      off = run();
    } finally {
      setWasmKernels(was);
      setConvSplit(splitWas);
    }
    for (const [i, name] of ["y", "dx", "dw", "y + bias", "relu(y + bias)"].entries()) {
      const what = `${name} of [${xs}] * [${ws}]`;
      // Same column matrix, same GEMM: identical. One-channel convs read tap-major columns with
      // WASM on, a transposed GEMM operand, which OpenBLAS may sum in another order.
      if (g.cin === 1 && st[1] === 1 && name !== "dx") close(on[i], off[i], what);
      else sameBits(on[i], off[i], what);
    }
  }
});

Deno.test("kept columns in the WASM heap go back to it when the cache lets go", () => {
  const heap = wasmKernels()!.heap;
  const xs = [2, 6, 6, 4], ws = [3, 3, 4, 4], p = pads(1, 1, 1, 1);
  const x = new Float32Array(2 * 6 * 6 * 4).fill(1), w = new Float32Array(3 * 3 * 4 * 4).fill(1);
  const forward = () =>
    conv2dForward(x, xs, w, ws, [1, 1], p, new Float32Array(2 * 6 * 6 * 4), true);
  // A first pass takes the staging buffers the pass keeps for the next (not kept columns).
  forward();
  clearCols();
  const before = heap.liveBytes;
  forward();
  assert.ok(heap.liveBytes > before, "the kept columns should be in the heap");
  clearCols();
  assert.equal(heap.liveBytes, before);
});
