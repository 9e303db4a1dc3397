import assert from "node:assert/strict";
import { setDevice } from "../../../kernels/device.ts";
import { nadam } from "../../../train/optimizers.ts";
import { assertClose, GRADS, testGpuMatchesCpu, THETA, traceSteps } from "./steps.ts";

/**
 * Nadam against Keras 3's `update_step` written out in float64 (u_t, u_product, m_hat, v_hat
 * by its names), over three steps and over a restored step count.
 */

function reference(lr: number, b1: number, b2: number, eps: number, steps = GRADS) {
  const p = [...THETA], m = THETA.map(() => 0), v = THETA.map(() => 0);
  let uProduct = 1;
  return steps.map((gs, s) => {
    const t = s + 1;
    const uT = b1 * (1 - 0.5 * 0.96 ** t);
    const uT1 = b1 * (1 - 0.5 * 0.96 ** (t + 1));
    uProduct *= uT;
    const uProductT1 = uProduct * uT1;
    gs.forEach((g, i) => {
      m[i] += (g - m[i]) * (1 - b1);
      v[i] += (g * g - v[i]) * (1 - b2);
      const mHat = uT1 * m[i] / (1 - uProductT1) + (1 - uT) * g / (1 - uProduct);
      const vHat = v[i] / (1 - b2 ** t);
      p[i] -= lr * mHat / (Math.sqrt(vHat) + eps);
    });
    return [...p];
  });
}

Deno.test("nadam: Keras' defaults (lr 1e-3, betas 0.9/0.999, epsilon 1e-7)", () => {
  assert.deepEqual(nadam().config(), {
    name: "nadam",
    learningRate: 1e-3,
    weightDecay: 0,
    beta1: 0.9,
    beta2: 0.999,
    epsilon: 1e-7,
  });
});

for (const device of ["cpu", "cpu-reference"] as const) {
  Deno.test(`nadam on ${device}: float64 steps equal Keras' update written out`, async () => {
    await setDevice(device);
    assertClose(await traceSteps(() => nadam()), reference(1e-3, 0.9, 0.999, 1e-7), 1e-13);
    const o = { learningRate: 0.1, beta1: 0.7, beta2: 0.9, epsilon: 1e-4 };
    assertClose(await traceSteps(() => nadam(o)), reference(0.1, 0.7, 0.9, 1e-4), 1e-13);
    // Twelve steps: the running μ product is advanced step by step.
    const many = Array.from({ length: 12 }, (_, s) => GRADS[s % 3]);
    assertClose(
      await traceSteps(() => nadam(o), "float64", many),
      reference(0.1, 0.7, 0.9, 1e-4, many),
      1e-13,
    );
    await setDevice("cpu");
  });
}

await testGpuMatchesCpu("nadam", () => nadam({ learningRate: 0.1 }));
