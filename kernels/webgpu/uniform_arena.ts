/**
 * The dynamic kernel parameters of one submit, packed into one uniform buffer: each dispatch
 * takes a 256-byte slot (minUniformBufferOffsetAlignment on every adapter), written on the host
 * and uploaded once per submit, so changing a learning rate or a seed costs no buffer and no
 * pipeline.
 */

/** Bytes of one dispatch's slot. */
export const UNIFORM_SLOT = 256;
const ARENA_BYTES = 1 << 20;

/** One submit's parameter slots. */
export class UniformArena {
  readonly buffer: GPUBuffer;
  #host = new Uint32Array(ARENA_BYTES / 4);
  #used = 0;

  constructor(device: GPUDevice) {
    this.buffer = device.createBuffer({
      size: ARENA_BYTES,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
  }

  /** True when no slot is left: the caller submits (which uploads and empties the arena). */
  get full(): boolean {
    return this.#used + UNIFORM_SLOT > ARENA_BYTES;
  }

  /** Writes one slot (f32 values, then u32 values) and returns its byte offset. */
  write(f32: number[] = [], u32: number[] = []): number {
    if (this.full) throw new Error("webgpu: the uniform arena is full; submit first");
    const off = this.#used;
    const fv = new Float32Array(this.#host.buffer, off, f32.length);
    f32.forEach((v, i) => (fv[i] = v));
    u32.forEach((v, i) => (this.#host[off / 4 + f32.length + i] = v >>> 0));
    this.#used += UNIFORM_SLOT;
    return off;
  }

  /** Queues the written slots for upload before the next submit, and empties the arena. */
  upload(queue: GPUQueue): void {
    if (this.#used === 0) return;
    queue.writeBuffer(this.buffer, 0, this.#host.buffer, 0, this.#used);
    this.#used = 0;
  }
}
