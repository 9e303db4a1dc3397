import assert from "node:assert/strict";
import { gradients } from "../../../kernels/autograd.ts";
import { bnStatsCacheStats, clearStats, findStats } from "../../../kernels/cpu/bn_stats_cache.ts";
import { CpuBackend } from "../../../kernels/cpu/backend.ts";
import { wasmKernels } from "../../../kernels/cpu/wasm/module.ts";
import { setDevice } from "../../../kernels/device.ts";
import { noGrad, tidy } from "../../../kernels/engine.ts";
import { batchNormTrain } from "../../../kernels/ops/batch_norm.ts";
import { mul, sum } from "../../../kernels/ops/mod.ts";
import { Rng } from "../../../kernels/random.ts";
import { type Tensor, tensor } from "../../../kernels/tensor.ts";
import { execOp, sameBits } from "./wasm/helpers.ts";

/**
 * The batch-norm statistics batchNormTrain's fast kernel keeps for batchNormGradStats: a hit
 * gives the gradients bit for bit as recomputing the statistics does, a forward pass without
 * autograd keeps nothing, and storage that is freed (and may be handed out again by the array
 * pool) or asked for with another ε serves nothing.
 */

await setDevice("cpu");

function random(shape: number[], rng: Rng, shift = 0): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tensor(Float32Array.from({ length: n }, () => shift + rng.normal()), shape);
}

Deno.test("kept statistics give the batch-norm gradients bit for bit as recomputed ones", () => {
  tidy(() => {
    const rng = new Rng(7);
    // W5-like: 16 channels, several staged chunks of the WASM passes.
    const x = random([8, 14, 14, 16], rng, 3), r = random([8, 14, 14, 16], rng);
    const g = random([16], rng, 1), b = random([16], rng);
    for (const t of [x, g, b]) t.requiresGrad = true;
    const loss = () => sum(mul(batchNormTrain(x, g, b, 1e-3), r));
    const before = { ...bnStatsCacheStats };
    const kept = gradients(loss(), [x, g, b]) as Tensor[];
    assert.equal(bnStatsCacheStats.kept, before.kept + 1);
    assert.equal(bnStatsCacheStats.hits, before.hits + 1, "the backward found the statistics");
    const l2 = loss();
    clearStats(); // the backward must recompute them
    const misses = bnStatsCacheStats.misses;
    const recomputed = gradients(l2, [x, g, b]) as Tensor[];
    assert.equal(bnStatsCacheStats.misses, misses + 1);
    for (const [i, name] of ["x", "gamma", "beta"].entries()) {
      sameBits(kept[i].dataSync(), recomputed[i].dataSync(), `d${name}`);
    }
  });
});

Deno.test("no statistics are kept without autograd, for freed storage or for another ε", () => {
  assert.ok(wasmKernels());
  clearStats();
  const fast = new CpuBackend(true), rng = new Rng(8);
  const shape = [4, 6, 6, 8], n = 4 * 6 * 6 * 8;
  const x = Float32Array.from({ length: n }, () => rng.normal());
  const g = new Float32Array(8).fill(1), b = new Float32Array(8);
  const train = () =>
    execOp(fast, "batchNormTrain", [[x, shape], [g, [8]], [b, [8]]], { epsilon: 1e-3 });
  noGrad(train);
  assert.equal(findStats(x, 8, 1e-3, true), undefined, "nothing kept under noGrad");
  train();
  assert.equal(findStats(x, 8, 1e-5, true), undefined, "another ε");
  assert.equal(findStats(x, 4, 1e-3, true), undefined, "another channel count");
  assert.ok(findStats(x, 8, 1e-3, true), "kept while autograd records");
  fast.free(x);
  assert.equal(findStats(x, 8, 1e-3, true), undefined, "dropped when the storage is freed");
});
