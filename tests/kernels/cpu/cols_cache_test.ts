import assert from "node:assert/strict";
import { CpuBackend } from "../../../kernels/cpu/backend.ts";
import { clearCols, colsCacheStats } from "../../../kernels/cpu/cols_cache.ts";
import { conv2dBackpropFilter, conv2dForward } from "../../../kernels/cpu/conv2d_fast.ts";
import type { TypedArray } from "../../../kernels/dtype.ts";
import { getOp } from "../../../kernels/op.ts";
import "../../../kernels/ops/mod.ts";
import { Rng } from "../../../kernels/random.ts";

/**
 * The im2col columns a conv forward pass keeps for the filter gradient: a hit gives the same
 * gradient as recomputing, another geometry misses, and storage that is freed and handed out
 * again (the array pool) never serves the old input's columns.
 */

const pads = { top: 1, bottom: 1, left: 1, right: 1 };
const xShape = [2, 6, 5, 3], wShape = [3, 3, 3, 4], yShape = [2, 6, 5, 4];

function random(n: number, rng: Rng): Float32Array {
  return Float32Array.from({ length: n }, () => rng.normal());
}

function filterGrad(x: Float32Array, dy: Float32Array): Float32Array {
  const dw = new Float32Array(3 * 3 * 3 * 4);
  conv2dBackpropFilter(x, xShape, dy, yShape, wShape, [1, 1], pads, dw);
  return dw;
}

Deno.test("kept columns serve the filter gradient and give the same result", () => {
  clearCols();
  const rng = new Rng(1);
  const x = random(2 * 6 * 5 * 3, rng), w = random(3 * 3 * 3 * 4, rng), dy = random(240, rng);
  const fresh = filterGrad(x, dy);
  const y = new Float32Array(240);
  const before = { ...colsCacheStats };
  conv2dForward(x, xShape, w, wShape, [1, 1], pads, y, true);
  assert.equal(colsCacheStats.kept, before.kept + 1);
  const cached = filterGrad(x, dy);
  assert.equal(colsCacheStats.hits, before.hits + 1, "the second gradient is a cache hit");
  assert.deepEqual(Array.from(cached), Array.from(fresh));
  filterGrad(x, dy);
  assert.equal(colsCacheStats.hits, before.hits + 1, "an entry serves one gradient");
});

Deno.test("another geometry on the same input misses", () => {
  clearCols();
  const rng = new Rng(2);
  const x = random(2 * 6 * 5 * 3, rng), w = random(3 * 3 * 3 * 4, rng);
  conv2dForward(x, xShape, w, wShape, [1, 1], pads, new Float32Array(240), true);
  const hits = colsCacheStats.hits;
  const dw = new Float32Array(108);
  const unpadded = { top: 0, bottom: 0, left: 0, right: 0 };
  conv2dBackpropFilter(
    x,
    xShape,
    random(2 * 4 * 3 * 4, rng),
    [2, 4, 3, 4],
    wShape,
    [1, 1],
    unpadded,
    dw,
  );
  assert.equal(colsCacheStats.hits, hits);
});

Deno.test("freed storage reused for a new tensor never serves the old columns", () => {
  clearCols();
  const b = new CpuBackend(true);
  const rng = new Rng(3);
  const exec = (op: string, ins: [unknown, number[]][], attrs: unknown, shape: number[]) =>
    b.exec(
      getOp(op)!,
      ins.map(([handle, s]) => ({ handle, shape: s, dtype: "float32" as const })),
      attrs,
      shape,
      "float32",
    ) as TypedArray;
  const attrs = { strides: [1, 1], pads, xShape, wShape };
  // x1 is a pooled output (neg of an upload); the conv keeps its columns.
  const x1 = exec("neg", [[b.upload(random(180, rng)), xShape]], {}, xShape);
  const w = b.upload(random(108, rng));
  exec("conv2d", [[x1, xShape], [w, wShape]], attrs, yShape);
  b.free(x1);
  // The pool hands the same array out again, with other values.
  const x2 = exec("neg", [[b.upload(random(180, rng)), xShape]], {}, xShape);
  assert.equal(x2, x1, "the test needs the pool to reuse the array");
  const dy = random(240, rng);
  const got = exec("conv2dBackpropFilter", [[x2, xShape], [b.upload(dy), yShape]], attrs, wShape);
  assert.deepEqual(Array.from(got), Array.from(filterGrad(x2 as Float32Array, dy)));
});
