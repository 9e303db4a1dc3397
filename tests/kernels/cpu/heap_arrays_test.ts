/**
 * The CPU backend's output arrays in the WASM heap (heap_arrays.ts): which arrays go there, that
 * the pool gives them back to the heap, that a reused region comes back zeroed, and that the
 * conv and pooling kernels, which read and write heap arrays in place, give the same bits as on
 * arrays they stage.
 */
import assert from "node:assert/strict";
import { ArrayPool } from "../../../kernels/cpu/array_pool.ts";
import { CpuBackend } from "../../../kernels/cpu/backend.ts";
import {
  conv2dBackpropFilter,
  conv2dBackpropInput,
  conv2dForward,
} from "../../../kernels/cpu/conv2d_fast.ts";
import { clearCols } from "../../../kernels/cpu/cols_cache.ts";
import {
  HEAP_ARRAY_MIN_VALUES,
  heapArrayBytes,
  heapArrays,
  zeroFill,
} from "../../../kernels/cpu/heap_arrays.ts";
import { convGeometry, type ConvPads } from "../../../kernels/cpu/im2col.ts";
import { maxPool2x2GradWasm, maxPool2x2Wasm } from "../../../kernels/cpu/wasm/pool_wasm.ts";
import { wasmKernels } from "../../../kernels/cpu/wasm/module.ts";
import { Rng } from "../../../kernels/random.ts";
import { sameBits } from "./wasm/helpers.ts";

const k = wasmKernels();

Deno.test({
  name: "big float32 arrays come from the heap, others not; the pool gives them back",
  ignore: !k,
  fn: () => {
    const heap = k!.heap, before = heapArrayBytes();
    const pool = new ArrayPool(undefined, heapArrays);
    const big = pool.take("float32", HEAP_ARRAY_MIN_VALUES);
    assert.ok(heap.owns(big), "a float32 array of the minimum size is in the heap");
    assert.equal(heapArrayBytes(), before + big.byteLength);
    assert.ok(!heap.owns(pool.take("float32", HEAP_ARRAY_MIN_VALUES - 1)), "smaller");
    assert.ok(!heap.owns(pool.take("float64", HEAP_ARRAY_MIN_VALUES)), "float64");
    assert.ok(!heap.owns(pool.take("int32", HEAP_ARRAY_MIN_VALUES)), "int32");
    pool.give(big);
    assert.equal(heapArrayBytes(), before + big.byteLength, "a pooled array stays out");
    pool.clear();
    assert.equal(heapArrayBytes(), before, "clear gives it back to the heap");
    assert.equal(heapArrays.release(new Float32Array(4)), false, "not one of its arrays");
    // The reference backend pools nothing and uses plain arrays only.
    assert.equal(new CpuBackend(false).pool.source, undefined);
  },
});

Deno.test({
  name: "a heap region reused by the pool comes back zero-filled when asked",
  ignore: !k,
  fn: () => {
    // Limit 0: every array given back goes straight back to the heap, so the next take reuses
    // the same region from the heap's free list, still holding the 7s.
    const pool = new ArrayPool(0, heapArrays), n = HEAP_ARRAY_MIN_VALUES + 3;
    const a = pool.take("float32", n);
    a.fill(7);
    pool.give(a);
    const b = pool.take("float32", n);
    assert.equal(b.byteOffset, a.byteOffset, "the same region");
    assert.ok(b.every((v) => v === 0));
    b.fill(7);
    pool.give(b);
    const c = pool.take("float32", n, false);
    assert.equal(c.byteOffset, a.byteOffset);
    pool.give(c);
  },
});

Deno.test("zeroFill: every element +0 on shared and plain arrays, any length", () => {
  const shared = new Float32Array(new SharedArrayBuffer(4 * (2 * 16384 + 9)), 4);
  for (const n of [0, 1, 16383, 16384, 16385, 2 * 16384 + 7]) {
    shared[n] = 5;
    for (const a of [shared.subarray(0, n), new Float32Array(n)]) {
      a.fill(-0);
      if (n > 2) a[n - 1] = NaN;
      zeroFill(a);
      assert.ok(a.every((v) => Object.is(v, 0)), `length ${n}`);
    }
    assert.equal(shared[n], 5, "nothing past the array was touched");
  }
  const ints = new Int32Array([1, 2, 3]);
  zeroFill(ints);
  assert.deepEqual(Array.from(ints), [0, 0, 0]);
});

const pads = (t: number, b: number, l: number, r: number): ConvPads => ({
  top: t,
  bottom: b,
  left: l,
  right: r,
});

/** A copy of `a` in the WASM heap (`inHeap`) or in a plain array. */
function place(a: Float32Array, inHeap: boolean): Float32Array {
  const out = inHeap ? k!.heap.alloc(a.length)! : new Float32Array(a.length);
  out.set(a);
  return out;
}

Deno.test({
  name: "conv2d passes and 2×2 pooling: the same bits on heap arrays as on staged ones",
  ignore: !k,
  fn: () => {
    const rng = new Rng(11);
    const normal = (n: number) => Float32Array.from({ length: n }, () => rng.normal());
    // Several runs in each half (conv2d_split.ts); one channel takes the tap-major columns.
    const cases: [number[], number[], ConvPads][] = [
      [[7, 30, 30, 32], [3, 3, 32, 8], pads(1, 1, 1, 1)],
      [[6, 28, 28, 1], [3, 3, 1, 16], pads(0, 0, 0, 0)],
    ];
    for (const [xs, ws, p] of cases) {
      const g = convGeometry(xs, ws, [1, 1], p);
      const x0 = normal(xs.reduce((a, b) => a * b)), w = normal(ws.reduce((a, b) => a * b));
      const dy0 = normal(g.n * g.oh * g.ow * g.cout), bias = normal(g.cout);
      const run = (inHeap: boolean) => {
        const x = place(x0, inHeap), dy = place(dy0, inHeap);
        const y = place(new Float32Array(dy0.length).fill(NaN), inHeap);
        const yEpi = place(new Float32Array(dy0.length).fill(NaN), inHeap);
        const dx = place(new Float32Array(x0.length).fill(NaN), inHeap);
        const dwKept = new Float32Array(w.length), dw = new Float32Array(w.length);
        conv2dForward(x, xs, w, ws, [1, 1], p, y, true);
        const ys = [g.n, g.oh, g.ow, g.cout];
        conv2dBackpropFilter(x, xs, dy, ys, ws, [1, 1], p, dwKept); // from the kept columns
        conv2dBackpropFilter(x, xs, dy, ys, ws, [1, 1], p, dw); // im2col again
        conv2dBackpropInput(dy, ys, w, ws, xs, [1, 1], p, dx);
        conv2dForward(x, xs, w, ws, [1, 1], p, yEpi, false, bias, true);
        clearCols();
        const outs = { y: y.slice(), yEpi: yEpi.slice(), dx: dx.slice(), dwKept, dw };
        if (inHeap) [x, dy, y, yEpi, dx].forEach((a) => k!.heap.release(a));
        return outs;
      };
      const staged = run(false), direct = run(true);
      for (const [name, a] of Object.entries(staged)) {
        sameBits(direct[name as keyof typeof direct], a, `${name} ${xs}`);
      }
    }
    // Pooling in chunks of two samples.
    const s = { n: 5, h: 8, w: 6, c: 8, oh: 4, ow: 3 };
    const x0 = normal(5 * 8 * 6 * 8), dy0 = normal(5 * 4 * 3 * 8);
    const pool = (inHeap: boolean) => {
      const x = place(x0, inHeap), dy = place(dy0, inHeap);
      const y = place(new Float32Array(dy0.length).fill(NaN), inHeap);
      const dx = place(new Float32Array(x0.length).fill(NaN), inHeap);
      assert.ok(maxPool2x2Wasm(x, s, y, 2 * 8 * 6 * 8));
      assert.ok(maxPool2x2GradWasm(x, dy, s, dx, 2 * 8 * 6 * 8));
      const outs = { y: y.slice(), dx: dx.slice() };
      if (inHeap) [x, dy, y, dx].forEach((a) => k!.heap.release(a));
      return outs;
    };
    const staged = pool(false), direct = pool(true);
    sameBits(direct.y, staged.y, "maxPool2x2");
    sameBits(direct.dx, staged.dx, "maxPool2x2Grad");
  },
});
