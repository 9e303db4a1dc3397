/**
 * What device our numbers were measured on, as bench/results.json records it: the backend's
 * description and, on WebGPU, the adapter's own info (vendor, architecture), the device's limits
 * and enabled features, and the features the adapter offers. A software adapter (llvmpipe,
 * lavapipe, SwiftShader, or any fallback adapter) is labelled so nobody reads its timings as GPU
 * speed.
 */
import type { DeviceInfo } from "../kernels/device.ts";
import { backend } from "../kernels/engine.ts";
import type { WebGpuBackend } from "../kernels/webgpu/backend.ts";

/** The label. */
export interface DeviceLabel {
  name: string;
  description: string;
  adapter?: {
    description: string;
    vendor: string;
    architecture?: string;
    device?: string;
    isFallbackAdapter?: boolean;
  };
  /** The WebGPU device's limits as our backend requested them (every numeric limit). */
  limits?: Record<string, number>;
  /** Features enabled on our device. */
  features?: string[];
  /** Features the adapter offers (a fresh high-performance adapter's, sorted). */
  adapterFeatures?: string[];
  software: boolean;
  /** "software rasteriser: not GPU speed" on a software adapter. */
  note?: string;
}

/** Every numeric limit of `limits` (GPUSupportedLimits keeps them as prototype getters). */
export function limitsRecord(limits: GPUSupportedLimits): Record<string, number> {
  const out: Record<string, number> = {};
  // for…in walks the getters; Object.keys sees none of them.
  for (const k in limits) {
    const v = (limits as unknown as Record<string, unknown>)[k];
    if (typeof v === "number") out[k] = v;
  }
  return out;
}

/** Labels the current backend (call after `setDevice`). */
export async function deviceLabel(dev: DeviceInfo): Promise<DeviceLabel> {
  const b = backend();
  if (b.name !== "webgpu") return { name: b.name, description: dev.description, software: false };
  const gpu = b as WebGpuBackend;
  const info = (gpu.device as GPUDevice & { adapterInfo?: GPUAdapterInfo }).adapterInfo as
    | (GPUAdapterInfo & { isFallbackAdapter?: boolean; description?: string })
    | undefined;
  const software = gpu.isSoftware || info?.isFallbackAdapter === true;
  const adapter = await navigator.gpu?.requestAdapter({ powerPreference: "high-performance" });
  return {
    name: b.name,
    description: dev.description,
    adapter: info
      ? {
        description: info.description ?? "",
        vendor: info.vendor,
        architecture: info.architecture,
        device: info.device,
        isFallbackAdapter: info.isFallbackAdapter,
      }
      : undefined,
    limits: limitsRecord(gpu.device.limits),
    features: [...gpu.device.features].sort(),
    adapterFeatures: adapter ? [...adapter.features].sort() : undefined,
    software,
    note: software ? "software rasteriser: not GPU speed" : undefined,
  };
}
