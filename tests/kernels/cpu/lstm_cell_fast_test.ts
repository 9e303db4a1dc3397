import assert from "node:assert/strict";
import { CpuBackend } from "../../../kernels/cpu/backend.ts";
import type { TypedArray } from "../../../kernels/dtype.ts";
import { getOp } from "../../../kernels/op.ts";
import "../../../kernels/ops/mod.ts";
import { Rng } from "../../../kernels/random.ts";

/**
 * The fast lstmCell, lstmCellGrad and lstmCellStateGrad (kernels/cpu/lstm_cell_fast.ts) against
 * the reference kernels, bit for bit, on a training-sized step (batch 128, 64 units) with NaN,
 * ±∞ and ±0 planted, from a packed [h | c] state, a previous record and no state.
 */

const fast = new CpuBackend(true);
const reference = new CpuBackend(false);

function run(b: CpuBackend, op: string, ins: Float32Array[], shapes: number[][], attrs = {}) {
  const def = getOp(op)!;
  const info = def.infer(shapes.map((shape) => ({ shape, dtype: "float32" })), attrs as never);
  const handles = ins.map((d, i) => ({ handle: b.upload(d), shape: shapes[i], dtype: "float32" }));
  return b.exec(def, handles as never, attrs, info.shape, info.dtype) as TypedArray;
}

function data(n: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  const v = Float32Array.from({ length: n }, () => rng.normal() * 2);
  [NaN, Infinity, -Infinity, 0, -0, 40, -40].forEach((s, j) => (v[(j * 997) % n] = s));
  return v;
}

/** The bits of each value, every NaN as one (a NaN's sign bit depends on the JIT's code). */
const bits = (a: TypedArray) =>
  Array.from(new Uint32Array(Float32Array.from(a).buffer), (v, i) => (a[i] !== a[i] ? -1 : v));
const same = (a: TypedArray, b: TypedArray, label: string) =>
  assert.deepEqual(bits(a), bits(b), label);

Deno.test("fast lstmCell and its gradient kernels equal the reference bit for bit", () => {
  const B = 128, U = 64;
  for (const prevWidth of [0, 2 * U, 7 * U]) {
    const z = data(B * 4 * U, 1);
    const prev = prevWidth ? [data(B * prevWidth, 2)] : [];
    const shapes = [[B, 4 * U], ...(prevWidth ? [[B, prevWidth]] : [])];
    const label = `prev width ${prevWidth}`;
    const rec = run(reference, "lstmCell", [z, ...prev], shapes) as Float32Array;
    same(run(fast, "lstmCell", [z, ...prev], shapes), rec, `lstmCell, ${label}`);
    const d = data(rec.length, 3);
    const gShapes = [[B, 7 * U], [B, 7 * U], ...shapes.slice(1)];
    same(
      run(fast, "lstmCellGrad", [d, rec, ...prev], gShapes),
      run(reference, "lstmCellGrad", [d, rec, ...prev], gShapes),
      `lstmCellGrad, ${label}`,
    );
    if (!prevWidth) continue;
    const sShapes = gShapes.slice(0, 2);
    same(
      run(fast, "lstmCellStateGrad", [d, rec], sShapes, { prevWidth }),
      run(reference, "lstmCellStateGrad", [d, rec], sShapes, { prevWidth }),
      `lstmCellStateGrad, ${label}`,
    );
  }
});
