import assert from "node:assert/strict";
import { setDevice } from "../../../kernels/device.ts";
import { adagrad } from "../../../train/optimizers.ts";
import { assertClose, GRADS, testGpuMatchesCpu, THETA, traceSteps } from "./steps.ts";

/** Adagrad against Keras' update written out in float64: a ← a + g², θ ← θ − αg/√(a + ε). */

function reference(lr: number, a0: number, eps: number, wd = 0): number[][] {
  const p = [...THETA], a = THETA.map(() => a0);
  return GRADS.map((gs) => {
    gs.forEach((g0, i) => {
      const g = g0 + wd * p[i];
      a[i] += g * g;
      p[i] -= lr * g / Math.sqrt(a[i] + eps);
    });
    return [...p];
  });
}

Deno.test("adagrad: Keras' defaults (lr 1e-3, initialAccumulatorValue 0.1, epsilon 1e-7)", () => {
  assert.deepEqual(adagrad().config(), {
    name: "adagrad",
    learningRate: 1e-3,
    weightDecay: 0,
    initialAccumulatorValue: 0.1,
    epsilon: 1e-7,
  });
});

for (const device of ["cpu", "cpu-reference"] as const) {
  Deno.test(`adagrad on ${device}: three float64 steps equal the hand reference`, async () => {
    await setDevice(device);
    assertClose(await traceSteps(() => adagrad()), reference(1e-3, 0.1, 1e-7), 1e-14);
    const o = { learningRate: 0.5, initialAccumulatorValue: 0, epsilon: 1e-3, weightDecay: 0.1 };
    assertClose(await traceSteps(() => adagrad(o)), reference(0.5, 0, 1e-3, 0.1), 1e-14);
    await setDevice("cpu");
  });
}

Deno.test("adagrad: a negative initialAccumulatorValue is refused", () => {
  assert.throws(() => adagrad({ initialAccumulatorValue: -1 }), /initialAccumulatorValue/);
});

await testGpuMatchesCpu("adagrad", () => adagrad({ learningRate: 0.1 }));
