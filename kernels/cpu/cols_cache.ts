import type { FloatArray } from "../dtype.ts";
import { loadedWasmHeap, wasmKernels } from "./wasm/module.ts";

/**
 * Column matrices kept from a conv2d forward pass for the filter gradient of the same input, as
 * PyTorch's im2col convolution keeps its `finput`: a training step builds the im2col matrix of
 * each conv input twice otherwise (forward and filter gradient), and that copy costs as much as
 * the GEMM on the CPU (bench/profile_ops.ts).
 *
 * Entries are keyed by the input's storage array and the conv geometry. The CPU backend drops an
 * entry when that storage is freed or updated in place, so a recycled array can never serve
 * stale columns. Held columns (entries and spare arrays for reuse) are capped at
 * COLS_CACHE_MAX_VALUES; past it the oldest go first, and a forward pass that would not fit
 * simply does not keep its columns.
 *
 * Float32 columns are allocated in the WASM heap when it is available, so the WASM im2col can
 * write them; every path that lets go of an array (eviction, drop, clear) returns those regions.
 */

/** Most float values held at once: 48 M (192 MB of float32). */
export const COLS_CACHE_MAX_VALUES = 48 * 1024 * 1024;

const entries = new Map<FloatArray, { key: string; cols: FloatArray }>();
/** Arrays whose entries were consumed, kept for the next forward pass of the same size. */
let spares: FloatArray[] = [];
let held = 0;

/** Cache counters (tests and benchmarks read them). */
export const colsCacheStats = { hits: 0, misses: 0, kept: 0 };

/** Lets go of a column array: WASM heap regions go back to the heap, the rest to the GC. */
function discard(cols: FloatArray): void {
  const heap = loadedWasmHeap();
  if (heap?.owns(cols)) heap.release(cols as Float32Array);
}

function evictFor(n: number): boolean {
  if (n > COLS_CACHE_MAX_VALUES) return false;
  while (held + n > COLS_CACHE_MAX_VALUES && spares.length > 0) {
    const s = spares.shift()!;
    held -= s.length;
    discard(s);
  }
  for (const [x, e] of entries) {
    if (held + n <= COLS_CACHE_MAX_VALUES) break;
    entries.delete(x);
    held -= e.cols.length;
    discard(e.cols);
  }
  return held + n <= COLS_CACHE_MAX_VALUES;
}

/**
 * An array of exactly n values of `like`'s type for a forward pass to fill and keep, or
 * undefined when n values cannot be held. Reuses a spare of the same size when there is one.
 */
export function colsForKeeping(like: FloatArray, n: number): FloatArray | undefined {
  const f64 = like instanceof Float64Array;
  const at = spares.findIndex((s) => s.length === n && (s instanceof Float64Array) === f64);
  if (at >= 0) {
    const [s] = spares.splice(at, 1);
    held -= s.length;
    return s;
  }
  if (!evictFor(n)) return undefined;
  if (f64) return new Float64Array(n);
  return wasmKernels()?.heap.alloc(n) ?? new Float32Array(n);
}

/** Keeps `cols` (from `colsForKeeping`) as the column matrix of input `x` under `key`. */
export function keepCols(x: FloatArray, key: string, cols: FloatArray): void {
  dropCols(x);
  if (!evictFor(cols.length)) return discard(cols);
  entries.set(x, { key, cols });
  held += cols.length;
  colsCacheStats.kept++;
}

/**
 * The column matrix kept for `x` under `key`, removed from the cache; call `recycleCols` when
 * done with it. Undefined on a miss.
 */
export function takeCols(x: FloatArray, key: string): FloatArray | undefined {
  const e = entries.get(x);
  if (!e || e.key !== key) {
    colsCacheStats.misses++;
    return undefined;
  }
  entries.delete(x);
  held -= e.cols.length;
  colsCacheStats.hits++;
  return e.cols;
}

/** Returns a column matrix from `takeCols` for reuse by a later forward pass. */
export function recycleCols(cols: FloatArray): void {
  if (!evictFor(cols.length)) return discard(cols);
  spares.push(cols);
  held += cols.length;
}

/** Forgets the columns of `x` (its storage was freed or is being changed in place). */
export function dropCols(x: unknown): void {
  const e = entries.get(x as FloatArray);
  if (!e) return;
  entries.delete(x as FloatArray);
  held -= e.cols.length;
  discard(e.cols);
}

/** Empties the cache and its spares. */
export function clearCols(): void {
  for (const e of entries.values()) discard(e.cols);
  for (const s of spares) discard(s);
  entries.clear();
  spares = [];
  held = 0;
}
