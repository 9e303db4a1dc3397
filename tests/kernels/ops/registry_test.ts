/**
 * Registry-driven op tests: every registered op, every test case it declares, is checked
 * (1) against central finite differences in float64 on the CPU reference kernels, and
 * (2) fast CPU backend vs CPU reference on the same float32 inputs, forward and gradient, and
 * (3) the same with NaN, ±∞ and ±0 planted in the float inputs, where both must agree on every
 * special value exactly (docs/ARCHITECTURE.md, "Numerics").
 * A new op is covered by declaring its `tests`; no new test file is needed.
 */
import assert from "node:assert/strict";
import "../../../kernels/ops/mod.ts";
// Every optimiser, so optimizerStep has a case for each update rule.
import "../../../train/optimizers.ts";
import { setDevice } from "../../../kernels/device.ts";
import { gradients } from "../../../kernels/autograd.ts";
import { runOp, tidy } from "../../../kernels/engine.ts";
import {
  getOp,
  mutatedInputs,
  type OpDef,
  type OpTestCase,
  registeredOps,
} from "../../../kernels/op.ts";
import { mul, sum } from "../../../kernels/ops/mod.ts";
import { Rng } from "../../../kernels/random.ts";
import { type Tensor, tensor } from "../../../kernels/tensor.ts";
import { gradcheck } from "../../../train/gradcheck.ts";
import { sizeOf } from "../../../kernels/shape.ts";
import { assertSameSpecials, errorOf } from "../parity_checks.ts";
import {
  caseData,
  caseTensors,
  emptyCase,
  OUT_OF_RANGE,
  outOfRangeCaseData,
  SPECIAL_KINDS,
  specialCaseData,
} from "../op_inputs.ts";

const ops = registeredOps();

Deno.test("registry: every op declares tests or names the op whose tests cover it", () => {
  assert.ok(ops.length >= 30, `only ${ops.length} ops registered`);
  for (const op of ops) {
    if (op.gradOf) {
      const parent = getOp(op.gradOf);
      assert.ok(parent?.grad, `${op.name}.gradOf names ${op.gradOf}, which has no grad`);
      assert.ok(parent.tests.length > 0, `${op.gradOf} has no test cases`);
    } else {
      assert.ok(op.tests.length > 0, `${op.name} declares no test cases`);
    }
  }
});

/** Σ op(xs)·R for a fixed random R: a scalar whose gradient exercises every output. */
function projected(op: OpDef<unknown>, c: OpTestCase<unknown>, seed: number) {
  let weights: Float64Array | undefined;
  return (...xs: Tensor[]) => {
    const y = runOp(op, xs, c.attrs);
    if (!weights) {
      const rng = new Rng(seed);
      weights = Float64Array.from({ length: y.size }, () => rng.normal());
    }
    return sum(mul(y, tensor(weights, y.shape, y.dtype)));
  };
}

for (const op of ops.filter((o) => o.grad)) {
  for (const [k, c] of op.tests.entries()) {
    Deno.test(`gradcheck float64: ${op.name} (${c.name})`, async () => {
      await setDevice("cpu-reference");
      const data = caseData(c, 100 + k);
      tidy(() => {
        const xs = caseTensors(c, data, "float64");
        const diff = op.diffInputs ?? xs.flatMap((x, i) => (x.dtype === "int32" ? [] : [i]));
        const res = gradcheck(projected(op, c, 7 + k), xs, { check: diff });
        assert.ok(
          res.maxRelError < 1e-6,
          `${op.name} ${c.name}: max relative error ${res.maxRelError.toExponential(2)} ` +
            JSON.stringify(res.inputs),
        );
      });
    });
  }
}

async function runOn(
  device: "cpu" | "cpu-reference",
  op: OpDef<unknown>,
  c: OpTestCase<unknown>,
  data: ArrayLike<number>[],
) {
  await setDevice(device);
  return tidy(() => {
    const xs = caseTensors(c, data, "float32");
    const y = runOp(op, xs, c.attrs);
    const out = { y: y.dataSync(), grads: [] as Float32Array[] };
    // In-place inputs (optimiser state) are outputs too.
    for (const i of mutatedInputs(op, c.attrs, xs.length)) {
      if (xs[i]) out.grads.push(xs[i].dataSync() as Float32Array);
    }
    const diff = op.diffInputs ?? xs.flatMap((x, i) => (x.dtype === "int32" ? [] : [i]));
    if (op.grad && diff.length) {
      for (const i of diff) xs[i].requiresGrad = true;
      const f = projected(op, c, 11)(...xs);
      const gs = gradients(f, diff.map((i) => xs[i]));
      out.grads = gs.map((g) => (g ? (g.dataSync() as Float32Array) : new Float32Array()));
    }
    return out;
  });
}

function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let scale = 1e-6, diff = 0;
  for (let i = 0; i < a.length; i++) {
    scale = Math.max(scale, Math.abs(b[i]));
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
  }
  return diff / scale;
}

for (const op of ops) {
  for (const [k, c] of op.tests.entries()) {
    Deno.test(`parity cpu vs cpu-reference: ${op.name} (${c.name})`, async () => {
      const data = caseData(c, 200 + k);
      const ref = await runOn("cpu-reference", op, c, data);
      const fast = await runOn("cpu", op, c, data);
      const e = maxRelDiff(fast.y, ref.y);
      assert.ok(e < 1e-5, `${op.name} ${c.name} forward: max error ${e} (relative to max |y|)`);
      fast.grads.forEach((g, i) => {
        const eg = maxRelDiff(g, ref.grads[i]);
        assert.ok(eg < 1e-5, `${op.name} ${c.name} grad ${i}: max error ${eg}`);
      });
    });
  }
}

/**
 * Ops with no empty-tensor case, derived or declared, and why: anything else must have one (a
 * new op gets one from its cases by emptying an axis its shape rule accepts empty).
 */
const NO_EMPTY_CASE: Record<string, string> = {
  cast: "its one registry case is float64 (CPU only); cast rules are value tests on every backend",
};

Deno.test("registry: every op has an empty-tensor case (its own or one emptied from its cases)", () => {
  const missing = ops.filter((op) =>
    op.tests.length > 0 && !(op.name in NO_EMPTY_CASE) &&
    !op.tests.some((c) => c.inputs.some((s) => sizeOf(s.shape) === 0) || emptyCase(op, c))
  ).map((o) => o.name);
  assert.deepEqual(missing, []);
});

for (const op of ops) {
  for (const [k, c] of op.tests.entries()) {
    const e = emptyCase(op, c);
    if (!e) continue;
    Deno.test(`parity with empty inputs, cpu vs cpu-reference: ${op.name} (${e.name})`, async () => {
      const data = caseData(e, 800 + k);
      const ref = await runOn("cpu-reference", op, e, data);
      const fast = await runOn("cpu", op, e, data);
      assertSameSpecials(`${op.name} ${e.name}`, "fast", fast, ref, { floor: 1e-6, tol: 1e-5 });
    });
  }
}

const floatInputs = (c: OpTestCase<unknown>) => c.inputs.some((s) => s.int === undefined);

for (const op of ops) {
  for (const [k, c] of op.tests.entries()) {
    if (!floatInputs(c)) continue;
    for (const kind of SPECIAL_KINDS) {
      Deno.test(`parity with ${kind}, cpu vs cpu-reference: ${op.name} (${c.name})`, async () => {
        const data = specialCaseData(c, 400 + k, kind);
        const ref = await runOn("cpu-reference", op, c, data);
        const fast = await runOn("cpu", op, c, data);
        assertSameSpecials(`${op.name} ${c.name} ${kind}`, "fast", fast, ref, {
          floor: 1e-6,
          tol: 1e-5,
        });
      });
    }
  }
}

for (const op of ops) {
  for (const [k, c] of op.tests.entries()) {
    for (const { name, bad } of OUT_OF_RANGE) {
      const planted = outOfRangeCaseData(c, 600 + k, bad);
      if (!planted) continue;
      Deno.test(`index ${name} out of range, cpu and cpu-reference refuse it: ${op.name} (${c.name})`, async () => {
        const errors = [];
        for (const device of ["cpu-reference", "cpu"] as const) {
          errors.push(await errorOf(() => runOn(device, op, c, planted.data)));
        }
        const [ref, fast] = errors;
        assert.ok(
          ref instanceof RangeError,
          `${op.name}: reference accepted index ${planted.value}`,
        );
        assert.match(
          ref.message,
          new RegExp(`^${op.name}: \\w+ ${planted.value} at \\w+ ${planted.at} is outside \\[0, `),
        );
        assert.equal(fast?.message, ref.message);
      });
    }
  }
}
