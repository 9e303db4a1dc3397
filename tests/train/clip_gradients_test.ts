import assert from "node:assert/strict";
import { setDevice } from "../../kernels/device.ts";
import { tidy } from "../../kernels/engine.ts";
import { tensor, variable } from "../../kernels/tensor.ts";
import {
  adagrad,
  adam,
  adamax,
  type ClipOptions,
  nadam,
  type Optimizer,
  sgd,
} from "../../train/optimizers.ts";
import { gpuTest } from "../kernels/webgpu/gpu_available.ts";
import { assertClose } from "./optimizers/steps.ts";

/**
 * Gradient clipping (Keras' clipnorm, clipvalue, global_clipnorm as clipNorm, clipValue,
 * globalClipNorm): plain SGD with α = 1 makes θ's change the clipped gradient itself, checked
 * against the clipping written out in float64.
 */

const GRADS = [[3, 4], [0.3, -0.4, 0.1]];

/** The change of each of two float64 parameters (zeros) after one step with GRADS. */
function steps(opt: Optimizer, grads = GRADS): number[][] {
  const ps = grads.map((g) => variable(tensor(g.map(() => 0), [g.length], "float64")));
  tidy(() => opt.step(ps, grads.map((g) => tensor(g, [g.length], "float64"))));
  const out = ps.map((p) => Array.from(p.dataSync(), (x) => -x));
  ps.forEach((p) => p.dispose());
  opt.dispose();
  return out;
}

Deno.test("clipValue clips each element to [−c, c]", async () => {
  await setDevice("cpu");
  assertClose(steps(sgd({ learningRate: 1, clipValue: 0.35 })), [[0.35, 0.35], [
    0.3,
    -0.35,
    0.1,
  ]], 1e-15);
});

Deno.test("clipNorm rescales each gradient to norm ≤ c on its own", async () => {
  await setDevice("cpu");
  // ‖g₁‖ = 5 → scaled to norm 1; ‖g₂‖ = √0.26 < 1 stays.
  assertClose(steps(sgd({ learningRate: 1, clipNorm: 1 })), [[0.6, 0.8], GRADS[1]], 1e-15);
});

Deno.test("globalClipNorm scales all gradients by c / max(‖(g₁, g₂)‖, c)", async () => {
  await setDevice("cpu");
  const norm = Math.sqrt(9 + 16 + 0.09 + 0.16 + 0.01);
  const want = GRADS.map((g) => g.map((x) => x * 2 / norm));
  assertClose(steps(sgd({ learningRate: 1, globalClipNorm: 2 })), want, 1e-15);
  // Below the threshold nothing changes.
  assertClose(steps(sgd({ learningRate: 1, globalClipNorm: 10 })), GRADS, 1e-15);
});

Deno.test("globalClipNorm skips parameters without a gradient", async () => {
  await setDevice("cpu");
  const opt = sgd({ learningRate: 1, globalClipNorm: 1 });
  const a = variable(tensor([0, 0], [2], "float64")), b = variable(tensor([1], [1], "float64"));
  tidy(() => opt.step([a, b], [tensor([3, 4], [2], "float64"), undefined]));
  assertClose([Array.from(a.dataSync()), Array.from(b.dataSync())], [[-0.6, -0.8], [1]], 1e-15);
  a.dispose();
  b.dispose();
});

Deno.test("clipping acts on the raw gradient, before weight decay enters the rule", async () => {
  await setDevice("cpu");
  const opt = sgd({ learningRate: 1, clipValue: 0.5, weightDecay: 0.1 });
  const p = variable(tensor([2], [1], "float64"));
  tidy(() => opt.step([p], [tensor([3], [1], "float64")]));
  // θ ← θ − (clip(g) + λθ) = 2 − (0.5 + 0.2).
  assert.equal(p.dataSync()[0], 2 - (0.5 + 0.1 * 2));
  p.dispose();
});

Deno.test("every optimiser takes the clipping options and lists them in its config", async () => {
  await setDevice("cpu");
  for (const make of [sgd, adam, adagrad, adamax, nadam]) {
    const opt = make({ clipNorm: 1 });
    assert.equal(opt.config().clipNorm, 1, opt.name);
    assert.equal(make({ globalClipNorm: 2 }).config().globalClipNorm, 2, opt.name);
    assert.ok(!("clipValue" in opt.config()), opt.name);
  }
  // Adam's first step is ≈ α·sign(g): unchanged by a clipped norm, as the rule is scale-free.
  const moved = steps(adam({ learningRate: 0.1, clipNorm: 1e-3 }), [[3, -4]]);
  assertClose(moved, [[0.1, -0.1]], 1e-4);
});

Deno.test("clipping options: more than one, or a non-positive value, is refused", () => {
  assert.throws(
    () => sgd({ clipNorm: 1, clipValue: 1 }),
    /only one of clipNorm, clipValue and globalClipNorm.*clipNorm and clipValue/,
  );
  assert.throws(() => adam({ globalClipNorm: 0 }), /adam: globalClipNorm must be a positive/);
  assert.throws(() => nadam({ clipValue: NaN }), /clipValue must be a positive/);
});

await gpuTest("clipping on WebGPU matches the CPU (each option, float32)", async () => {
  const run = async (o: ClipOptions) => {
    const opt = adam({ learningRate: 0.1, ...o });
    const ps = GRADS.map((g) => variable(tensor(g.map(() => 1))));
    for (let s = 0; s < 3; s++) {
      tidy(() => opt.step(ps, GRADS.map((g) => tensor(g.map((x) => x * (s + 1))))));
    }
    const out = await Promise.all(ps.map(async (p) => Array.from(await p.data())));
    ps.forEach((p) => p.dispose());
    opt.dispose();
    return out;
  };
  for (const o of [{ clipNorm: 0.5 }, { clipValue: 0.2 }, { globalClipNorm: 0.7 }]) {
    await setDevice("cpu");
    const cpu = await run(o);
    await setDevice("webgpu");
    const onGpu = await run(o);
    await setDevice("cpu");
    assertClose(onGpu, cpu, 1e-5);
  }
});
