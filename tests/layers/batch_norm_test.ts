import assert from "node:assert/strict";
import { setDevice } from "../../kernels/device.ts";
import { tidy } from "../../kernels/engine.ts";
import { add, div, mean, mul, sqrt, square, sub, sum } from "../../kernels/ops/mod.ts";
import { Rng } from "../../kernels/random.ts";
import { type Tensor, tensor } from "../../kernels/tensor.ts";
import { batchNormApply, batchNormTrain, batchVariance } from "../../kernels/ops/batch_norm.ts";
import { BatchNorm } from "../../layers/batch_norm.ts";
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

/** float32 copies, as a layer's weights are. */
const f32 = (t: Tensor) => tensor(Float32Array.from(t.dataSync()), t.shape);

function close(a: ArrayLike<number>, b: ArrayLike<number>, what: string, tol = 1e-5) {
  assert.equal(a.length, b.length, what);
  for (let i = 0; i < a.length; i++) {
    assert.ok(
      Math.abs(a[i] - b[i]) <= tol * Math.max(1, Math.abs(b[i])),
      `${what} ${i}: ${a[i]} vs ${b[i]}`,
    );
  }
}

Deno.test("batch norm layer in training: the fused op equals the unfused formula, gradients in float64", () => {
  tidy(() => {
    const rng = new Rng(4);
    const x = random([3, 2, 2, 4], rng, 2, 5);
    const w = random([3, 2, 2, 4], rng);
    const g = random([4], rng, 0.5, 1), b = random([4], rng);
    const layer = new BatchNorm({ momentum: 0.9, epsilon: 1e-3 }).ensureBuilt([2, 2, 4]);
    layer.gamma!.assign(f32(g));
    layer.beta!.assign(f32(b));
    const y = layer.call(f32(x), { training: true }).dataSync();
    close(y, composite(x, g, b, 1e-3).dataSync(), "layer");
    const fusedOp = batchNormTrain(x, g, b, 1e-3).dataSync();
    close(fusedOp, composite(x, g, b, 1e-3).dataSync(), "float64 op", 1e-12);
    const r = gradcheck((x, g, b) => sum(mul(batchNormTrain(x, g, b, 1e-3), w)), [x, g, b]);
    assert.ok(r.maxRelError < 1e-6, `max relative error ${r.maxRelError}`);
  });
});

Deno.test("batch norm layer: training updates the moving statistics with momentum, evaluation uses them", () => {
  tidy(() => {
    const rng = new Rng(5);
    const x = random([4, 3, 3, 2], rng, 3, -1);
    const layer = new BatchNorm({ momentum: 0.8 }).ensureBuilt([3, 3, 2]);
    layer.call(f32(x), { training: true });
    const m = mean(x, [0, 1, 2]).dataSync();
    const v = mean(square(sub(x, mean(x, [0, 1, 2]))), [0, 1, 2]).dataSync();
    const mm = layer.movingMean!.dataSync(), mv = layer.movingVar!.dataSync();
    close(mm, m.map((a) => 0.2 * a), "moving mean");
    close(mv, v.map((a) => 0.8 + 0.2 * a), "moving variance");
    // Evaluation normalises with the moving statistics, not the batch's.
    const y = layer.call(f32(x), { training: false }).dataSync();
    const mmT = tensor(Float64Array.from(mm), [2]), mvT = tensor(Float64Array.from(mv), [2]);
    close(y, div(sub(x, mmT), sqrt(add(mvT, 1e-3))).dataSync(), "evaluation");
  });
});
