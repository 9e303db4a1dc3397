import assert from "node:assert/strict";
import type { TypedArray } from "../../../kernels/dtype.ts";
import { CpuBackend } from "../../../kernels/cpu/backend.ts";
import { kernelsForBackend } from "../../../kernels/kernel_registry.ts";

const fastKernelNames = () => kernelsForBackend("cpu").map((k) => k.kernelName);
import { getOp } from "../../../kernels/op.ts";
import "../../../kernels/ops/mod.ts";
import { Rng } from "../../../kernels/random.ts";

/**
 * The fast elementwise/sum kernels against the reference ones on training-sized layouts the
 * registry's small cases do not reach: conv activations with a per-channel bias, leading-axis
 * sums, broadcasts over the batch, and layouts that must fall back to the reference.
 */

const fast = new CpuBackend(true);
const reference = new CpuBackend(false);

function random(shape: number[], rng: Rng): Float32Array {
  const n = shape.reduce((a, c) => a * c, 1);
  return Float32Array.from({ length: n }, () => rng.normal());
}

function run(b: CpuBackend, op: string, inputs: [Float32Array, number[]][], attrs: unknown) {
  const def = getOp(op)!;
  const shapes = inputs.map(([, s]) => s);
  const info = def.infer(shapes.map((shape) => ({ shape, dtype: "float32" })), attrs as never);
  const handles = inputs.map(([d, shape]) => ({ handle: b.upload(d), shape, dtype: "float32" }));
  return b.exec(def, handles as never, attrs, info.shape, "float32") as TypedArray;
}

function assertClose(a: TypedArray, b: TypedArray, label: string, rel = 0): void {
  assert.equal(a.length, b.length, label);
  for (let i = 0; i < a.length; i++) {
    const tol = rel * Math.max(1, Math.abs(b[i]));
    assert.ok(Math.abs(a[i] - b[i]) <= tol, `${label}: element ${i}: ${a[i]} vs ${b[i]}`);
  }
}

Deno.test("the fast kernels are registered (else these tests compare the reference with itself)", () => {
  const names = fastKernelNames();
  const ops = ["add", "sub", "mul", "div", "relu", "reluGrad", "step", "neg", "sum", "broadcastTo"];
  for (const op of ops) {
    assert.ok(names.includes(op), op);
  }
});

Deno.test("fast binary ops equal the reference: same shape, bias, scalar, fallback layouts", () => {
  const rng = new Rng(5);
  const x: [Float32Array, number[]] = [random([4, 6, 6, 5], rng), [4, 6, 6, 5]];
  const layouts: [Float32Array, number[]][] = [
    [random([4, 6, 6, 5], rng), [4, 6, 6, 5]],
    [random([5], rng), [5]],
    [random([1, 1, 6, 5], rng), [1, 1, 6, 5]],
    [random([], rng), []],
    [random([4, 1, 1, 5], rng), [4, 1, 1, 5]], // not a trailing block: reference path
    [random([6, 1], rng), [6, 1]], // likewise
  ];
  for (const op of ["add", "sub", "mul", "div"]) {
    for (const b of layouts) {
      const label = `${op} with [${b[1]}]`;
      assertClose(run(fast, op, [x, b], {}), run(reference, op, [x, b], {}), label);
    }
  }
});

Deno.test("fast binary ops with one value per row equal the reference bit for bit", () => {
  const rng = new Rng(9);
  const shape = [3, 4, 7, 9];
  const a = random(shape, rng), b = random([3, 4, 7, 1], rng);
  [NaN, Infinity, -Infinity, -0, 0].forEach((v, i) => {
    a[5 * i] = v;
    b[3 * i + 1] = v;
  });
  for (const op of ["add", "sub", "mul", "div"]) {
    const x = run(fast, op, [[a, shape], [b, [3, 4, 7, 1]]], {});
    const y = run(reference, op, [[a, shape], [b, [3, 4, 7, 1]]], {});
    assert.deepEqual(new Uint32Array(x.buffer), new Uint32Array(y.buffer), op);
  }
  // Empty rows, and a [rows, 1] operand of a rank-2 tensor.
  const e = run(fast, "sub", [[new Float32Array(0), [0, 5]], [new Float32Array(0), [0, 1]]], {});
  assert.equal(e.length, 0);
  const m = random([6, 5], rng), v = random([6, 1], rng);
  assertClose(
    run(fast, "div", [[m, [6, 5]], [v, [6, 1]]], {}),
    run(reference, "div", [[m, [6, 5]], [v, [6, 1]]], {}),
    "div [6,5] by [6,1]",
  );
});

Deno.test("fast relu, step, neg equal the reference, NaN included", () => {
  const rng = new Rng(6);
  const d = random([1000], rng);
  d[3] = NaN;
  d[4] = 0;
  // The float32 relu/step work on bit patterns: every class of float must come out as the
  // reference's, bit for bit (−0, ±∞, subnormals, the largest finite float, a NaN with its sign
  // bit set).
  const edges = [-0, Infinity, -Infinity, 1e-45, -1e-45, 3.4028234e38, -3.4028234e38, 1, -1];
  edges.forEach((v, i) => d[10 + i] = v);
  new Uint32Array(d.buffer, d.byteOffset + 40 * 4, 1)[0] = 0xffc00000;
  for (const op of ["relu", "step", "neg"]) {
    const a = run(fast, op, [[d, [1000]]], {});
    const b = run(reference, op, [[d, [1000]]], {});
    assert.deepEqual(Array.from(a), Array.from(b), op);
    assert.deepEqual(
      Array.from(new Uint32Array(a.buffer, a.byteOffset, 60)),
      Array.from(new Uint32Array(b.buffer, b.byteOffset, 60)),
      `${op} bit patterns`,
    );
  }
});

Deno.test("fast reluGrad equals the reference bit for bit, edge values of x and dy included", () => {
  const rng = new Rng(8);
  const x = random([1000], rng), dy = random([1000], rng);
  const edges = [NaN, -0, 0, Infinity, -Infinity, 1e-45, -1e-45, 3.4028234e38];
  edges.forEach((v, i) => {
    x[i] = v;
    dy[100 + i] = v;
    x[100 + i] = i % 2 ? 1 : -1;
  });
  const a = run(fast, "reluGrad", [[dy, [1000]], [x, [1000]]], {});
  const b = run(reference, "reluGrad", [[dy, [1000]], [x, [1000]]], {});
  const bits = (t: TypedArray) => Array.from(new Uint32Array(t.buffer, t.byteOffset, t.length));
  assert.deepEqual(bits(a), bits(b));
});

Deno.test("fast sum equals the reference on leading, trailing and mixed axes", () => {
  const rng = new Rng(7);
  const shape = [8, 12, 12, 6];
  const d = random(shape, rng);
  for (const axes of [[0], [0, 1, 2], [3], [2, 3], [1, 2, 3], [0, 2], [0, 1, 2, 3]]) {
    for (const keepDims of [false, true]) {
      const attrs = { axes, keepDims };
      const label = `sum over [${axes}] keepDims ${keepDims}`;
      // Both accumulate in float64; only the order differs, within float32 rounding.
      assertClose(
        run(fast, "sum", [[d, shape]], attrs),
        run(reference, "sum", [[d, shape]], attrs),
        label,
        1e-6,
      );
    }
  }
});

Deno.test("fast sum over middle axes: the reference's bits (same order), NaN and ±∞ included", () => {
  const rng = new Rng(9);
  const shape = [32, 64, 128];
  const d = random(shape, rng);
  d[5] = NaN;
  d[700] = Infinity;
  d[128 * 3 + 700] = -Infinity;
  d[900] = Infinity;
  d[128 * 64 + 900] = -Infinity; // +∞ and −∞ into one output: NaN
  const bits = (t: TypedArray) => Array.from(new Uint32Array(t.buffer, t.byteOffset, t.length));
  for (const [sh, axes] of [[shape, [1]], [[4, 8, 6, 5], [1, 2]], [[4, 8, 6, 5], [2]]]) {
    const x = d.subarray(0, sh.reduce((a, b) => a * b, 1));
    for (const keepDims of [false, true]) {
      const attrs = { axes, keepDims };
      const a = run(fast, "sum", [[x, sh]], attrs), b = run(reference, "sum", [[x, sh]], attrs);
      assert.deepEqual(bits(a), bits(b), `sum over [${axes}] of [${sh}] keepDims ${keepDims}`);
    }
  }
});

Deno.test("fast broadcastTo equals the reference over the batch and falls back otherwise", () => {
  const rng = new Rng(8);
  const cases = [
    [[5], [3, 4, 5]],
    [[1, 4, 5], [3, 4, 5]],
    [[3, 1, 5], [3, 4, 5]],
    // A batch-norm channel vector over a conv activation (the copies double: 7·13·3 blocks).
    [[1, 1, 1, 16], [7, 13, 3, 16]],
    [[1, 16], [1, 16]],
    [[16], [0, 16]],
    // One value per token row repeated over the tokens, and over two middle axes.
    [[4, 1, 6], [4, 9, 6]],
    [[3, 1, 1, 5], [3, 2, 7, 5]],
    [[3, 1, 1], [3, 7, 1]],
    [[0, 1, 3], [0, 4, 3]],
    [[2, 1, 3, 1], [2, 4, 3, 5]], // two separate runs: the reference path
  ];
  for (const [from, to] of cases) {
    const d = random(from, rng);
    const attrs = { shape: to };
    assertClose(
      run(fast, "broadcastTo", [[d, from]], attrs),
      run(reference, "broadcastTo", [[d, from]], attrs),
      `[${from}] to [${to}]`,
    );
  }
});
