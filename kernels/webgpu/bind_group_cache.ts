/**
 * Bind groups kept for reuse: one is found again when the same pipeline binds the same buffer
 * ranges (pooled buffers are never destroyed, so a cached group stays valid). Created afresh for
 * every dispatch, bind groups held host memory until the garbage collector got to them, and
 * resident memory grew over an epoch (bench/README.md). Which pooled buffer an op gets can change
 * from step to step, so a steady-state step still creates a few; the backend's counter
 * `bindGroupCreations` shows how many.
 */

/** Bind groups kept (a training step needs one per dispatch: a few dozen). */
const CAPACITY = 4096;

/** A bounded cache of bind groups keyed by pipeline and bound buffer ranges. */
export class BindGroupCache {
  #groups = new Map<string, GPUBindGroup>();
  #ids = new WeakMap<object, number>();
  #nextId = 1;

  /** `onCreate` is called for every bind group actually created (the backend counts them). */
  constructor(readonly device: GPUDevice, readonly onCreate: () => void) {}

  /** The bind group of `entries` (buffer bindings) on `pipeline`, created on first use. */
  get(pipeline: GPUComputePipeline, entries: GPUBindGroupEntry[]): GPUBindGroup {
    let key = `${this.#idOf(pipeline)}`;
    for (const e of entries) {
      const r = e.resource as GPUBufferBinding;
      key += `|${this.#idOf(r.buffer)}:${r.offset ?? 0}:${r.size ?? -1}`;
    }
    let group = this.#groups.get(key);
    if (!group) {
      group = this.device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries });
      // Bounded: past the cap the oldest entry goes (a Map iterates in insertion order).
      if (this.#groups.size >= CAPACITY) this.#groups.delete(this.#groups.keys().next().value!);
      this.#groups.set(key, group);
      this.onCreate();
    }
    return group;
  }

  /** A small integer naming a GPU object, for cache keys. */
  #idOf(o: object): number {
    let id = this.#ids.get(o);
    if (id === undefined) this.#ids.set(o, id = this.#nextId++);
    return id;
  }
}
