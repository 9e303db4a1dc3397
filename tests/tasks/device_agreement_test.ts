/**
 * Same seed, two devices: `mnist-starter --quick` trained on WebGPU (the software adapter in CI)
 * and on the CPU must reach the same test accuracy within 0.5 points, and their per-epoch
 * training losses must agree closely (only float summation order differs; docs/DEVICES.md explains).
 * Fails, not skips, in CI when no adapter appears.
 */
import assert from "node:assert/strict";
import { runClassificationTask } from "../../tasks/common.ts";
import { task as starter } from "../../tasks/mnist_starter.ts";
import { gpuTest } from "../kernels/webgpu/gpu_available.ts";

await gpuTest(
  "mnist-starter --quick: WebGPU and CPU agree (test accuracy within 0.5 points)",
  async () => {
    const run = async (device: string) => {
      const out = await Deno.makeTempDir();
      const r = await runClassificationTask(starter, ["--quick", "--device", device, "--out", out]);
      await Deno.remove(out, { recursive: true });
      return r;
    };
    const cpu = await run("cpu");
    const gpu = await run("webgpu");
    assert.equal((gpu.metrics.device as { name: string }).name, "webgpu");
    const acc = (r: typeof cpu) => (r.metrics.ours as { testAcc: number }).testAcc;
    const diff = Math.abs(acc(cpu) - acc(gpu));
    console.log(`  test accuracy: cpu ${acc(cpu)}, webgpu ${acc(gpu)} (Δ ${diff.toFixed(4)})`);
    assert.ok(diff <= 0.005, `test accuracy differs by ${diff} (> 0.005)`);
    cpu.history.epochs.forEach((e, i) => {
      const g = gpu.history.epochs[i];
      const rel = Math.abs(e.loss - g.loss) / e.loss;
      assert.ok(rel < 1e-3, `epoch ${i + 1} train loss cpu ${e.loss} vs webgpu ${g.loss}`);
    });
  },
);
