import { type Backend, type KernelInput, newCounters } from "../backend.ts";
import { allocArray, bytesPer, type DType, dtypeOf, type TypedArray } from "../dtype.ts";
import { getKernel } from "../kernel_registry.ts";
import type { OpDef } from "../op.ts";
import { sizeOf } from "../shape.ts";
import { setGemmLimits } from "./gemm.ts";
import type { KernelTimer } from "./timestamps.ts";
import { elementwise, type GpuKernel, u, type WebGpuKernelFn, wgslType } from "./wgsl.ts";
// The WGSL kernels this backend looks up in the registry.
import "./kernels/register_all.ts";

/**
 * The WebGPU backend: storage is pooled GPU buffers; ops encode compute dispatches into one
 * command encoder that is submitted once per `flush()` (the trainer flushes once per step) or when
 * data is read back. Pipelines are cached by their WGSL source; dynamic kernel parameters are
 * packed into one uniform arena written once per submit, so a steady-state step creates no
 * buffers and no pipelines and maps nothing.
 */

/** A pooled storage buffer and the submit batch that last used it. */
interface GpuBuf {
  buffer: GPUBuffer;
  bytes: number;
  /** Batch id of the last dispatch or upload that touched it. */
  batch: number;
}

const STORAGE = 0x80 | 0x08 | 0x04; // STORAGE | COPY_DST | COPY_SRC
const UNIFORM_SLOT = 256; // minUniformBufferOffsetAlignment on every adapter
const ARENA_BYTES = 1 << 20;

/** Rounds byte sizes so buffers of nearly equal size share a pool bucket. */
function bucket(bytes: number): number {
  const b = Math.max(16, bytes);
  if (b <= 4096) return Math.ceil(b / 16) * 16;
  // Above 4 KiB: at most 1/8 waste, so odd last batches reuse the full-batch buffers.
  const step = 2 ** (Math.floor(Math.log2(b)) - 3);
  return Math.ceil(b / step) * step;
}

/** Bind groups kept for reuse (a training step needs one per dispatch: a few dozen). */
const BIND_GROUP_CACHE = 4096;

/** The WebGPU device, its pools and caches. Create with {@link WebGpuBackend.create}. */
export class WebGpuBackend implements Backend {
  readonly name = "webgpu";
  counters = newCounters();
  #pool = new Map<number, GpuBuf[]>();
  #bindGroups = new Map<string, GPUBindGroup>();
  #ids = new WeakMap<object, number>();
  #nextId = 1;
  #staging = new Map<number, GPUBuffer[]>();
  #pipelines = new Map<string, GPUComputePipeline>();
  #encoder?: GPUCommandEncoder;
  #pass?: GPUComputePassEncoder;
  #batch = 1;
  #arena: GPUBuffer;
  #arenaHost = new Uint32Array(ARENA_BYTES / 4);
  #arenaUsed = 0;
  #lost?: string;
  #error?: string;
  /** Set by the profiler (kernels/webgpu/timestamps.ts): each dispatch gets a timed pass. */
  timer?: KernelTimer;

  private constructor(
    readonly device: GPUDevice,
    readonly description: string,
    readonly isSoftware: boolean,
  ) {
    this.#arena = device.createBuffer({ size: ARENA_BYTES, usage: 0x40 | 0x08 }); // UNIFORM|COPY_DST
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
    return { buffer: this.device.createBuffer({ size, usage: STORAGE }), bytes: size, batch: 0 };
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
    if (splits <= 1) {
      this.dispatch(kernel, ins, out, outType, op.mutates);
      return out;
    }
    const n = sizeOf(shape);
    const partials = this.#take(n * splits * 4, false);
    this.dispatch(kernel, ins, partials, outType, op.mutates);
    this.dispatch(
      elementwise(
        n,
        `var s = in0[i];
  for (var k = 1u; k < ${u(splits)}; k++) { s += in0[k * ${u(n)} + i]; }
  out[i] = s;`,
      ),
      [[partials, dtype]],
      out,
      outType,
    );
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
    const nf = kernel.f32?.length ?? 0, nu = kernel.u32?.length ?? 0;
    const hasParams = nf + nu > 0;
    const decls = ins.map(([, dt], i) =>
      `@group(0) @binding(${i}) var<storage, ${mutates.includes(i) ? "read_write" : "read"}> ` +
      `in${i}: array<${kernel.vec4Inputs?.includes(i) ? `vec4<${wgslType(dt)}>` : wgslType(dt)}>;`
    );
    decls.push(
      `@group(0) @binding(${ins.length}) var<storage, read_write> out: array<${outType}>;`,
    );
    if (hasParams) {
      decls.push(
        `@group(0) @binding(${ins.length + 1}) var<uniform> P_: array<vec4u, 16>;`,
        `fn pf(i: u32) -> f32 { return bitcast<f32>(P_[i / 4u][i % 4u]); }`,
        `fn pu(i: u32) -> u32 { let j = i + ${nf}u; return P_[j / 4u][j % 4u]; }`,
      );
    }
    const code = `${decls.join("\n")}\n${kernel.code}`;
    const pipeline = this.#pipeline(code);
    for (const chunk of this.#chunks(kernel)) {
      const entries: GPUBindGroupEntry[] = ins.map(([b], i) => ({
        binding: i,
        resource: i === chunk?.input
          ? { buffer: b.buffer, offset: chunk.offset, size: chunk.size }
          : { buffer: b.buffer },
      }));
      entries.push({ binding: ins.length, resource: { buffer: out.buffer } });
      if (hasParams) {
        if (nf + nu > 64) throw new Error("webgpu: a kernel takes at most 64 parameters");
        if (this.#arenaUsed + UNIFORM_SLOT > ARENA_BYTES) this.flush();
        const off = this.#arenaUsed;
        const words = this.#arenaHost;
        const fv = new Float32Array(words.buffer, off, nf);
        kernel.f32?.forEach((v, i) => (fv[i] = v));
        const uv = chunk ? chunk.u32 : kernel.u32;
        uv?.forEach((v, i) => (words[off / 4 + nf + i] = v >>> 0));
        this.#arenaUsed += UNIFORM_SLOT;
        entries.push({
          binding: ins.length + 1,
          resource: { buffer: this.#arena, offset: off, size: UNIFORM_SLOT },
        });
      }
      const bindGroup = this.#bindGroup(pipeline, entries);
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

  /**
   * The row ranges to bind a `chunked` input in when it is larger than one storage binding may
   * be (128 MiB on some adapters: the 60 000 MNIST images as float32 are 188 MB); `[undefined]`
   * when it fits, so the kernel runs once over the whole buffer.
   */
  #chunks(
    kernel: GpuKernel,
  ): ({ input: number; offset: number; size: number; u32: number[] } | undefined)[] {
    const c = kernel.chunked;
    const limit = this.device.limits.maxStorageBufferBindingSize;
    if (!c || c.rows * c.rowBytes <= limit) return [undefined];
    // Chunk starts must fall on the adapter's offset alignment.
    const align = this.device.limits.minStorageBufferOffsetAlignment;
    const gcd = (a: number, b: number): number => (b ? gcd(b, a % b) : a);
    const step = align / gcd(c.rowBytes, align);
    const per = Math.floor(Math.floor(limit / c.rowBytes) / step) * step;
    const out = [];
    for (let start = 0; start < c.rows; start += per) {
      const count = Math.min(per, c.rows - start);
      const u32 = [...(kernel.u32 ?? [])];
      u32[c.param] = start;
      u32[c.param + 1] = count;
      out.push({ input: c.input, offset: start * c.rowBytes, size: count * c.rowBytes, u32 });
    }
    return out;
  }

  /**
   * A bind group for `entries` on `pipeline`, reused when the same pipeline binds the same
   * buffer ranges again (pooled buffers are never destroyed, so a cached group stays valid).
   * Created afresh for every dispatch, bind groups held host memory until the garbage collector
   * got to them, and resident memory grew over an epoch (bench/README.md). Which pooled buffer an
   * op gets can change from step to step, so a steady-state
   * step still creates a few; the counter `bindGroupCreations` shows how many.
   */
  #bindGroup(pipeline: GPUComputePipeline, entries: GPUBindGroupEntry[]): GPUBindGroup {
    let key = `${this.#idOf(pipeline)}`;
    for (const e of entries) {
      const r = e.resource as GPUBufferBinding;
      key += `|${this.#idOf(r.buffer)}:${r.offset ?? 0}:${r.size ?? -1}`;
    }
    let group = this.#bindGroups.get(key);
    if (!group) {
      group = this.device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries });
      // Bounded: past the cap the oldest entry goes (a Map iterates in insertion order).
      if (this.#bindGroups.size >= BIND_GROUP_CACHE) {
        this.#bindGroups.delete(this.#bindGroups.keys().next().value!);
      }
      this.#bindGroups.set(key, group);
      this.counters.bindGroupCreations++;
    }
    return group;
  }

  /** A small integer naming a GPU object, for cache keys. */
  #idOf(o: object): number {
    let id = this.#ids.get(o);
    if (id === undefined) this.#ids.set(o, id = this.#nextId++);
    return id;
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
    if (this.#arenaUsed > 0) {
      this.device.queue.writeBuffer(this.#arena, 0, this.#arenaHost.buffer, 0, this.#arenaUsed);
      this.#arenaUsed = 0;
    }
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
    const key = bucket(bytes);
    const staging = this.#staging.get(key)?.pop() ??
      (this.counters.bufferCreations++,
        this.device.createBuffer({ size: key, usage: 0x01 | 0x08 }));
    this.#endPass().copyBufferToBuffer(src.buffer, 0, staging, 0, bytes);
    src.batch = this.#batch;
    this.flush();
    this.counters.readbacks++;
    await staging.mapAsync(1); // GPUMapMode.READ
    const view = staging.getMappedRange(0, bytes);
    new Uint8Array(out.buffer).set(new Uint8Array(view));
    staging.unmap();
    this.#checkLost();
    if (!this.#staging.has(key)) this.#staging.set(key, []);
    this.#staging.get(key)!.push(staging);
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
