import type { DType, TypedArray } from "../dtype.ts";
import type { WasmHeap } from "./wasm/heap.ts";
import { loadedWasmHeap, wasmKernels } from "./wasm/module.ts";

/**
 * Float32 output arrays of the CPU backend placed in the WASM kernels' heap instead of the
 * JavaScript heap. The WASM kernels and the split conv passes read and write heap arrays in
 * place; an array outside the heap they copy in and out through staging buffers, so a big
 * activation was resident twice (its array and its staging copy) and copied every pass.
 * The kernels run the same code on either, so the numbers do not change.
 *
 * Only arrays of at least HEAP_ARRAY_MIN_VALUES values go there (smaller ones are not staged
 * whole), and at most HEAP_ARRAYS_MAX_BYTES at once, which leaves the rest of the heap's 1 GiB
 * for kept conv columns and staging. An array the garbage collector takes without it having
 * been given back (a tensor never disposed) returns its region to the heap.
 */

/** Smallest array placed in the heap: 64 K values (256 KB). */
export const HEAP_ARRAY_MIN_VALUES = 64 * 1024;
/** Most bytes of arrays in the heap at once: 512 MiB, half the heap's maximum. */
export const HEAP_ARRAYS_MAX_BYTES = 512 * 1024 * 1024;

/** Where an ArrayPool gets arrays other than plain typed arrays, and gives them back. */
export interface ArraySource {
  /** An array of `size` values of `dtype` (zero-filled when `zeroed`), or undefined. */
  alloc(dtype: DType, size: number, zeroed: boolean): TypedArray | undefined;
  /** Takes back an array `alloc` made; false (nothing done) for any other array. */
  release(array: TypedArray): boolean;
}

/** Bytes of heap arrays handed out and not yet released. */
let heldBytes = 0;
/** The heap arrays handed out, so `release` knows its own. */
const mine = new WeakSet<TypedArray>();

/** A region's own view, kept by the registry to release it when its array is collected. */
interface Region {
  heap: WasmHeap;
  view: Float32Array;
}
const collected = new FinalizationRegistry<Region>(({ heap, view }) => {
  heldBytes -= view.byteLength;
  heap.release(view);
});

/** Heap arrays handed out and not yet released, in bytes (tests read it). */
export function heapArrayBytes(): number {
  return heldBytes;
}

/** The source of heap arrays, for the CPU backend's pool (see the module comment). */
export const heapArrays: ArraySource = {
  alloc(dtype, size, zeroed) {
    if (dtype !== "float32" || size < HEAP_ARRAY_MIN_VALUES) return undefined;
    if (heldBytes + size * 4 > HEAP_ARRAYS_MAX_BYTES) return undefined;
    const heap = wasmKernels()?.heap;
    const a = heap?.alloc(size);
    if (!heap || !a) return undefined;
    // A region reused from the heap's free lists holds whatever it last held.
    if (zeroed) zeroFill(a);
    heldBytes += a.byteLength;
    mine.add(a);
    // A second view of the region, so the registry does not keep `a` itself alive.
    const view = new Float32Array(a.buffer, a.byteOffset, a.length);
    collected.register(a, { heap, view }, a);
    return a;
  },
  release(array) {
    if (!mine.has(array)) return false;
    mine.delete(array);
    collected.unregister(array);
    heldBytes -= array.byteLength;
    // Also when the kernels were switched off since: the heap stays loaded.
    loadedWasmHeap()!.release(array as Float32Array);
    return true;
  },
};

/** Zeros copied into shared arrays by `zeroFill`. */
const ZEROS = new Float32Array(16 * 1024);

/**
 * Sets every element of `a` to 0. On a SharedArrayBuffer `fill` stores element by element
 * (several times slower than on an ArrayBuffer: bench/README.md), so a shared array gets
 * blocks of zeros copied in, which V8 does at memcpy speed; any other array is filled.
 */
export function zeroFill(a: TypedArray): void {
  if (!(a.buffer instanceof SharedArrayBuffer) || !(a instanceof Float32Array)) {
    a.fill(0);
    return;
  }
  const n = a.length, z = ZEROS.length;
  for (let i = 0; i < n; i += z) a.set(n - i >= z ? ZEROS : ZEROS.subarray(0, n - i), i);
}
