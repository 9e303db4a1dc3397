import assert from "node:assert/strict";
import type { TypedArray } from "../../../kernels/dtype.ts";
import { CpuBackend } from "../../../kernels/cpu/backend.ts";
import { kernelsForBackend } from "../../../kernels/kernel_registry.ts";

const fastKernelNames = () => kernelsForBackend("cpu").map((k) => k.kernelName);
import { getOp } from "../../../kernels/op.ts";
import "../../../kernels/ops/mod.ts";
import type { PoolAttrs } from "../../../kernels/ops/pool.ts";
import { Rng } from "../../../kernels/random.ts";

/** Fast max pooling and its gradient against the reference kernels, ties and padding included. */

const fast = new CpuBackend(true);
const reference = new CpuBackend(false);

function exec(b: CpuBackend, op: string, inputs: [Float32Array, number[]][], attrs: PoolAttrs) {
  const def = getOp(op)!;
  const infos = inputs.map(([, shape]) => ({ shape, dtype: "float32" as const }));
  const { shape } = def.infer(infos, attrs as never);
  const handles = inputs.map(([d, s]) => ({ handle: b.upload(d), shape: s, dtype: "float32" }));
  return { out: b.exec(def, handles as never, attrs, shape, "float32") as TypedArray, shape };
}

const pads = (top: number, bottom: number, left: number, right: number) => ({
  top,
  bottom,
  left,
  right,
});

const CASES: [string, number[], PoolAttrs][] = [
  ["2x2 s2 (training layout)", [4, 12, 12, 8], {
    pool: [2, 2],
    strides: [2, 2],
    pads: pads(0, 0, 0, 0),
  }],
  ["3x3 s2 odd", [2, 9, 7, 3], { pool: [3, 3], strides: [2, 2], pads: pads(0, 0, 0, 0) }],
  ["2x2 s1 padded", [2, 5, 5, 2], { pool: [2, 2], strides: [1, 1], pads: pads(1, 1, 0, 1) }],
  // The unrolled 2×2 path must not take these: a last row/column of padding, or a dropped one.
  ["2x2 s2 same on odd size", [2, 7, 7, 3], {
    pool: [2, 2],
    strides: [2, 2],
    pads: pads(0, 1, 0, 1),
  }],
  ["2x2 s2 valid on odd size", [2, 7, 9, 3], {
    pool: [2, 2],
    strides: [2, 2],
    pads: pads(0, 0, 0, 0),
  }],
];

Deno.test("fast maxPool2d and maxPool2dGrad are registered", () => {
  for (const op of ["maxPool2d", "maxPool2dGrad"]) assert.ok(fastKernelNames().includes(op), op);
});

for (const [name, shape, attrs] of CASES) {
  Deno.test(`fast max pooling equals the reference, forward and gradient: ${name}`, () => {
    const rng = new Rng(11);
    const n = shape.reduce((a, c) => a * c, 1);
    // Few distinct values: many ties, where "first maximum wins" decides the gradient.
    const x = Float32Array.from({ length: n }, () => Math.floor(rng.uniform() * 4));
    x[5] = NaN;
    x[n - 2] = NaN;
    x[7] = -Infinity;
    const f = exec(fast, "maxPool2d", [[x, shape]], attrs);
    const r = exec(reference, "maxPool2d", [[x, shape]], attrs);
    assert.deepEqual(Array.from(f.out), Array.from(r.out));
    const dy = Float32Array.from({ length: f.out.length }, () => rng.normal());
    const gf = exec(fast, "maxPool2dGrad", [[x, shape], [dy, f.shape]], attrs).out;
    const gr = exec(reference, "maxPool2dGrad", [[x, shape], [dy, f.shape]], attrs).out;
    assert.deepEqual(Array.from(gf), Array.from(gr));
  });
}

Deno.test("fast 2×2 max pooling without NaN (the branchless path) matches the reference bit for bit", () => {
  const rng = new Rng(12);
  const shape = [3, 8, 6, 5];
  const n = shape.reduce((a, c) => a * c, 1);
  // Signs, ±0 ties, infinities, subnormals and the largest floats, in random positions.
  const special = [0, -0, Infinity, -Infinity, 1e-45, -1e-45, 3.4028234e38, -3.4028234e38];
  const x = Float32Array.from({ length: n }, () => {
    const u = rng.uniform();
    if (u < 0.3) return special[Math.floor(rng.uniform() * special.length)];
    return u < 0.6 ? Math.floor(rng.normal() * 2) : rng.normal();
  });
  const attrs: PoolAttrs = { pool: [2, 2], strides: [2, 2], pads: pads(0, 0, 0, 0) };
  const f = exec(fast, "maxPool2d", [[x, shape]], attrs);
  const r = exec(reference, "maxPool2d", [[x, shape]], attrs);
  const bits = (a: TypedArray) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));
  assert.deepEqual(bits(f.out), bits(r.out));
  const dy = Float32Array.from({ length: f.out.length }, () => rng.normal());
  const gf = exec(fast, "maxPool2dGrad", [[x, shape], [dy, f.shape]], attrs).out;
  const gr = exec(reference, "maxPool2dGrad", [[x, shape], [dy, f.shape]], attrs).out;
  assert.deepEqual(Array.from(gf), Array.from(gr));
});
