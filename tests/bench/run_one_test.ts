/**
 * Dispatches per W2 training step on WebGPU (the mnist-cnn step of bench/workloads.ts at its
 * batch of 128, as `deno task bench` runs it): a fixed number, so a change that adds kernels to
 * the step fails here instead of slipping into the bench table. When a fusion removes kernels,
 * lower W2_MODEL_DISPATCHES (and the count in bench/README.md). Runs on the software adapter in CI
 * (about 20 s there).
 */
import assert from "node:assert/strict";
import { makeCase } from "../../bench/run_one.ts";
import { setDevice } from "../../kernels/device.ts";
import { backend } from "../../kernels/engine.ts";
import { Rng } from "../../kernels/random.ts";
import { gpuTest } from "../kernels/webgpu/gpu_available.ts";

/**
 * W2's kernels per step besides the optimiser's: 52 before the fusions of issue 16 (8 of them the
 * optimiser's, one per parameter); the lazy product gradients (−2) and the one-kernel softmax
 * cross-entropy gradient (−5) left 45, 37 of them not the optimiser's. (Split-K and tile choices
 * follow the adapter's limits, so another adapter may differ by a few split-K sums.)
 */
const W2_MODEL_DISPATCHES = 37;

/**
 * The optimiser's kernels for W2's 8 parameters (SGD momentum: θ, g, v a parameter): as many a
 * kernel as the device's storage buffers allow (optimizerStepGroup), 1 on lavapipe (31 usable).
 */
function optimiserDispatches(storageBuffers: number): number {
  const per = Math.floor((storageBuffers - 1) / 3);
  return per >= 2 ? Math.ceil(8 / per) : 8;
}

await gpuTest(
  `bench W2 on WebGPU: ${W2_MODEL_DISPATCHES} + the optimiser's dispatches, 1 submit a step`,
  async () => {
    await setDevice("webgpu");
    const limits = backend().bindingLimits!;
    const want = W2_MODEL_DISPATCHES + optimiserDispatches(limits.storageBuffers);
    // On lavapipe: 38 (52 before issue 16's fusions); bench/README.md quotes it.
    if (limits.storageBuffers >= 31) assert.equal(want, 38);
    const c = makeCase("W2", new Rng(7));
    try {
      const counts: number[] = [];
      let last;
      // Step 1 compiles pipelines and fills the pool; step 2 is a steady-state step.
      for (let s = 0; s < 2; s++) {
        const before = { ...backend().counters };
        const cur = c.step();
        last?.dispose();
        last = cur;
        const after = backend().counters;
        counts.push(after.dispatches - before.dispatches, after.submits - before.submits);
      }
      // Waits for the device before asserting, so a failure never tears down a busy device.
      await last!.read();
      last!.dispose();
      // (The pool and buffer rules of later steps: tests/train/steady_state_test.ts.)
      assert.deepEqual(counts, [want, 1, want, 1], "dispatches, submits");
    } finally {
      c.dispose();
      await setDevice("cpu");
    }
  },
);
