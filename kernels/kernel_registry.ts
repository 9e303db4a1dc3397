/**
 * The kernel registry: one kernel per (op, backend), as TensorFlow.js registers them
 * (`registerKernel({ kernelName, backendName, kernelFunc })`). An op (kernels/op.ts) carries its
 * shape rule, plain CPU reference kernel and gradient; each backend registers its own kernels
 * for ops in its register_all module (cpu/register_all.ts, webgpu/kernels/register_all.ts),
 * which the backend imports itself, so adding a backend touches no op file.
 * Example: `registerKernel({ kernelName: "relu", backendName: "cpu", kernelFunc: reluFast })`.
 */

/** One backend's kernel for one op. `kernelFunc`'s type is the backend's own contract. */
export interface KernelConfig<F = unknown> {
  /** The op's name (`OpDef.name`). */
  kernelName: string;
  /** "cpu" or "webgpu" (the backend's `name`). */
  backendName: string;
  /** The kernel: `CpuKernel` for "cpu" (cpu/backend.ts), `WebGpuKernelFn` for "webgpu". */
  kernelFunc: F;
  /**
   * True when the kernel writes every output element whatever the output held, so a backend
   * that reuses arrays may skip zeroing it (CPU). Leave unset for kernels that accumulate into
   * or scatter over their output.
   */
  overwrites?: boolean;
}

const byBackend = new Map<string, Map<string, KernelConfig>>();

/** Registers a kernel; a second kernel for the same op and backend is a bug and throws. */
export function registerKernel<F>(config: KernelConfig<F>): void {
  const { kernelName, backendName } = config;
  let kernels = byBackend.get(backendName);
  if (!kernels) byBackend.set(backendName, kernels = new Map());
  if (kernels.has(kernelName)) {
    throw new Error(`kernel "${kernelName}" is registered twice for backend "${backendName}"`);
  }
  kernels.set(kernelName, config as KernelConfig);
}

/** The kernel `backendName` registered for op `kernelName`, if any. */
export function getKernel<F = unknown>(
  kernelName: string,
  backendName: string,
): KernelConfig<F> | undefined {
  return byBackend.get(backendName)?.get(kernelName) as KernelConfig<F> | undefined;
}

/** Every kernel registered for `backendName`, in registration order. */
export function kernelsForBackend(backendName: string): KernelConfig[] {
  return [...(byBackend.get(backendName)?.values() ?? [])];
}
