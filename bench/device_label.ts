/**
 * What device our numbers were measured on, as bench/results.json records it: the backend's
 * description and, on WebGPU, the adapter's own info. A software adapter (llvmpipe, lavapipe,
 * SwiftShader, or any fallback adapter) is labelled so nobody reads its timings as GPU speed.
 */
import type { DeviceInfo } from "../kernels/device.ts";
import { backend } from "../kernels/engine.ts";
import type { WebGpuBackend } from "../kernels/webgpu/backend.ts";

/** The label. */
export interface DeviceLabel {
  name: string;
  description: string;
  adapter?: { description: string; vendor: string; isFallbackAdapter?: boolean };
  software: boolean;
  /** "software rasteriser: not GPU speed" on a software adapter. */
  note?: string;
}

/** Labels the current backend (call after `setDevice`). */
export function deviceLabel(dev: DeviceInfo): DeviceLabel {
  const b = backend();
  if (b.name !== "webgpu") return { name: b.name, description: dev.description, software: false };
  const gpu = b as WebGpuBackend;
  const info = (gpu.device as GPUDevice & { adapterInfo?: GPUAdapterInfo }).adapterInfo as
    | (GPUAdapterInfo & { isFallbackAdapter?: boolean; description?: string })
    | undefined;
  const software = gpu.isSoftware || info?.isFallbackAdapter === true;
  return {
    name: b.name,
    description: dev.description,
    adapter: info
      ? {
        description: info.description ?? "",
        vendor: info.vendor,
        isFallbackAdapter: info.isFallbackAdapter,
      }
      : undefined,
    software,
    note: software ? "software rasteriser: not GPU speed" : undefined,
  };
}
