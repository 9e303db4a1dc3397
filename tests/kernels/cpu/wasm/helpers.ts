import assert from "node:assert/strict";
import type { CpuBackend } from "../../../../kernels/cpu/backend.ts";
import type { TypedArray } from "../../../../kernels/dtype.ts";
import { getOp } from "../../../../kernels/op.ts";
import "../../../../kernels/ops/mod.ts";

/** Shared by the WASM kernel tests: running one op on a backend, and bitwise comparison. */

/** Runs op `name` on backend `b` with float32 inputs [data, shape]; returns the output array. */
export function execOp(
  b: CpuBackend,
  name: string,
  inputs: [Float32Array, number[]][],
  attrs: unknown,
): Float32Array {
  const def = getOp(name)!;
  const infos = inputs.map(([, shape]) => ({ shape, dtype: "float32" as const }));
  const { shape } = def.infer(infos, attrs as never);
  const handles = inputs.map(([d, s]) => ({ handle: b.upload(d), shape: s, dtype: "float32" }));
  return b.exec(def, handles as never, attrs, shape, "float32") as Float32Array;
}

/**
 * Fails unless a and b hold the same bits element by element; with `anyNaN`, any NaN matches
 * any NaN (sums of ±∞ make NaNs whose sign bit differs between paths).
 */
export function sameBits(a: TypedArray, b: TypedArray, what: string, anyNaN = false): void {
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  assert.equal(x.length, y.length, what);
  for (let i = 0; i < x.length; i++) {
    if (x[i] === y[i] || (anyNaN && Number.isNaN(a[i]) && Number.isNaN(b[i]))) continue;
    assert.fail(`${what}: element ${i} is ${a[i]} vs ${b[i]}`);
  }
}
