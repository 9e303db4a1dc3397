/**
 * `deno task profile` on a tiny W1 run: the CPU table, and on WebGPU the GPU time per kernel
 * from timestamp queries when the device has them (lavapipe does), or a line saying why not.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { gpuTest } from "../kernels/webgpu/gpu_available.ts";

const profile = fileURLToPath(new URL("../../bench/profile_ops.ts", import.meta.url));

async function run(device: string, ...extra: string[]): Promise<string> {
  const r = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", profile, "--device", device, "--workload", "W1", "--steps", "2", ...extra],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const td = new TextDecoder();
  assert.equal(r.code, 0, td.decode(r.stderr));
  return td.decode(r.stdout);
}

Deno.test("profile: CPU run prints each op's share and no GPU-time line", async () => {
  const out = await run("cpu");
  assert.match(out, /^W1 on .*ms\/step/);
  assert.match(out, /ms +[\d.]+% {2}×1 {2}matmul \[128×784, 784×128\] {2}\(1 dispatches\)/);
  assert.match(out, /samples\/s, \d+ dispatches\/step/);
  assert.match(out, /outside kernels/);
  assert.doesNotMatch(out, /GPU time per kernel/);
});

Deno.test("profile --cpu-time: the same table on the process's CPU time", async () => {
  const out = await run("cpu", "--cpu-time");
  assert.match(out, /^W1 on .*: [\d.]+ ms\/step of CPU time, \d+ samples per CPU second, 18 /);
  assert.match(out, /ms +[\d.]+% {2}×1 {2}matmul \[128×784, 784×128\] {2}\(1 dispatches\)/);
  assert.match(out, /outside kernels/);
});

await gpuTest(
  "profile: WebGPU run reports GPU time per kernel, or says why it cannot",
  async () => {
    const adapter = await navigator.gpu.requestAdapter({ powerPreference: "high-performance" });
    const out = await run("webgpu");
    if (!adapter!.features.has("timestamp-query")) {
      assert.match(out, /GPU time per kernel: not measured: .*no timestamp-query feature/);
      return;
    }
    assert.match(out, /GPU time per kernel \(timestamp-query; .*\): [\d.]+ ms\/step in kernels/);
    const gpuPart = out.slice(out.indexOf("GPU time per kernel"));
    // The big GEMM of W1's first layer is timed under its op's label.
    assert.match(gpuPart, /\n +[\d.]+ ms +[\d.]+% {2}×\d+ {2}matmul \[128×784, 784×128\]/);
    assert.doesNotMatch(gpuPart, /outside exec|untimed/);
  },
);
