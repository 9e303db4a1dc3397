import assert from "node:assert/strict";
import { type DeviceName, setDevice } from "../../../kernels/device.ts";

/** Whether the WebGPU backend starts here, and why not. */
export async function gpuAvailable(): Promise<{ ok: boolean; reason: string }> {
  try {
    await setDevice("webgpu");
    return { ok: true, reason: "" };
  } catch (e) {
    return { ok: false, reason: (e as Error).message };
  } finally {
    await setDevice("cpu");
  }
}

/**
 * A WebGPU test's `ignore`: true only where no adapter exists outside CI. CI requires one, so
 * there the test runs (and fails) rather than pass by skipping. Example:
 * `Deno.test({ name, ignore: await ignoreWithoutGpu(), fn })`.
 */
export async function ignoreWithoutGpu(): Promise<boolean> {
  return !(await gpuAvailable()).ok && !Deno.env.get("CI");
}

/** One probe for every {@link gpuTest} of a test process (files register hundreds in loops). */
let probe: Promise<{ ok: boolean; reason: string }> | undefined;

/**
 * Registers the WebGPU test `fn` under `name`: skipped where no adapter exists outside CI; where
 * it runs (CI, or with an adapter) it first asserts that the backend started, giving the reason.
 * Example: `await gpuTest("x on WebGPU matches the CPU", async () => { ... })`.
 */
export async function gpuTest(name: string, fn: () => void | Promise<void>): Promise<void> {
  const gpu = await (probe ??= gpuAvailable());
  Deno.test({
    name,
    ignore: !gpu.ok && !Deno.env.get("CI"),
    fn: async () => {
      assert.ok(gpu.ok, gpu.reason);
      await fn();
    },
  });
}

/**
 * Registers `fn` as a test run on `device` (set before it, back to the CPU after); on WebGPU
 * skipped as {@link gpuTest} is. Example: `await testOnDevice("webgpu", "x is exact", () => {...})`.
 */
export async function testOnDevice(
  device: DeviceName,
  name: string,
  fn: () => void | Promise<void>,
): Promise<void> {
  const gpu = await (probe ??= gpuAvailable());
  Deno.test({
    name,
    ignore: device === "webgpu" && !gpu.ok && !Deno.env.get("CI"),
    fn: async () => {
      await setDevice(device);
      try {
        await fn();
      } finally {
        await setDevice("cpu");
      }
    },
  });
}
