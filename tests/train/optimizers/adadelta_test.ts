import assert from "node:assert/strict";
import { setDevice } from "../../../kernels/device.ts";
import { tidy } from "../../../kernels/engine.ts";
import { tensor, variable } from "../../../kernels/tensor.ts";
import { adadelta } from "../../../train/optimizers.ts";
import type { AdadeltaOptions } from "../../../train/optimizers.ts";
import { undisposed } from "../../kernels/undisposed.ts";

/**
 * Adadelta (no fused rule: tensor ops) against Keras 2's update written out by hand, each tensor
 * op's result rounded to float32 as the op stores it, so the results must be equal bit for bit.
 */

const THETA = [0.5, -1.25, 2, 0.01];
const GRADS = [[0.1, -0.3, 0.7, 0], [-0.2, 0.5, 0.4, 1e-3], [0.05, 0.05, -1, 2]];

function reference(lr: number, rho: number, eps: number, wd: number): number[][] {
  const f = Math.fround;
  const p = THETA.map(f), a = THETA.map(() => 0), d = THETA.map(() => 0);
  return GRADS.map((gs) => {
    for (let i = 0; i < p.length; i++) {
      const g = f(gs[i]);
      const gd = wd ? f(g + f(p[i] * wd)) : g;
      a[i] = f(f(a[i] * rho) + f(f(gd * gd) * (1 - rho)));
      const delta = f(f(gd * f(Math.sqrt(f(d[i] + eps)))) / f(Math.sqrt(f(a[i] + eps))));
      d[i] = f(f(d[i] * rho) + f(f(delta * delta) * (1 - rho)));
      p[i] = f(p[i] - f(delta * lr));
    }
    return [...p];
  });
}

function trace(o: AdadeltaOptions): number[][] {
  const opt = adadelta(o);
  const p = variable(tensor(THETA));
  const out = GRADS.map((g) => {
    tidy(() => opt.step([p], [tensor(g)]));
    return Array.from(p.dataSync());
  });
  p.dispose();
  opt.dispose();
  return out;
}

Deno.test("adadelta: Keras 2 defaults (learningRate 1.0, rho 0.95, epsilon 1e-7)", () => {
  assert.deepEqual(adadelta().config(), {
    name: "adadelta",
    learningRate: 1,
    weightDecay: 0,
    rho: 0.95,
    epsilon: 1e-7,
  });
});

for (const device of ["cpu", "cpu-reference"] as const) {
  Deno.test(`adadelta on ${device}: three steps equal the hand-written update bit for bit`, async () => {
    await setDevice(device);
    assert.deepEqual(trace({}), reference(1, 0.95, 1e-7, 0));
    assert.deepEqual(
      trace({ learningRate: 0.001, rho: 0.9, epsilon: 1e-6, weightDecay: 0.1 }),
      reference(0.001, 0.9, 1e-6, 0.1),
    );
    await setDevice("cpu");
  });
}

Deno.test("adadelta: a step outside tidy leaves no tensor behind", async () => {
  await setDevice("cpu");
  const opt = adadelta();
  const p = variable(tensor(THETA));
  const g = tensor(GRADS[0]);
  opt.step([p], [g]);
  const before = undisposed();
  opt.step([p], [g]);
  // Each step's intermediates and its output tensor are freed (θ holds the new storage).
  assert.equal(undisposed(), before);
  opt.dispose();
});
