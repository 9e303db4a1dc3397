import { CpuBackend } from "./cpu/backend.ts";
import { backend, setBackend, setDefaultBackend } from "./context.ts";
import { ensureRuntimeDir } from "./runtime_dir.ts";
import type { WebGpuBackend } from "./webgpu/backend.ts";

/**
 * Choosing the device tensors are created on. The fast CPU backend is the default until
 * `setDevice` picks another; the WebGPU backend (and its WGSL kernels) is loaded only when a
 * device request needs it.
 */

setDefaultBackend(() => new CpuBackend(true));

/** Device names accepted by {@link setDevice} and `--device`. */
export type DeviceName = "auto" | "cpu" | "cpu-reference" | "webgpu";

/** What `setDevice` chose and why; tasks print it and write it to metrics.json. */
export interface DeviceInfo {
  /** The device that was asked for ("auto" included). */
  requested: DeviceName;
  /** The backend that runs: "cpu", "cpu-reference" or "webgpu". */
  name: string;
  /** The backend's own description (adapter name, or the CPU fast paths and GEMM library). */
  description: string;
  /** True when a WebGPU request ("auto" or "webgpu") ended on the CPU backend. */
  fallback: boolean;
  /** Why "auto" chose what it did (e.g. the only adapter is a software rasteriser). */
  note?: string;
}

/** Set by `setDevice`; until then the default CPU backend, described on first request. */
let info: DeviceInfo | undefined;

/**
 * Selects the device for new tensors. "auto" picks WebGPU when a hardware adapter exists, otherwise
 * the CPU (also when the only adapter is a software rasteriser such as llvmpipe, which is slower
 * than the CPU backend), and says why in the returned info.
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
    case "webgpu": {
      const b = await webgpu();
      setBackend(b);
      info = { requested: name, name: b.name, description: b.description, fallback: false };
      return info;
    }
    case "auto": {
      let gpu: WebGpuBackend | undefined;
      let note: string;
      try {
        gpu = await webgpu();
        note = gpu.isSoftware
          ? `the only WebGPU adapter is a software rasteriser (${gpu.description}); the CPU ` +
            "backend is faster, so auto chose it (--device webgpu forces the adapter)"
          : `WebGPU adapter: ${gpu.description}`;
      } catch (e) {
        note = `no usable WebGPU adapter (${(e as Error).message.replace(/^webgpu: /, "")})`;
      }
      const b = gpu && !gpu.isSoftware ? gpu : new CpuBackend(true);
      setBackend(b);
      info = {
        requested: "auto",
        name: b.name,
        description: b.description,
        fallback: b.name !== "webgpu",
        note,
      };
      return info;
    }
    default:
      throw new Error(
        `setDevice: unknown device "${name}"; use auto, cpu, cpu-reference or webgpu`,
      );
  }
}

let gpuBackend: Promise<WebGpuBackend> | undefined;

/** One WebGPU device per process: creating one is slow and tensors are bound to it. */
function webgpu(): Promise<WebGpuBackend> {
  ensureRuntimeDir();
  gpuBackend ??= import("./webgpu/backend.ts").then((m) => m.WebGpuBackend.create());
  gpuBackend.catch(() => (gpuBackend = undefined));
  return gpuBackend;
}

/** The device in use now. */
export function deviceInfo(): DeviceInfo {
  // Computed lazily: describing the CPU backend loads OpenBLAS to name its GEMM path, which
  // importing the toolkit should not do.
  info ??= { requested: "cpu", name: "cpu", description: backend().description, fallback: false };
  return { ...info, name: backend().name };
}
