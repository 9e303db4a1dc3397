/**
 * The dispatch of the fast conv2d kernels (kernels/cpu/fast_kernels.ts): a dilated conv runs the
 * op's reference kernel on the "cpu" backend (its forward and both gradients equal
 * "cpu-reference" bit for bit, even on a batch the two-thread im2col passes would take), while an
 * undilated conv of the same size still takes the im2col + GEMM path (it sums in another order,
 * so some bits differ: the comparison can tell the two paths apart).
 */
import assert from "node:assert/strict";
import { gradients } from "../../../kernels/autograd.ts";
import { setDevice } from "../../../kernels/device.ts";
import { tidy } from "../../../kernels/engine.ts";
import { conv2d, mul, sum } from "../../../kernels/ops/mod.ts";
import { Rng } from "../../../kernels/random.ts";
import { tensor } from "../../../kernels/tensor.ts";

/** y and the gradients of Σ y·r with respect to x and w, on `device`. */
async function run(device: "cpu" | "cpu-reference", dilations: number) {
  await setDevice(device);
  return tidy(() => {
    const rng = new Rng(4);
    const normal = (s: number[]) =>
      tensor(Float32Array.from({ length: s.reduce((a, b) => a * b) }, () => rng.normal()), s);
    const x = normal([4, 12, 11, 8]), w = normal([3, 3, 8, 6]);
    x.requiresGrad = w.requiresGrad = true;
    const y = conv2d(x, w, { padding: "same", dilations });
    const f = sum(mul(y, normal(y.shape)));
    const [dx, dw] = gradients(f, [x, w]);
    return [y, dx!, dw!].map((t) => Array.from(t.dataSync()));
  });
}

Deno.test("fast cpu conv2d: a dilated conv runs the reference kernels, forward and gradients", async () => {
  try {
    const [fast, ref] = [await run("cpu", 2), await run("cpu-reference", 2)];
    ["forward", "input gradient", "filter gradient"].forEach((what, i) =>
      assert.deepEqual(fast[i], ref[i], `dilated ${what} differs from the reference`)
    );
    const [fast1, ref1] = [await run("cpu", 1), await run("cpu-reference", 1)];
    ["forward", "input gradient", "filter gradient"].forEach((what, i) =>
      assert.notDeepEqual(fast1[i], ref1[i], `undilated ${what} took the reference path too`)
    );
  } finally {
    await setDevice("cpu");
  }
});
