import assert from "node:assert/strict";
import type { DType, TypedArray } from "../../../kernels/dtype.ts";
import { CpuBackend } from "../../../kernels/cpu/backend.ts";
import { kernelsForBackend } from "../../../kernels/kernel_registry.ts";
import { getOp } from "../../../kernels/op.ts";
import "../../../kernels/ops/mod.ts";
import { Rng } from "../../../kernels/random.ts";

/**
 * The fast permute, stridedSlice and stridedSliceGrad (kernels/cpu/strided_fast.ts) against the
 * reference kernels, bit for bit: the LSTM's and attention's layouts (long contiguous runs),
 * random shapes with negative and non-unit steps (short strided runs), NaN/±∞/−0 values, int32,
 * and empty selections.
 */

const fast = new CpuBackend(true);
const reference = new CpuBackend(false);

function values(n: number, rng: Rng, dtype: DType): TypedArray {
  if (dtype === "int32") {
    return Int32Array.from({ length: n }, () => Math.floor(rng.normal() * 1e6));
  }
  const special = [NaN, Infinity, -Infinity, -0];
  return Float32Array.from({ length: n }, (_, i) => i % 7 === 3 ? special[i % 4] : rng.normal());
}

function run(
  b: CpuBackend,
  op: string,
  x: TypedArray,
  shape: number[],
  attrs: unknown,
  dtype: DType,
) {
  const def = getOp(op)!;
  const info = def.infer([{ shape, dtype }], attrs as never);
  return b.exec(
    def,
    [{ handle: b.upload(x), shape, dtype }] as never,
    attrs,
    info.shape,
    dtype,
  ) as TypedArray;
}

function assertBits(a: TypedArray, b: TypedArray, label: string) {
  assert.equal(a.length, b.length, label);
  const bits = (t: TypedArray) => new Uint8Array(t.buffer, t.byteOffset, t.byteLength);
  assert.deepEqual(bits(a), bits(b), label);
}

/** A random slice of `shape`: per axis a step in ±1..3 and a length that fits. */
function randomSlice(shape: number[], rng: Rng) {
  const begin: number[] = [], steps: number[] = [], out: number[] = [];
  for (const n of shape) {
    const step = (1 + Math.floor(rng.uniform() * 3)) * (rng.uniform() < 0.3 ? -1 : 1);
    const b = Math.floor(rng.uniform() * n);
    const room = step > 0 ? Math.floor((n - 1 - b) / step) + 1 : Math.floor(b / -step) + 1;
    begin.push(b);
    steps.push(step);
    out.push(1 + Math.floor(rng.uniform() * room));
  }
  return { begin, steps, shape: out };
}

/** Checks the slice and its gradient on both backends. */
function checkSlice(
  shape: number[],
  attrs: { begin: number[]; steps: number[]; shape: number[] },
  dtype: DType,
  rng: Rng,
) {
  const label = `${dtype} ${JSON.stringify(shape)} ${JSON.stringify(attrs)}`;
  const x = values(shape.reduce((a, c) => a * c, 1), rng, dtype);
  assertBits(
    run(fast, "stridedSlice", x, shape, attrs, dtype),
    run(reference, "stridedSlice", x, shape, attrs, dtype),
    label,
  );
  const dy = values(attrs.shape.reduce((a, c) => a * c, 1), rng, dtype);
  const g = { ...attrs, inShape: shape };
  assertBits(
    run(fast, "stridedSliceGrad", dy, attrs.shape, g, dtype),
    run(reference, "stridedSliceGrad", dy, attrs.shape, g, dtype),
    `grad ${label}`,
  );
}

Deno.test("the fast strided kernels are registered", () => {
  const names = kernelsForBackend("cpu").map((k) => k.kernelName);
  for (const op of ["permute", "stridedSlice", "stridedSliceGrad"]) {
    assert.ok(names.includes(op), op);
  }
});

Deno.test("fast stridedSlice and its gradient: LSTM time steps and gate splits, bit for bit", () => {
  const rng = new Rng(1);
  for (const t of [0, 5, 27]) {
    checkSlice(
      [16, 28, 64],
      { begin: [0, t, 0], steps: [1, 1, 1], shape: [16, 1, 64] },
      "float32",
      rng,
    );
  }
  for (const g of [0, 1, 3]) {
    checkSlice([16, 64], { begin: [0, 16 * g], steps: [1, 1], shape: [16, 16] }, "float32", rng);
  }
  checkSlice([4, 5], { begin: [1, 0], steps: [1, 1], shape: [0, 5] }, "float32", rng);
});

Deno.test("fast stridedSlice and its gradient: random slices with negative steps, float32 and int32", () => {
  const rng = new Rng(2);
  for (let k = 0; k < 200; k++) {
    const rank = 1 + Math.floor(rng.uniform() * 4);
    const shape = Array.from({ length: rank }, () => 1 + Math.floor(rng.uniform() * 20));
    checkSlice(shape, randomSlice(shape, rng), k % 4 === 0 ? "int32" : "float32", rng);
  }
});

Deno.test("fast permute: attention's head split and merge, random permutations, bit for bit", () => {
  const rng = new Rng(3);
  const cases: [number[], number[]][] = [
    [[8, 16, 4, 32], [0, 2, 1, 3]],
    [[8, 4, 16, 32], [0, 2, 1, 3]],
    [[3, 0, 2], [2, 0, 1]],
  ];
  for (let k = 0; k < 100; k++) {
    const rank = 1 + Math.floor(rng.uniform() * 5);
    const shape = Array.from({ length: rank }, () => 1 + Math.floor(rng.uniform() * 9));
    const perm = [...shape.keys()].sort(() => rng.uniform() - 0.5);
    cases.push([shape, perm]);
  }
  for (const [shape, perm] of cases) {
    for (const dtype of ["float32", "int32"] as DType[]) {
      const x = values(shape.reduce((a, c) => a * c, 1), rng, dtype);
      const label = `${dtype} ${JSON.stringify(shape)} perm ${perm}`;
      assertBits(
        run(fast, "permute", x, shape, { perm }, dtype),
        run(reference, "permute", x, shape, { perm }, dtype),
        label,
      );
    }
  }
});
