/**
 * Float32 regions of the WASM kernels' memory, handed out as Float32Array views. The memory is
 * shared (SharedArrayBuffer-backed), so growing it never detaches a view handed out earlier; a
 * region stays valid until it is released. Regions are 64-byte aligned and recycled by exact size,
 * which suits a training loop that asks for the same sizes every step.
 *
 * Example: `const v = heap.alloc(1024); …; heap.release(v);`
 */
export class WasmHeap {
  /** Next never-used byte. */
  #top: number;
  /** Released regions by byte size. */
  #free = new Map<number, number[]>();
  /** Every SharedArrayBuffer object this memory has shown (one per growth). */
  #buffers = new Set<ArrayBufferLike>();
  /** Bytes of regions currently handed out. */
  liveBytes = 0;

  /** @param base first byte the module's own data does not use (its `__heap_base`). */
  constructor(readonly memory: WebAssembly.Memory, base: number) {
    this.#top = align(base);
    this.#buffers.add(memory.buffer);
  }

  /** A view of n float32 values (contents undefined), or undefined when memory is exhausted. */
  alloc(n: number): Float32Array | undefined {
    const bytes = align(Math.max(1, n) * 4);
    let offset = this.#free.get(bytes)?.pop();
    if (offset === undefined) {
      if (!this.#reserve(this.#top + bytes)) return undefined;
      offset = this.#top;
      this.#top += bytes;
    }
    this.liveBytes += bytes;
    return new Float32Array(this.#buffer(), offset, n);
  }

  /** Returns a region from `alloc` (the whole region, whatever subarray was used). */
  release(view: Float32Array): void {
    if (!this.owns(view)) throw new Error("WasmHeap.release: not a view of this heap");
    const bytes = align(Math.max(1, view.length) * 4);
    let list = this.#free.get(bytes);
    if (!list) this.#free.set(bytes, list = []);
    list.push(view.byteOffset);
    this.liveBytes -= bytes;
  }

  /** True when `a` is a view of this heap's memory. */
  owns(a: ArrayBufferView): boolean {
    return this.#buffers.has(a.buffer);
  }

  /** Bytes the memory holds now. */
  get sizeBytes(): number {
    return this.memory.buffer.byteLength;
  }

  #buffer(): ArrayBufferLike {
    const b = this.memory.buffer;
    this.#buffers.add(b);
    return b;
  }

  /** Grows the memory to at least `end` bytes; false when it may not grow that far. */
  #reserve(end: number): boolean {
    const have = this.memory.buffer.byteLength;
    if (end <= have) return true;
    try {
      this.memory.grow(Math.ceil((end - have) / PAGE));
      return true;
    } catch {
      return false;
    }
  }
}

/** WebAssembly's page size. */
const PAGE = 65536;

/** Rounds up to a cache line, so regions never share one. */
function align(bytes: number): number {
  return Math.ceil(bytes / 64) * 64;
}

/**
 * Named grow-only regions: a kernel's staging buffers (an input copied in, an output before it
 * is copied out). Slots are independent; a view from `get` is valid until the same slot is asked
 * for more values than it holds.
 */
export class WasmScratch {
  #slots = new Map<string, Float32Array>();

  constructor(readonly heap: WasmHeap) {}

  /** A view of exactly n values in slot `name` (contents undefined), or undefined. */
  get(name: string, n: number): Float32Array | undefined {
    let region = this.#slots.get(name);
    if (!region || region.length < n) {
      if (region) this.heap.release(region);
      this.#slots.delete(name);
      // Grow by half again, so slowly rising sizes do not reallocate every call.
      region = this.heap.alloc(region ? Math.max(n, Math.ceil(region.length * 1.5)) : n);
      if (!region) return undefined;
      this.#slots.set(name, region);
    }
    return region.subarray(0, n);
  }
}

/**
 * Byte pointer to float32 value `index` of a region of the WASM memory, the region given by its
 * view or its byte pointer (the WASM kernels and HeapGemm take byte pointers).
 * Example: `f32ptr(cols, b0 * P * K)` is `cols.byteOffset + 4 * b0 * P * K`.
 */
export function f32ptr(base: Float32Array | number, index = 0): number {
  return (typeof base === "number" ? base : base.byteOffset) +
    Float32Array.BYTES_PER_ELEMENT * index;
}

/**
 * Byte pointer to values [from, from + len) of `a` (all of it by default) inside the heap: `a`
 * itself when it lives there, else a copy in scratch slot `slot`; undefined when the slot cannot
 * be had. Example: `stagedPointer(k, x, "ew0")`.
 */
export function stagedPointer(
  k: { heap: WasmHeap; scratch: WasmScratch },
  a: Float32Array,
  slot: string,
  from = 0,
  len = a.length - from,
): number | undefined {
  if (k.heap.owns(a)) return f32ptr(a, from);
  const s = k.scratch.get(slot, len);
  if (!s) return undefined;
  s.set(from === 0 && len === a.length ? a : a.subarray(from, from + len));
  return s.byteOffset;
}
