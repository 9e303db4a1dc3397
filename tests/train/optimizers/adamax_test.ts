import assert from "node:assert/strict";
import { setDevice } from "../../../kernels/device.ts";
import { adamax } from "../../../train/optimizers.ts";
import { assertClose, GRADS, testGpuMatchesCpu, THETA, traceSteps } from "./steps.ts";

/**
 * Adamax against Keras' update written out in float64: m ← β₁m + (1−β₁)g, u ← max(β₂u, |g|),
 * θ ← θ − α·m/((1 − β₁ᵗ)(u + ε)).
 */

function reference(lr: number, b1: number, b2: number, eps: number, wd = 0): number[][] {
  const p = [...THETA], m = THETA.map(() => 0), u = THETA.map(() => 0);
  return GRADS.map((gs, s) => {
    gs.forEach((g0, i) => {
      const g = g0 + wd * p[i];
      m[i] = b1 * m[i] + (1 - b1) * g;
      u[i] = Math.max(b2 * u[i], Math.abs(g));
      p[i] -= lr * m[i] / ((1 - b1 ** (s + 1)) * (u[i] + eps));
    });
    return [...p];
  });
}

Deno.test("adamax: Keras' defaults (lr 1e-3, betas 0.9/0.999, epsilon 1e-7)", () => {
  assert.deepEqual(adamax().config(), {
    name: "adamax",
    learningRate: 1e-3,
    weightDecay: 0,
    beta1: 0.9,
    beta2: 0.999,
    epsilon: 1e-7,
  });
});

for (const device of ["cpu", "cpu-reference"] as const) {
  Deno.test(`adamax on ${device}: three float64 steps equal the hand reference`, async () => {
    await setDevice(device);
    assertClose(await traceSteps(() => adamax()), reference(1e-3, 0.9, 0.999, 1e-7), 1e-14);
    const o = { learningRate: 0.1, beta1: 0.5, beta2: 0.8, epsilon: 1e-3, weightDecay: 0.2 };
    assertClose(await traceSteps(() => adamax(o)), reference(0.1, 0.5, 0.8, 1e-3, 0.2), 1e-14);
    await setDevice("cpu");
  });
}

await testGpuMatchesCpu("adamax", () => adamax({ learningRate: 0.1 }));
