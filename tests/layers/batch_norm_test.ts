import assert from "node:assert/strict";
import { setDevice } from "../../kernels/device.ts";
import { tidy } from "../../kernels/engine.ts";
import { add, div, mean, mul, sqrt, square, sub, sum } from "../../kernels/ops/mod.ts";
import { Rng } from "../../kernels/random.ts";
import { type Tensor, tensor } from "../../kernels/tensor.ts";
import { batchNormApply, batchVariance } from "../../kernels/ops/batch_norm.ts";
import { gradcheck } from "../../train/gradcheck.ts";

await setDevice("cpu");

/** Training-mode batch norm written from unfused ops: the formula the fused kernels replace. */
function composite(x: Tensor, g: Tensor, b: Tensor, eps: number): Tensor {
  const axes = [0, 1, 2];
  const m = mean(x, axes);
  const v = mean(square(sub(x, m)), axes);
  return add(mul(div(sub(x, m), sqrt(add(v, eps))), g), b);
}

function fused(x: Tensor, g: Tensor, b: Tensor, eps: number): Tensor {
  const m = mean(x, [0, 1, 2]);
  return batchNormApply(x, m, batchVariance(x, m), g, b, eps);
}

function random(shape: number[], rng: Rng, scale = 1, shift = 0): Tensor {
  const n = shape.reduce((a, c) => a * c, 1);
  return tensor(Float64Array.from({ length: n }, () => shift + scale * rng.normal()), shape);
}

Deno.test("batch norm layer: fused kernels equal the unfused formula, values and gradients", () => {
  tidy(() => {
    const rng = new Rng(3);
    const x = random([3, 2, 2, 4], rng, 2, 5);
    const g = random([4], rng, 0.5, 1);
    const b = random([4], rng);
    const w = random([3, 2, 2, 4], rng);
    const a = fused(x, g, b, 1e-3).dataSync();
    const c = composite(x, g, b, 1e-3).dataSync();
    for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - c[i]) < 1e-12, `${i}`);
    // Through mean and variance, the whole layer's gradient in x, gamma and beta, float64.
    const r = gradcheck((x, g, b) => sum(mul(fused(x, g, b, 1e-3), w)), [x, g, b]);
    assert.ok(r.maxRelError < 1e-6, `max relative error ${r.maxRelError}`);
  });
});
