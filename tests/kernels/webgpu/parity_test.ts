/**
 * Registry-driven WebGPU parity: every registered op, every test case it declares (plus the
 * odd-shape cases below), run on WebGPU and on the CPU reference with the same float32 inputs,
 * forward and gradient. The maximum error, relative to the largest reference value, is printed
 * and bounded; the registry's cases run again with NaN, ±∞ and ±0 planted in the float inputs,
 * where WebGPU must give the reference's special values exactly. In CI (env CI set) a missing adapter fails the suite instead of skipping it.
 */
import assert from "node:assert/strict";
import "../../../kernels/ops/mod.ts";
// Every optimiser, so optimizerStep has a case for each update rule.
import "../../../train/optimizers.ts";
import { setDevice } from "../../../kernels/device.ts";
import { gradients } from "../../../kernels/autograd.ts";
import { runOp, tidy } from "../../../kernels/engine.ts";
import { getKernel } from "../../../kernels/kernel_registry.ts";
import { mutatedInputs, type OpDef, type OpTestCase, registeredOps } from "../../../kernels/op.ts";
import { mul, sum } from "../../../kernels/ops/mod.ts";
import { Rng } from "../../../kernels/random.ts";
import type { Tensor } from "../../../kernels/tensor.ts";
import { tensor } from "../../../kernels/tensor.ts";
import {
  caseData,
  caseTensors,
  emptyCase,
  OUT_OF_RANGE,
  outOfRangeCaseData,
  SPECIAL_KINDS,
  specialCaseData,
} from "../op_inputs.ts";
import { assertSameSpecials, errorOf } from "../parity_checks.ts";
import { extraGpuCases } from "./extra_cases.ts";
import { gpuAvailable, gpuTest } from "./gpu_available.ts";
// Loaded here too, so the check below runs where no adapter exists.
import "../../../kernels/webgpu/kernels/register_all.ts";

const ops = registeredOps();
const available = await gpuAvailable();

Deno.test("webgpu: an adapter exists (required in CI)", () => {
  if (Deno.env.get("CI")) assert.ok(available.ok, available.reason);
});

Deno.test("webgpu: every registered op has a WGSL kernel in the kernel registry", () => {
  const missing = ops.filter((o) => !getKernel(o.name, "webgpu")).map((o) => o.name);
  assert.deepEqual(missing, [], `ops without a WebGPU kernel: ${missing.join(", ")}`);
});

/** Σ op(xs)·R for a fixed random R, so the gradient exercises every output element. */
function projected(op: OpDef<unknown>, c: OpTestCase<unknown>, seed: number) {
  return (...xs: Tensor[]) => {
    const y = runOp(op, xs, c.attrs);
    const rng = new Rng(seed);
    const w = Float32Array.from({ length: y.size }, () => rng.normal());
    return sum(mul(y, tensor(w, y.shape, y.dtype)));
  };
}

async function runOn(
  device: "webgpu" | "cpu-reference",
  op: OpDef<unknown>,
  c: OpTestCase<unknown>,
  data: ArrayLike<number>[],
): Promise<{ y: ArrayLike<number>; grads: ArrayLike<number>[] }> {
  await setDevice(device);
  const kept = tidy(() => {
    const xs = caseTensors(c, data, "float32");
    const y = runOp(op, xs, c.attrs);
    // In-place inputs (optimiser state) are compared like gradients.
    const grads: Tensor[] = mutatedInputs(op, c.attrs, xs.length).filter((i) => xs[i]).map((i) =>
      xs[i]
    );
    const diff = op.diffInputs ?? xs.flatMap((x, i) => (x.dtype === "int32" ? [] : [i]));
    if (op.grad && diff.length) {
      for (const i of diff) xs[i].requiresGrad = true;
      const f = projected(op, c, 11)(...xs);
      for (const g of gradients(f, diff.map((i) => xs[i]))) if (g) grads.push(g);
    }
    return { y, grads };
  });
  const out = { y: await kept.y.data(), grads: [] as ArrayLike<number>[] };
  for (const g of kept.grads) out.grads.push(await g.data());
  kept.y.dispose();
  kept.grads.forEach((g) => g.dispose());
  return out;
}

/** Max |a − b| over max(|b|, 1e-3): relative to the output's scale, robust near zero. */
function maxError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length, "lengths differ");
  let scale = 1e-3, diff = 0;
  for (let i = 0; i < a.length; i++) {
    scale = Math.max(scale, Math.abs(b[i]));
    const d = Math.abs(a[i] - b[i]);
    diff = Math.max(diff, Number.isNaN(d) ? Infinity : d);
  }
  return diff / scale;
}

const TOLERANCE = 1e-5;

for (const op of ops) {
  // float64 is a CPU-only dtype (gradient checks); its registry cases have float32 twins above.
  const cases = [...op.tests, ...(extraGpuCases[op.name] ?? [])].filter((c) =>
    !JSON.stringify(c.attrs).includes("float64")
  );
  for (const [k, c] of cases.entries()) {
    await gpuTest(`parity webgpu vs cpu-reference: ${op.name} (${c.name})`, async () => {
      const data = caseData(c, 300 + k);
      const ref = await runOn("cpu-reference", op, c, data);
      const gpu = await runOn("webgpu", op, c, data);
      const e = maxError(gpu.y, ref.y);
      const eg = gpu.grads.map((g, i) => maxError(g, ref.grads[i]));
      console.log(
        `  ${op.name} ${c.name}: forward ${e.toExponential(1)}` +
          (eg.length ? `, grads ${eg.map((x) => x.toExponential(1)).join(" ")}` : ""),
      );
      assert.ok(e <= TOLERANCE, `${op.name} ${c.name} forward: error ${e}`);
      assert.equal(gpu.grads.length, ref.grads.length);
      eg.forEach((x, i) => assert.ok(x <= TOLERANCE, `${op.name} ${c.name} grad ${i}: ${x}`));
    });
  }
}

for (const op of ops) {
  const cases = op.tests.filter((c) =>
    !JSON.stringify(c.attrs).includes("float64") && c.inputs.some((s) => s.int === undefined)
  );
  for (const [k, c] of cases.entries()) {
    for (const kind of SPECIAL_KINDS) {
      await gpuTest(
        `parity with ${kind}, webgpu vs cpu-reference: ${op.name} (${c.name})`,
        async () => {
          const data = specialCaseData(c, 500 + k, kind);
          const ref = await runOn("cpu-reference", op, c, data);
          const gpu = await runOn("webgpu", op, c, data);
          assertSameSpecials(`${op.name} ${c.name} ${kind}`, "webgpu", gpu, ref, {
            floor: 1e-3,
            tol: TOLERANCE,
          });
        },
      );
    }
  }
}

for (const op of ops) {
  const cases = op.tests.filter((c) => !JSON.stringify(c.attrs).includes("float64"));
  for (const [k, c] of cases.entries()) {
    const e = emptyCase(op, c);
    if (!e) continue;
    await gpuTest(
      `parity with empty inputs, webgpu vs cpu-reference: ${op.name} (${e.name})`,
      async () => {
        const data = caseData(e, 900 + k);
        const ref = await runOn("cpu-reference", op, e, data);
        const gpu = await runOn("webgpu", op, e, data);
        assertSameSpecials(`${op.name} ${e.name}`, "webgpu", gpu, ref, {
          floor: 1e-3,
          tol: TOLERANCE,
        });
      },
    );
  }
}

for (const op of ops) {
  for (const [k, c] of op.tests.entries()) {
    for (const { name, bad } of OUT_OF_RANGE) {
      const planted = outOfRangeCaseData(c, 700 + k, bad);
      if (!planted) continue;
      Deno.test({
        name:
          `index ${name} out of range, webgpu raises it at the readback: ${op.name} (${c.name})`,
        ignore: !available.ok && !Deno.env.get("CI"),
        fn: async () => {
          assert.ok(available.ok, available.reason);
          const ref = await errorOf(() => runOn("cpu-reference", op, c, planted.data));
          assert.ok(ref, `${op.name}: the reference accepted index ${planted.value}`);
          const gpu = await errorOf(() => runOn("webgpu", op, c, planted.data));
          assert.equal(gpu?.message, `${ref.message} (found on WebGPU, raised at this readback)`);
          // The flag is cleared: the same op on good indices reads back fine.
          const good = await runOn("webgpu", op, c, caseData(c, 700 + k));
          assert.ok(good.y.length > 0);
        },
      });
    }
  }
}
