import assert from "node:assert/strict";
import { CpuBackend } from "../../../kernels/cpu/backend.ts";
import { kernelsForBackend } from "../../../kernels/kernel_registry.ts";

const fastKernelNames = () => kernelsForBackend("cpu").map((k) => k.kernelName);
import type { DType, TypedArray } from "../../../kernels/dtype.ts";
import { getOp } from "../../../kernels/op.ts";
import "../../../kernels/ops/mod.ts";

/** The fast dropout mask against the reference: the same units kept, the same values, bit for bit. */

function mask(fast: boolean, n: number, rate: number, seed: number, dtype: DType): TypedArray {
  const b = new CpuBackend(fast);
  const attrs = { shape: [n], rate, seed, dtype };
  return b.exec(getOp("dropoutMask")!, [], attrs, [n], dtype) as TypedArray;
}

Deno.test("the fast dropout mask is registered", () => {
  assert.ok(fastKernelNames().includes("dropoutMask"));
});

Deno.test("fast dropout mask equals the reference bit for bit: rates, seeds, dtypes", () => {
  const n = 70_001;
  for (const dtype of ["float32", "float64"] as DType[]) {
    for (const rate of [0, 1e-10, 0.25, 0.5, 0.9, 0.9999999]) {
      for (const seed of [0, 1, 12345, 2 ** 31 + 7]) {
        const a = mask(true, n, rate, seed, dtype), b = mask(false, n, rate, seed, dtype);
        const label = `${dtype} rate ${rate} seed ${seed}`;
        const bits = (t: TypedArray) => new Uint8Array(t.buffer, t.byteOffset, t.byteLength);
        assert.deepEqual(bits(a), bits(b), label);
        const kept = Array.from(a).filter((v) => v !== 0).length / n;
        assert.ok(Math.abs(kept - (1 - rate)) < 0.01, `${label}: kept ${kept}`);
      }
    }
  }
});
