import { CpuBackend } from "./cpu/backend.ts";
import { backend, setBackend } from "./engine.ts";

/** Choosing the device tensors are created on. */

/** Device names accepted by {@link setDevice} and `--device`. */
export type DeviceName = "auto" | "cpu" | "cpu-reference" | "webgpu";

/** What `setDevice` chose and why; tasks print it and write it to metrics.json. */
export interface DeviceInfo {
  requested: DeviceName;
  name: string;
  description: string;
  fallback: boolean;
  note?: string;
}

let info: DeviceInfo = {
  requested: "cpu",
  name: "cpu",
  description: new CpuBackend(true).description,
  fallback: false,
};

/**
 * Selects the device for new tensors. "auto" picks WebGPU when an adapter exists and the WebGPU
 * backend is available, otherwise the CPU, and says so in the returned info.
 * Example: `const dev = await setDevice("auto"); console.log(dev.description);`
 */
export async function setDevice(name: DeviceName = "auto"): Promise<DeviceInfo> {
  switch (name) {
    case "cpu":
    case "cpu-reference": {
      const b = new CpuBackend(name === "cpu");
      setBackend(b);
      info = { requested: name, name: b.name, description: b.description, fallback: false };
      return info;
    }
    case "webgpu":
      throw new Error(
        'setDevice("webgpu"): the WebGPU backend is not part of this version yet; ' +
          "use --device cpu (or auto, which falls back to the CPU)",
      );
    case "auto": {
      const adapter = await probeAdapter();
      const b = new CpuBackend(true);
      setBackend(b);
      info = {
        requested: "auto",
        name: b.name,
        description: b.description,
        fallback: true,
        note: adapter
          ? `a WebGPU adapter (${adapter}) exists but the WebGPU backend is not in this version`
          : "no WebGPU adapter found",
      };
      return info;
    }
    default:
      throw new Error(
        `setDevice: unknown device "${name}"; use auto, cpu, cpu-reference or webgpu`,
      );
  }
}

async function probeAdapter(): Promise<string | undefined> {
  try {
    const gpu = (navigator as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
    const a = (await gpu?.requestAdapter()) as
      | { info?: { description?: string; vendor?: string; device?: string } }
      | null
      | undefined;
    if (!a) return undefined;
    const i = a.info ?? {};
    return i.description || [i.vendor, i.device].filter(Boolean).join(" ") || "unnamed adapter";
  } catch {
    return undefined;
  }
}

/** The device in use now. */
export function deviceInfo(): DeviceInfo {
  return { ...info, name: backend().name };
}
