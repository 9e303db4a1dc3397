import { setDevice } from "../../../kernels/device.ts";

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
