import assert from "node:assert/strict";
import { CpuBackend } from "../../../kernels/cpu/backend.ts";
import { kernelsForBackend } from "../../../kernels/kernel_registry.ts";

const fastKernelNames = () => kernelsForBackend("cpu").map((k) => k.kernelName);
import type { DType, FloatArray } from "../../../kernels/dtype.ts";
import { getOp } from "../../../kernels/op.ts";
import "../../../kernels/ops/mod.ts";
import type { UpdateAttrs } from "../../../kernels/ops/optimizer_step.ts";
import { updateRules } from "../../../kernels/optim/update_rule.ts";
// Defines every optimiser's update rule.
import "../../../train/optimizers.ts";
import { Rng } from "../../../kernels/random.ts";

/**
 * The fast optimiser update (each rule compiled to a loop) against the reference (the rule's
 * closures over the parsed statements): every defined rule, float32 and float64, the new
 * parameter and the state written in place must agree bit for bit (same arithmetic, same
 * rounding points), over several steps so state feeds back.
 */

const fast = new CpuBackend(true);
const reference = new CpuBackend(false);

function fill(n: number, rng: Rng, dtype: DType, positive = false): FloatArray {
  const a = dtype === "float64" ? new Float64Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = positive ? Math.abs(rng.normal()) : rng.normal();
  return a;
}

function update(b: CpuBackend, arrays: FloatArray[], attrs: UpdateAttrs, dtype: DType): FloatArray {
  const def = getOp("optimizerStep")!;
  const shape = [arrays[0].length];
  const handles = arrays.map((d) => ({ handle: b.upload(d), shape, dtype }));
  return b.exec(def, handles as never, attrs, shape, dtype) as FloatArray;
}

Deno.test("the fast optimiser kernel is registered", () => {
  assert.ok(fastKernelNames().includes("optimizerStep"));
});

Deno.test("fast optimizerStep equals the reference bit for bit, every rule and dtype", () => {
  for (const dtype of ["float32", "float64"] as DType[]) {
    const rules = updateRules();
    assert.ok(rules.length >= 7, rules.map((r) => r.name).join(", "));
    for (const rule of rules) {
      const rng = new Rng(3);
      const n = 777;
      const attrs: UpdateAttrs = { rule: rule.name, hyper: rule.example };
      const kind = rule.name;
      let pF = fill(n, rng, dtype);
      let pR: FloatArray = pF.slice();
      const stateF = rule.state.map(() => fill(n, rng, dtype, true));
      const stateR = stateF.map((s) => s.slice());
      for (let step = 0; step < 3; step++) {
        const g = fill(n, rng, dtype);
        pF = update(fast, [pF, g, ...stateF], attrs, dtype);
        pR = update(reference, [pR, g, ...stateR], attrs, dtype);
        const label = `${kind} ${dtype} step ${step}`;
        assert.deepEqual(Array.from(pF), Array.from(pR), `${label}: parameters`);
        stateF.forEach((s, k) => assert.deepEqual(Array.from(s), Array.from(stateR[k]), label));
      }
    }
  }
});
