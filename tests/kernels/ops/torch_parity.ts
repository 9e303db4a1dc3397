/**
 * One op-against-PyTorch check, shared by the conv and depthwise/bilinear cross-checks: our op
 * in float32 on the default CPU backend on inputs both sides fill the same way, forward and the
 * gradients of Σ y·r, against a script's float64 values; max abs diff ≤ 1e-5.
 * @module
 */
import assert from "node:assert/strict";
import { gradients } from "../../../kernels/autograd.ts";
import { tidy } from "../../../kernels/engine.ts";
import { mul, sum } from "../../../kernels/ops/mod.ts";
import { Rng } from "../../../kernels/random.ts";
import { type Tensor, tensor } from "../../../kernels/tensor.ts";
import { maxAbsDiff } from "../../../train/finite_differences.ts";
import { runTorchJson } from "../../torch_python.ts";

/** Deterministic inputs both sides see: sin(0.37·i + c)·0.8. */
export const fill = (n: number, c: number): number[] =>
  Array.from({ length: n }, (_, i) => Math.sin(0.37 * i + c) * 0.8);

/** One of an op's inputs: the field the script reads it from, its shape and its fill phase. */
export interface ParityInput {
  field: string;
  shape: number[];
  phase: number;
}

/** A case: the fields the script reads, our op on the inputs, in the order of `inputs`. */
export interface ParityJob {
  name: string;
  ours: (...xs: Tensor[]) => Tensor;
}

/**
 * Runs every job ours and through `script` (which gets each job's fields, its inputs' values
 * under their `field` names and `r`, and returns `{ y, yShape, grads }` per job) and asserts
 * shapes equal and values within 1e-5.
 */
export async function checkAgainstTorch<J extends ParityJob>(
  script: string,
  jobs: J[],
  inputs: (j: J) => ParityInput[],
): Promise<void> {
  const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
  const ours = jobs.map((j) =>
    tidy(() => {
      const xs = inputs(j).map((i) =>
        tensor(Float32Array.from(fill(size(i.shape), i.phase)), i.shape)
      );
      xs.forEach((t) => (t.requiresGrad = true));
      const y = j.ours(...xs);
      const rng = new Rng(5);
      const r = Float32Array.from({ length: y.size }, () => rng.normal());
      const grads = gradients(sum(mul(y, tensor(r, y.shape))), xs);
      return {
        y: y.dataSync(),
        yShape: y.shape,
        r: Array.from(r),
        grads: grads.map((g) => g!.dataSync()),
      };
    })
  );
  const sent = jobs.map((j, k) => {
    const values = Object.fromEntries(
      inputs(j).map((i) => [i.field, fill(size(i.shape), i.phase)]),
    );
    return { ...j, ...values, r: ours[k].r };
  });
  const torch = await runTorchJson(script, sent);
  for (const [k, j] of jobs.entries()) {
    assert.deepEqual(ours[k].yShape, torch[k].yShape, `${j.name}: output shape`);
    const d = maxAbsDiff(ours[k].y, torch[k].y);
    const dg = ours[k].grads.map((g, i) => maxAbsDiff(g, torch[k].grads[i]));
    const e = (v: number) => v.toExponential(1);
    console.log(`  ${j.name}: forward ${e(d)}, grads ${dg.map(e).join(" ")}`);
    assert.ok(d <= 1e-5, `${j.name}: forward differs from torch by ${d}`);
    dg.forEach((g, i) => assert.ok(g <= 1e-5, `${j.name}: gradient ${i} differs by ${g}`));
  }
}
