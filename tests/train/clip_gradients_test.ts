import assert from "node:assert/strict";
import { setDevice } from "../../kernels/device.ts";
import { tidy } from "../../kernels/engine.ts";
import { tensor, variable } from "../../kernels/tensor.ts";
import {
  adadelta,
  adagrad,
  adam,
  adamax,
  adamW,
  type ClipOptions,
  momentum,
  nadam,
  type Optimizer,
  rmsprop,
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

/** Every optimiser factory, each with options that make its state and decay matter. */
const ALL: [string, (o: ClipOptions) => Optimizer][] = [
  ["sgd", (o) => sgd({ learningRate: 0.1, weightDecay: 0.01, ...o })],
  ["momentum", (o) => momentum({ learningRate: 0.1, ...o })],
  ["rmsprop", (o) => rmsprop({ learningRate: 0.01, ...o })],
  ["adam", (o) => adam({ learningRate: 0.01, ...o })],
  ["adamW", (o) => adamW({ learningRate: 0.01, weightDecay: 0.1, ...o })],
  ["adagrad", (o) => adagrad({ learningRate: 0.1, ...o })],
  ["adadelta", (o) => adadelta(o)],
  ["adamax", (o) => adamax({ learningRate: 0.01, ...o })],
  ["nadam", (o) => nadam({ learningRate: 0.01, ...o })],
];

/** Two steps of two parameters' gradients, each over every threshold below. */
const TWO_STEPS = [GRADS, [[-1, 0.5], [2, 0.1, -0.3]]];

/** `grads` clipped on the host in float64 as `o` says (Keras' rules). */
function clippedByHand(grads: number[][], o: ClipOptions): number[][] {
  const norm = (g: number[]) => Math.sqrt(g.reduce((s, x) => s + x * x, 0));
  if (o.clipValue !== undefined) {
    return grads.map((g) => g.map((x) => Math.min(o.clipValue!, Math.max(-o.clipValue!, x))));
  }
  if (o.clipNorm !== undefined) {
    return grads.map((g) => g.map((x) => x * Math.min(1, o.clipNorm! / norm(g))));
  }
  const all = norm(grads.flat());
  return grads.map((g) => g.map((x) => x * o.globalClipNorm! / Math.max(all, o.globalClipNorm!)));
}

/** Two float64 parameters (not zero: weight decay acts) after the steps of `gradSteps`. */
function trace(opt: Optimizer, gradSteps: number[][][]): number[][] {
  const ps = gradSteps[0].map((g) =>
    variable(tensor(g.map((_, i) => 0.5 - i), [g.length], "float64"))
  );
  for (const grads of gradSteps) {
    tidy(() => opt.step(ps, grads.map((g) => tensor(g, [g.length], "float64"))));
  }
  const out = ps.map((p) => Array.from(p.dataSync()));
  ps.forEach((p) => p.dispose());
  opt.dispose();
  return out;
}

const maxDiff = (a: number[][], b: number[][]) =>
  Math.max(...a.flatMap((row, i) => row.map((x, j) => Math.abs(x - b[i][j]))));

Deno.test("every optimiser: each clipping option is its rule on the gradients clipped by hand", async () => {
  await setDevice("cpu");
  for (const o of [{ clipValue: 0.35 }, { clipNorm: 1 }, { globalClipNorm: 2 }] as ClipOptions[]) {
    for (const [name, make] of ALL) {
      const clipped = trace(make(o), TWO_STEPS);
      const want = trace(make({}), TWO_STEPS.map((grads) => clippedByHand(grads, o)));
      const raw = trace(make({}), TWO_STEPS);
      const what = `${name} ${JSON.stringify(o)}`;
      assert.ok(maxDiff(clipped, want) < 1e-12, `${what}: ${clipped} vs ${want}`);
      // The clipping changed this optimiser's steps, so the comparison above could fail.
      assert.ok(maxDiff(raw, want) > 1e-6, `${what}: clipping made no difference`);
    }
  }
});

Deno.test("every optimiser takes the clipping options and lists them in its config", async () => {
  await setDevice("cpu");
  for (const make of [sgd, momentum, rmsprop, adam, adamW, adagrad, adadelta, adamax, nadam]) {
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
