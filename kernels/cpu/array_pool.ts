import { allocArray, type DType, type TypedArray } from "../dtype.ts";

/**
 * A pool of the CPU backend's output arrays. A training step allocates the same shapes every
 * step; a fresh multi-megabyte typed array costs page faults on first touch and pushes V8
 * towards full garbage collections, which measured slower than the kernel writing it
 * (bench/README.md). Freed arrays wait here, keyed by
 * dtype and length, and are handed out again zero-filled, so a kernel sees exactly what a new
 * array would give it.
 *
 * Only arrays the pool allocated are taken back: an uploaded array belongs to the caller.
 * Pooled bytes are capped; past the cap the oldest free arrays go back to the garbage collector.
 */
export class ArrayPool {
  #free = new Map<string, TypedArray[]>();
  /** Arrays handed out by `take` and not yet given back (others are never pooled). */
  #owned = new WeakSet<TypedArray>();
  /** Free arrays in the order they came back, for evicting the oldest. */
  #order: { key: string; array: TypedArray }[] = [];
  #pooledBytes = 0;
  /** Arrays served from the pool and arrays newly allocated (for tests and benchmarks). */
  stats = { reused: 0, allocated: 0 };

  /** @param limitBytes most bytes kept free at once (0 disables pooling). */
  constructor(readonly limitBytes = 1024 * 1024 * 1024) {}

  /**
   * An array of `size` elements of `dtype`, reused when one is free: zero-filled, or with
   * whatever it last held when `zeroed` is false (for kernels that overwrite every element).
   */
  take(dtype: DType, size: number, zeroed = true): TypedArray {
    const key = `${dtype}:${size}`;
    const list = this.#free.get(key);
    const reused = list?.pop();
    let array: TypedArray;
    if (reused) {
      this.#pooledBytes -= reused.byteLength;
      const at = this.#order.findIndex((e) => e.array === reused);
      if (at >= 0) this.#order.splice(at, 1);
      if (zeroed) reused.fill(0);
      array = reused;
      this.stats.reused++;
    } else {
      array = allocArray(dtype, size);
      this.stats.allocated++;
    }
    this.#owned.add(array);
    return array;
  }

  /** Takes `array` back when the pool made it; anything else is left to the garbage collector. */
  give(array: TypedArray): void {
    if (!this.#owned.has(array)) return;
    this.#owned.delete(array);
    if (array.byteLength > this.limitBytes) return;
    const key = `${dtypeKey(array)}:${array.length}`;
    let list = this.#free.get(key);
    if (!list) this.#free.set(key, list = []);
    list.push(array);
    this.#order.push({ key, array });
    this.#pooledBytes += array.byteLength;
    while (this.#pooledBytes > this.limitBytes) {
      const old = this.#order.shift()!;
      const l = this.#free.get(old.key)!;
      l.splice(l.indexOf(old.array), 1);
      this.#pooledBytes -= old.array.byteLength;
    }
  }

  /** Bytes held free right now. */
  get pooledBytes(): number {
    return this.#pooledBytes;
  }

  /** Drops every free array. */
  clear(): void {
    this.#free.clear();
    this.#order = [];
    this.#pooledBytes = 0;
  }
}

function dtypeKey(a: TypedArray): DType {
  return a instanceof Float64Array ? "float64" : a instanceof Int32Array ? "int32" : "float32";
}
