import assert from "node:assert/strict";
import { setDevice } from "../../../kernels/device.ts";
import { tidy } from "../../../kernels/engine.ts";
import { tensor, variable } from "../../../kernels/tensor.ts";
import { adamW } from "../../../train/optimizers.ts";
import type { Optimizer } from "../../../train/optimizers.ts";
import { GRADS, testGpuMatchesCpu, THETA, traceSteps } from "./steps.ts";

/**
 * AdamW against a float64 transcription of PyTorch's `torch.optim.AdamW` step (decay θ by
 * 1 − αλ, then Adam with bias corrections), values rounded to float32 where the kernel stores
 * them: the CPU results must be equal bit for bit, WebGPU's within float32 rounding.
 */

function reference(o: { lr: number; wd: number; b1: number; b2: number; eps: number }) {
  const f = Math.fround;
  let p = THETA.map(f), m = THETA.map(() => 0), v = THETA.map(() => 0);
  const out: number[][] = [];
  GRADS.forEach((gs, s) => {
    const t = s + 1;
    const bc1 = 1 - o.b1 ** t, bc2 = 1 - o.b2 ** t;
    const next = p.map((p0, i) => {
      const g = f(gs[i]);
      const pd = p0 * (1 - o.lr * o.wd);
      const mi = o.b1 * m[i] + (1 - o.b1) * g;
      const vi = o.b2 * v[i] + (1 - o.b2) * g * g;
      m[i] = f(mi);
      v[i] = f(vi);
      return f(pd - o.lr / bc1 * mi / (Math.sqrt(vi) / Math.sqrt(bc2) + o.eps));
    });
    p = next;
    m = [...m];
    v = [...v];
    out.push(p);
  });
  return out;
}

/** θ after each step in float32, the dtype the reference rounds to. */
const trace = (make: () => Optimizer) => traceSteps(make, "float32");

Deno.test("adamW: PyTorch's defaults (lr 1e-3, betas 0.9/0.999, eps 1e-8, weightDecay 1e-2)", () => {
  const c = adamW().config();
  assert.deepEqual(c, {
    name: "adamw",
    learningRate: 1e-3,
    weightDecay: 1e-2,
    beta1: 0.9,
    beta2: 0.999,
    epsilon: 1e-8,
  });
});

for (const device of ["cpu", "cpu-reference"] as const) {
  Deno.test(`adamW on ${device}: three steps equal the float64 reference bit for bit`, async () => {
    await setDevice(device);
    const want = reference({ lr: 1e-3, wd: 1e-2, b1: 0.9, b2: 0.999, eps: 1e-8 });
    assert.deepEqual(await trace(() => adamW()), want);
    const strong = { lr: 0.1, wd: 0.5, b1: 0.8, b2: 0.99, eps: 1e-6 };
    const got = await trace(() =>
      adamW({ learningRate: 0.1, weightDecay: 0.5, beta1: 0.8, beta2: 0.99, epsilon: 1e-6 })
    );
    assert.deepEqual(got, reference(strong));
    await setDevice("cpu");
  });
}

Deno.test("adamW: the decay is decoupled (zero gradient shrinks θ by 1 − αλ only)", async () => {
  await setDevice("cpu");
  const opt = adamW({ learningRate: 0.1, weightDecay: 0.5 });
  const p = variable(tensor([2]));
  tidy(() => opt.step([p], [tensor([0])]));
  // m = v = 0, so Adam's part is 0/(0 + ε) = 0; θ = 2(1 − 0.05).
  assert.equal(p.dataSync()[0], Math.fround(2 * (1 - 0.1 * 0.5)));
  p.dispose();
  opt.dispose();
});

await testGpuMatchesCpu("adamW", () => adamW({ learningRate: 0.1, weightDecay: 0.5 }));
