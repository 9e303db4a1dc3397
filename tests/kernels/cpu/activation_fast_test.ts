import assert from "node:assert/strict";
import type { DType, TypedArray } from "../../../kernels/dtype.ts";
import { CpuBackend } from "../../../kernels/cpu/backend.ts";
import { kernelsForBackend } from "../../../kernels/kernel_registry.ts";
import { getOp } from "../../../kernels/op.ts";
import "../../../kernels/ops/mod.ts";
import { Rng } from "../../../kernels/random.ts";
import { setWasmKernels } from "../../../kernels/cpu/wasm/module.ts";

/**
 * The fast sigmoid, tanh, gelu and geluGrad (kernels/cpu/activation_fast.ts) against the
 * reference kernels on training-sized inputs with NaN, ±∞, ±0 and empty tensors: bit for bit,
 * except gelu's erf form on float32 (a shorter erf evaluation moves the last float64 digits):
 * within one float32 ulp, on at most 0.1 % of the elements, through the WASM kernels and through
 * the TypeScript loop. float64 tensors keep the reference's erf and are bit for bit.
 */

const fast = new CpuBackend(true);
const reference = new CpuBackend(false);

function run(b: CpuBackend, op: string, inputs: TypedArray[], attrs: unknown, dtype: DType) {
  const def = getOp(op)!;
  const shape = [inputs[0].length];
  const handles = inputs.map((d) => ({ handle: b.upload(d), shape, dtype }));
  return b.exec(def, handles as never, attrs, shape, dtype) as TypedArray;
}

/** Normals at three scales, a sweep over ±12 and the special values. */
function inputs(n: number, seed: number, dtype: DType): TypedArray {
  const rng = new Rng(seed);
  const v: number[] = [NaN, Infinity, -Infinity, 0, -0, 1e-30, -1e-30, 88, -88, 1e6, -1e6];
  for (let i = 0; i < n; i++) v.push(rng.normal() * [0.5, 1, 3][i % 3]);
  for (let i = 0; i < n; i++) v.push(-12 + 24 * i / n);
  return dtype === "float32" ? Float32Array.from(v) : Float64Array.from(v);
}

/** Largest distance in float32 ulps (bit patterns of one sign); NaN must meet NaN. */
function maxUlps(a: Float32Array, b: Float32Array, label: string): number {
  assert.equal(a.length, b.length, label);
  const ia = new Int32Array(a.buffer, a.byteOffset, a.length);
  const ib = new Int32Array(b.buffer, b.byteOffset, b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(b[i])) {
      assert.ok(Number.isNaN(a[i]), `${label}: element ${i}: ${a[i]} vs NaN`);
      continue;
    }
    assert.ok((ia[i] ^ ib[i]) >= 0 || a[i] === b[i], `${label}: element ${i}: ${a[i]} vs ${b[i]}`);
    worst = Math.max(worst, Math.abs(ia[i] - ib[i]));
  }
  return worst;
}

const CASES: { op: string; attrs: unknown; exact: boolean }[] = [
  { op: "sigmoid", attrs: {}, exact: true },
  { op: "tanh", attrs: {}, exact: true },
  { op: "gelu", attrs: { approximate: "tanh" }, exact: true },
  { op: "geluGrad", attrs: { approximate: "tanh" }, exact: true },
  { op: "gelu", attrs: { approximate: "none" }, exact: false },
  { op: "geluGrad", attrs: { approximate: "none" }, exact: false },
];

Deno.test("the fast activation kernels are registered", () => {
  const names = kernelsForBackend("cpu").map((k) => k.kernelName);
  for (const op of ["sigmoid", "tanh", "gelu", "geluGrad"]) assert.ok(names.includes(op), op);
});

for (const { op, attrs, exact } of CASES) {
  const label = `${op} ${JSON.stringify(attrs)}`;
  // The erf form runs the WASM kernels (wasm/gelu_wasm.ts) by default, the TypeScript loop without.
  for (const wasm of exact ? [true] : [true, false]) {
    const path = exact ? "" : wasm ? ", WASM" : ", TypeScript";
    Deno.test(`fast ${label} vs reference, float32${path}: ${exact ? "bit for bit" : "≤ 1 ulp"}`, () => {
      const x = inputs(60_000, 3, "float32") as Float32Array;
      const args = op.endsWith("Grad") ? [inputs(60_000, 4, "float32"), x] : [x];
      const was = setWasmKernels(wasm);
      let a: Float32Array;
      try {
        a = run(fast, op, args, attrs, "float32") as Float32Array;
      } finally {
        setWasmKernels(was);
      }
      const b = run(reference, op, args, attrs, "float32") as Float32Array;
      const ulps = maxUlps(a, b, label);
      assert.ok(ulps <= (exact ? 0 : 1), `${label}: ${ulps} ulps apart`);
      if (!exact) {
        // One ulp only where the float64 value sat next to a float32 rounding boundary: rare.
        let differ = 0;
        for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) differ++;
        assert.ok(differ <= 1e-3 * a.length, `${label}: ${differ} of ${a.length} differ`);
      }
    });
  }
  Deno.test(`fast ${label} vs reference, float64 and empty`, () => {
    const x = inputs(20_000, 5, "float64");
    const args = op.endsWith("Grad") ? [inputs(20_000, 6, "float64"), x] : [x];
    const a = run(fast, op, args, attrs, "float64"), b = run(reference, op, args, attrs, "float64");
    for (let i = 0; i < a.length; i++) {
      // float64 keeps the reference's erf: bit for bit on every op.
      assert.ok(Object.is(a[i], b[i]), `${label} float64: x = ${x[i]}: ${a[i]} vs ${b[i]}`);
    }
    const empty = op.endsWith("Grad")
      ? [new Float32Array(0), new Float32Array(0)]
      : [new Float32Array(0)];
    assert.equal(run(fast, op, empty, attrs, "float32").length, 0);
  });
}
