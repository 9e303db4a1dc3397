import { type Backend, type BindingLimits, type KernelInput, newCounters } from "../backend.ts";
import { allocArray, bytesPer, type DType, dtypeOf, type TypedArray } from "../dtype.ts";
import { getKernel } from "../kernel_registry.ts";
import { mutatedInputs, type OpDef } from "../op.ts";
import { sizeOf } from "../shape.ts";
import { setGemmLimits } from "./gemm.ts";
import type { KernelTimer } from "./timestamps.ts";
import { BindGroupCache } from "./bind_group_cache.ts";
import { flagBinding, kernelSource } from "./bindings.ts";
import { FLAG_BYTES, IndexErrorFlag } from "./index_error_flag.ts";
import { bindingChunks } from "./chunking.ts";
import { splitSumKernel } from "./split_k.ts";
import { UNIFORM_SLOT, UniformArena } from "./uniform_arena.ts";
import { type GpuKernel, type WebGpuKernelFn, wgslType } from "./wgsl.ts";
// The WGSL kernels this backend looks up in the registry.
import "./kernels/register_all.ts";

/**
 * The WebGPU backend: storage is pooled GPU buffers; ops encode compute dispatches into one
 * command encoder that is submitted once per `flush()` (the trainer flushes once per step) or when
 * data is read back. Pipelines are cached by their WGSL source (bindings.ts writes the binding
 * declarations); bind groups are cached (bind_group_cache.ts); dynamic kernel parameters are
 * packed into one uniform arena written once per submit (uniform_arena.ts); inputs larger than a
 * storage binding are bound in row chunks (chunking.ts) and split reductions get a second sum
 * pass (split_k.ts). A steady-state step creates no buffers and no pipelines and maps nothing.
 */

/** A pooled storage buffer and the submit batch that last used it. */
interface GpuBuf {
  buffer: GPUBuffer;
  bytes: number;
  /** Batch id of the last dispatch or upload that touched it. */
  batch: number;
}

/** Rounds byte sizes so buffers of nearly equal size share a pool bucket. */
function bucket(bytes: number): number {
  const b = Math.max(16, bytes);
  if (b <= 4096) return Math.ceil(b / 16) * 16;
  // Above 4 KiB: at most 1/8 waste, so odd last batches reuse the full-batch buffers.
  const step = 2 ** (Math.floor(Math.log2(b)) - 3);
  return Math.ceil(b / step) * step;
}

/** The WebGPU device, its pools and caches. Create with {@link WebGpuBackend.create}. */
export class WebGpuBackend implements Backend {
  readonly name = "webgpu";
  counters = newCounters();
  #pool = new Map<number, GpuBuf[]>();
  #bindGroups: BindGroupCache;
  #staging = new Map<number, GPUBuffer[]>();
  #pipelines = new Map<string, GPUComputePipeline>();
  #encoder?: GPUCommandEncoder;
  #pass?: GPUComputePassEncoder;
  #batch = 1;
  #arena: UniformArena;
  #lost?: string;
  #error?: string;
  #indexErrors: IndexErrorFlag;
  /** Set by the profiler (kernels/webgpu/timestamps.ts): each dispatch gets a timed pass. */
  timer?: KernelTimer;
  /** The device's limits on one dispatch's storage bindings (the index-error flag not counted). */
  get bindingLimits(): BindingLimits {
    return {
      // One is kept back for the index-error flag a kernel may bind.
      storageBuffers: this.device.limits.maxStorageBuffersPerShaderStage - 1,
      bindingBytes: this.device.limits.maxStorageBufferBindingSize,
    };
  }

  private constructor(
    readonly device: GPUDevice,
    readonly description: string,
    readonly isSoftware: boolean,
  ) {
    this.#arena = new UniformArena(device);
    this.#indexErrors = new IndexErrorFlag(device);
    this.#bindGroups = new BindGroupCache(device, () => this.counters.bindGroupCreations++);
    device.lost.then((info) => (this.#lost = `${info.reason}: ${info.message}`));
    // Shader and validation errors arrive asynchronously; the next op or read rethrows them.
    device.addEventListener("uncapturederror", (e) => {
      this.#error ??= (e as GPUUncapturedErrorEvent).error.message;
    });
  }

  /** Requests an adapter and device; throws a message that says how to get an adapter. */
  static async create(): Promise<WebGpuBackend> {
    const gpu = (navigator as { gpu?: GPU }).gpu;
    if (!gpu) {
      throw new Error(
        "webgpu: this runtime has no navigator.gpu (Deno ≥ 1.39 has it; run with a current Deno)",
      );
    }
    const adapter = await gpu.requestAdapter({ powerPreference: "high-performance" });
    if (!adapter) throw new Error(noAdapterMessage());
    const limits = adapter.limits;
    const device = await adapter.requestDevice({
      // Enabled where offered, for `deno task profile`'s GPU time per kernel; unused otherwise.
      requiredFeatures: adapter.features.has("timestamp-query") ? ["timestamp-query"] : [],
      requiredLimits: {
        // All the adapter has: the fused optimiser binds several parameters per dispatch.
        maxStorageBuffersPerShaderStage: limits.maxStorageBuffersPerShaderStage,
        maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
        maxBufferSize: limits.maxBufferSize,
        maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
      },
    });
    const { description, software } = describeAdapter(adapter);
    setGemmLimits({
      workgroupStorage: device.limits.maxComputeWorkgroupStorageSize,
      invocations: device.limits.maxComputeInvocationsPerWorkgroup,
    });
    return new WebGpuBackend(device, description, software);
  }

  #take(bytes: number, forUpload: boolean): GpuBuf {
    const size = bucket(bytes);
    const list = this.#pool.get(size);
    if (list?.length) {
      // An upload (queue.writeBuffer) runs before the pending encoder's commands, so it must not
      // land in a buffer that a not-yet-submitted dispatch still reads.
      const i = forUpload ? list.findIndex((b) => b.batch < this.#batch) : list.length - 1;
      if (i >= 0) return list.splice(i, 1)[0];
    }
    this.counters.bufferCreations++;
    return {
      buffer: this.device.createBuffer({
        size,
        usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC,
      }),
      bytes: size,
      batch: 0,
    };
  }

  upload(data: TypedArray): unknown {
    wgslType(dtypeOf(data));
    this.#checkLost();
    const bytes = data.length * bytesPer(dtypeOf(data));
    const buf = this.#take(bytes, true);
    if (bytes > 0) {
      this.device.queue.writeBuffer(
        buf.buffer,
        0,
        data.buffer as ArrayBuffer,
        data.byteOffset,
        bytes,
      );
    }
    buf.batch = this.#batch;
    this.counters.bytesUploaded += bytes;
    return buf;
  }

  exec(op: OpDef, inputs: KernelInput[], attrs: unknown, shape: number[], dtype: DType): unknown {
    this.#checkLost();
    const outType = wgslType(dtype);
    const out = this.#take(sizeOf(shape) * 4, false);
    out.batch = this.#batch;
    if (sizeOf(shape) === 0) return out;
    const registered = getKernel<WebGpuKernelFn<unknown>>(op.name, "webgpu");
    if (!registered) {
      throw new Error(`webgpu: op "${op.name}" has no WebGPU kernel; use --device cpu`);
    }
    const kernel = registered.kernelFunc(
      inputs.map((i) => ({ shape: i.shape, dtype: i.dtype })),
      attrs as never,
      { shape, dtype },
    );
    const ins: [GpuBuf, DType][] = inputs.map((i) => [i.handle as GpuBuf, i.dtype]);
    const splits = kernel.splits ?? 1;
    const mutates = mutatedInputs(op, attrs, ins.length);
    if (splits <= 1) {
      this.dispatch(kernel, ins, out, outType, mutates);
      return out;
    }
    const n = sizeOf(shape);
    const partials = this.#take(n * splits * 4, false);
    this.dispatch(kernel, ins, partials, outType, mutates);
    this.dispatch(splitSumKernel(n, splits), [[partials, dtype]], out, outType);
    // Later dispatches in this encoder may reuse it: they run after the sum has read it.
    this.free(partials);
    return out;
  }

  /** Encodes one kernel over `ins` writing `out`. */
  dispatch(
    kernel: GpuKernel,
    ins: [GpuBuf, DType][],
    out: GpuBuf,
    outType: "f32" | "i32",
    mutates: number[] = [],
  ): void {
    const hasParams = (kernel.f32?.length ?? 0) + (kernel.u32?.length ?? 0) > 0;
    const source = kernelSource(kernel, ins.map(([, dt]) => dt), outType, mutates);
    const pipeline = this.#pipeline(source);
    for (const chunk of bindingChunks(kernel, this.device.limits)) {
      const entries: GPUBindGroupEntry[] = ins.map(([b], i) => ({
        binding: i,
        resource: i === chunk?.input
          ? { buffer: b.buffer, offset: chunk.offset, size: chunk.size }
          : { buffer: b.buffer },
      }));
      entries.push({ binding: ins.length, resource: { buffer: out.buffer } });
      if (kernel.indexErrors) {
        entries.push({
          binding: flagBinding(ins.length),
          resource: { buffer: this.#indexErrors.buffer },
        });
      }
      if (hasParams) {
        if (this.#arena.full) this.flush();
        const offset = this.#arena.write(kernel.f32, chunk ? chunk.u32 : kernel.u32);
        entries.push({
          binding: ins.length + 1,
          resource: { buffer: this.#arena.buffer, offset, size: UNIFORM_SLOT },
        });
      }
      const bindGroup = this.#bindGroups.get(pipeline, entries);
      for (const [b] of ins) b.batch = this.#batch;
      const pass = this.#computePass(this.timer?.nextPass());
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, bindGroup);
      const [x, y = 1, z = 1] = kernel.workgroups;
      pass.dispatchWorkgroups(x, y, z);
      this.counters.dispatches++;
      if (this.timer) this.#endPass();
    }
  }

  #pipeline(code: string): GPUComputePipeline {
    let p = this.#pipelines.get(code);
    if (!p) {
      const module = this.device.createShaderModule({ code });
      p = this.device.createComputePipeline({
        layout: "auto",
        compute: { module, entryPoint: "main" },
      });
      this.#pipelines.set(code, p);
      this.counters.pipelineCreations++;
    }
    return p;
  }

  #computePass(timestampWrites?: GPUComputePassTimestampWrites): GPUComputePassEncoder {
    this.#encoder ??= this.device.createCommandEncoder();
    this.#pass ??= this.#encoder.beginComputePass(
      timestampWrites ? { timestampWrites } : undefined,
    );
    return this.#pass;
  }

  #endPass(): GPUCommandEncoder {
    this.#pass?.end();
    this.#pass = undefined;
    this.#encoder ??= this.device.createCommandEncoder();
    return this.#encoder;
  }

  /** Submits everything encoded so far as one command buffer (no-op when nothing is pending). */
  flush(): void {
    if (!this.#encoder) return;
    const enc = this.#endPass();
    this.timer?.resolve(enc);
    this.#arena.upload(this.device.queue);
    this.device.queue.submit([enc.finish()]);
    this.#encoder = undefined;
    this.counters.submits++;
    this.#batch++;
  }

  /** Copies `handle` into a new buffer (clone). */
  copy(handle: unknown, bytes: number): unknown {
    const src = handle as GpuBuf;
    const dst = this.#take(bytes, false);
    if (bytes > 0) this.#endPass().copyBufferToBuffer(src.buffer, 0, dst.buffer, 0, bytes);
    src.batch = dst.batch = this.#batch;
    return dst;
  }

  async read(handle: unknown, dtype: DType, size: number): Promise<TypedArray> {
    this.#checkLost();
    const out = allocArray(dtype, size);
    const bytes = size * bytesPer(dtype);
    if (bytes === 0) return out;
    const src = handle as GpuBuf;
    // The index error flag rides behind the data: one map reads both.
    const key = bucket(bytes + FLAG_BYTES);
    const staging = this.#staging.get(key)?.pop() ??
      (this.counters.bufferCreations++,
        this.device.createBuffer({
          size: key,
          usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
        }));
    const enc = this.#endPass();
    enc.copyBufferToBuffer(src.buffer, 0, staging, 0, bytes);
    enc.copyBufferToBuffer(this.#indexErrors.buffer, 0, staging, bytes, FLAG_BYTES);
    src.batch = this.#batch;
    this.flush();
    this.counters.readbacks++;
    await staging.mapAsync(GPUMapMode.READ);
    const view = staging.getMappedRange(0, bytes + FLAG_BYTES);
    new Uint8Array(out.buffer).set(new Uint8Array(view, 0, bytes));
    const flag = new Uint32Array(view.slice(bytes, bytes + FLAG_BYTES));
    staging.unmap();
    this.#checkLost();
    if (!this.#staging.has(key)) this.#staging.set(key, []);
    this.#staging.get(key)!.push(staging);
    this.#indexErrors.check(flag);
    return out;
  }

  free(handle: unknown): void {
    const b = handle as GpuBuf;
    let list = this.#pool.get(b.bytes);
    if (!list) this.#pool.set(b.bytes, list = []);
    list.push(b);
  }

  async sync(): Promise<void> {
    this.flush();
    await this.device.queue.onSubmittedWorkDone();
  }

  /** Bytes held in the buffer pool (free for reuse). */
  pooledBytes(): number {
    let n = 0;
    for (const [size, list] of this.#pool) n += size * list.length;
    return n;
  }

  #checkLost(): void {
    if (this.#lost) throw new Error(`webgpu: the device was lost (${this.#lost})`);
    const err = this.#error;
    if (err) {
      this.#error = undefined;
      throw new Error(`webgpu: a kernel failed validation: ${err}`);
    }
  }
}

/** What to do when there is no adapter. */
export function noAdapterMessage(): string {
  return "webgpu: navigator.gpu.requestAdapter() found no adapter. Install a GPU driver " +
    "(Vulkan, Metal or D3D12); on a headless Linux machine `apt-get install mesa-vulkan-drivers` " +
    "gives a software adapter (lavapipe) that is correct but slow; or use --device cpu";
}

/** Adapter description for logs and metrics.json, and whether it is a software rasteriser. */
export function describeAdapter(adapter: GPUAdapter): { description: string; software: boolean } {
  const i = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean; description?: string };
  const text = i.description || [i.vendor, i.architecture, i.device].filter(Boolean).join(" ") ||
    "unnamed adapter";
  const software = i.isFallbackAdapter === true ||
    /llvmpipe|lavapipe|swiftshader|software/i.test(text);
  return { description: software ? `${text} (software rasteriser, not a GPU)` : text, software };
}
