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
