import assert from "node:assert/strict";
import { setDevice } from "../../../kernels/device.ts";
import type { DType } from "../../../kernels/dtype.ts";
import { tidy } from "../../../kernels/engine.ts";
import { tensor, variable } from "../../../kernels/tensor.ts";
import type { Optimizer } from "../../../train/optimizers.ts";
import { gpuTest } from "../../kernels/webgpu/gpu_available.ts";

/** What the optimiser step tests share: a parameter, three steps of gradients, a trace. */

/** The parameter's starting value. */
export const THETA = [0.5, -1.25, 2, 0.01];
/** Three steps of gradients (a zero, a tiny and a large component among them). */
export const GRADS = [[0.1, -0.3, 0.7, 0], [-0.2, 0.5, 0.4, 1e-3], [0.05, 0.05, -1, 2]];

/** θ after each of the GRADS steps of a fresh optimiser, in `dtype` (float64 by default). */
export async function traceSteps(
  make: () => Optimizer,
  dtype: DType = "float64",
  grads: number[][] = GRADS,
): Promise<number[][]> {
  const opt = make();
  const p = variable(tensor(THETA, [THETA.length], dtype));
  const out: number[][] = [];
  for (const g of grads) {
    tidy(() => opt.step([p], [tensor(g, [g.length], dtype)]));
    out.push(Array.from(await p.data()));
  }
  p.dispose();
  opt.dispose();
  return out;
}

/** Asserts |got − want| ≤ tol·max(1, |want|) everywhere. */
export function assertClose(got: number[][], want: number[][], tol: number): void {
  assert.equal(got.length, want.length);
  got.forEach((row, s) =>
    row.forEach((x, i) =>
      assert.ok(
        Math.abs(x - want[s][i]) <= tol * Math.max(1, Math.abs(want[s][i])),
        `step ${s + 1}, element ${i}: ${x} vs ${want[s][i]}`,
      )
    )
  );
}

/** float32 steps on WebGPU against the CPU's, within float32 rounding. */
export async function assertGpuMatchesCpu(make: () => Optimizer): Promise<void> {
  await setDevice("cpu");
  const cpu = await traceSteps(make, "float32");
  await setDevice("webgpu");
  try {
    assertClose(await traceSteps(make, "float32"), cpu, 1e-5);
  } finally {
    await setDevice("cpu");
  }
}

/**
 * Registers the test "<name>: WebGPU's three steps match the CPU's within float32 rounding" of
 * `make`'s optimizer (skipped without a GPU, except in CI where a missing GPU must fail).
 */
export async function testGpuMatchesCpu(name: string, make: () => Optimizer): Promise<void> {
  await gpuTest(
    `${name}: WebGPU's three steps match the CPU's within float32 rounding`,
    () => assertGpuMatchesCpu(make),
  );
}
