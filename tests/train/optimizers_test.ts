import assert from "node:assert/strict";
import "../../kernels/tensor_methods.ts";
import { setDevice } from "../../kernels/device.ts";
import { tidy } from "../../kernels/engine.ts";
import { tensor, variable } from "../../kernels/tensor.ts";
import { adam, momentum, rmsprop, sgd } from "../../train/optimizers.ts";
import { exponentialDecay, inverseTimeDecay, stepDecay } from "../../train/schedules.ts";
import type { Optimizer } from "../../train/optimizers.ts";

await setDevice("cpu");

/** Runs `steps` updates of θ (start 1) with constant gradient g, returning θ after each. */
function trace(opt: Optimizer, grads: number[], theta0 = 1): number[] {
  const p = variable(tensor([theta0]));
  const out: number[] = [];
  for (const g of grads) {
    tidy(() => opt.step([p], [tensor([g])]));
    out.push(p.dataSync()[0]);
  }
  p.dispose();
  opt.dispose();
  return out;
}

const close = (a: number[], b: number[], tol = 1e-6) =>
  a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) < tol, `step ${i}: ${v} vs ${b[i]}`));

Deno.test("sgd: θ ← θ − αg", () => close(trace(sgd({ learningRate: 0.1 }), [1, 2]), [0.9, 0.7]));

Deno.test("sgd weight decay adds λθ to the gradient", () => {
  close(trace(sgd({ learningRate: 0.1, weightDecay: 0.5 }), [0]), [1 - 0.1 * 0.5]);
});

Deno.test("classical momentum: v ← μv + g; θ ← θ − αv", () => {
  // v1 = 1, θ1 = 0.9; v2 = 0.9 + 1 = 1.9, θ2 = 0.71
  close(trace(momentum({ learningRate: 0.1, momentum: 0.9 }), [1, 1]), [0.9, 0.71]);
});

Deno.test("EMA momentum: m ← μm + (1−μ)g; θ ← θ − α(m + λθ)", () => {
  // m1 = 0.1, θ1 = 1 − 0.1(0.1 + 0.5) = 0.94; m2 = 0.09 + 0.1 = 0.19, θ2 = 0.94 − 0.1(0.19 + 0.47)
  close(
    trace(momentum({ learningRate: 0.1, momentum: 0.9, momentumForm: "ema", weightDecay: 0.5 }), [
      1,
      1,
    ]),
    [0.94, 0.94 - 0.1 * (0.19 + 0.47)],
  );
});

Deno.test("rmsprop: s ← ρs + (1−ρ)g²; θ ← θ − αg/(√s + ε)", () => {
  const s1 = 0.1 * 4;
  close(trace(rmsprop({ learningRate: 0.01, rho: 0.9, epsilon: 1e-7 }), [2]), [
    1 - 0.01 * 2 / (Math.sqrt(s1) + 1e-7),
  ]);
});

Deno.test("adam: the first step moves by ≈ α·sign(g) (bias correction)", () => {
  close(trace(adam({ learningRate: 0.01 }), [5, 5]), [0.99, 0.98], 1e-5);
});

Deno.test("schedules: step, exponential and inverse-time decay", () => {
  const s = stepDecay({ initial: 1, rate: 0.5, stepSize: 10 });
  assert.deepEqual([s(0), s(9), s(10), s(25)], [1, 1, 0.5, 0.25]);
  const e = exponentialDecay({ initial: 2, rate: 0.1, steps: 100 });
  assert.ok(Math.abs(e(100) - 0.2) < 1e-12 && Math.abs(e(50) - 2 * Math.sqrt(0.1)) < 1e-12);
  const it = inverseTimeDecay({ initial: 1, rate: 0.5 });
  assert.deepEqual([it(0), it(2)], [1, 0.5]);
  // The optimiser follows its schedule step by step.
  const opt = sgd({ learningRate: s });
  trace(opt, Array(10).fill(0));
  assert.equal(opt.currentLearningRate(), 0.5);
});

Deno.test("a non-finite learning rate is refused with the optimiser's name", () => {
  // A number is checked when the optimiser is made, a schedule when it is used.
  assert.throws(() => sgd({ learningRate: NaN }), /sgd: learningRate NaN is not valid/);
  assert.throws(() => trace(sgd({ learningRate: () => NaN }), [1]), /sgd: learning rate NaN/);
});
