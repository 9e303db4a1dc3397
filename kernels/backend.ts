import type { DType, TypedArray } from "./dtype.ts";
import type { OpDef } from "./op.ts";

/** What a backend sees of an input: its storage handle, shape and dtype. */
export interface KernelInput {
  /** The backend's storage for the input (a typed array on the CPU, a GPU buffer on WebGPU). */
  handle: unknown;
  /** The input's shape. */
  shape: number[];
  /** The input's element type. */
  dtype: DType;
}

/** Counters a backend keeps so benchmarks and tests can see hot-path work. */
export interface BackendCounters {
  /** Kernels run (CPU: kernel calls; WebGPU: compute dispatches encoded). */
  dispatches: number;
  /** Command buffers submitted to the device (WebGPU; 0 on the CPU). */
  submits: number;
  /** Storage buffers or arrays allocated rather than taken from the pool. */
  bufferCreations: number;
  /** Bytes copied from the host to the device. */
  bytesUploaded: number;
  /** Reads of device data back to the host. */
  readbacks: number;
  /** Compute pipelines compiled (WebGPU; 0 on the CPU). */
  pipelineCreations: number;
  /** Bind groups created (WebGPU; 0 on the CPU). */
  bindGroupCreations: number;
}

/**
 * A device that stores tensor data and runs registered ops. Layers and the trainer only ever
 * talk to tensors; a new device plugs in by implementing this interface.
 */
export interface Backend {
  /** "cpu", "cpu-reference" or "webgpu". */
  readonly name: string;
  /** Human-readable description (adapter name, fast path in use). */
  readonly description: string;
  /** Copies host data onto the device and returns a storage handle. */
  upload(data: TypedArray): unknown;
  /** Runs `op` on `inputs` and returns the handle of a new output of `shape`/`dtype`. */
  exec(
    op: OpDef,
    inputs: KernelInput[],
    attrs: unknown,
    shape: number[],
    dtype: DType,
  ): unknown;
  /** Copies a handle's contents back to the host (always a fresh array). */
  read(handle: unknown, dtype: DType, size: number): Promise<TypedArray>;
  /** Synchronous read where the device allows it (CPU); undefined elsewhere. */
  readSync?(handle: unknown, dtype: DType, size: number): TypedArray;
  /** Releases a handle's storage (back to a pool or to the garbage collector). */
  free(handle: unknown): void;
  /** Submits queued work without waiting (WebGPU: once per training step). */
  flush?(): void;
  /** A new handle holding a copy of `bytes` bytes of `handle` (device-side clone). */
  copy?(handle: unknown, bytes: number): unknown;
  /** Waits until queued work is finished (no-op on the CPU). */
  sync(): Promise<void>;
  /** Live counters since the backend was created. */
  counters: BackendCounters;
  /**
   * What one kernel may bind, where that limits fusing several tensors' work into one dispatch
   * (WebGPU: storage buffers per shader stage, bytes per binding); undefined where one call per
   * tensor costs nothing worth saving (the CPU).
   */
  readonly bindingLimits?: BindingLimits;
}

/** Per-dispatch binding limits of a device (see {@link Backend.bindingLimits}). */
export interface BindingLimits {
  /** Storage buffers one kernel binds, its output included. */
  storageBuffers: number;
  /** Bytes one storage binding may span. */
  bindingBytes: number;
}

/** Zeroed counters. */
export function newCounters(): BackendCounters {
  return {
    dispatches: 0,
    submits: 0,
    bufferCreations: 0,
    bytesUploaded: 0,
    readbacks: 0,
    pipelineCreations: 0,
    bindGroupCreations: 0,
  };
}
