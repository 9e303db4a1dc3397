import type { ChannelStats } from "../ops/batch_norm_passes.ts";

/**
 * Batch-norm statistics kept from batchNormTrain's forward kernel for batchNormGradStats of the
 * same input, as cols_cache.ts keeps conv columns: the backward needs the mean and 1/√(var + ε)
 * the forward computed, and recomputing them costs two passes over the activation. The values
 * are the ones the same passes give again on the same storage, so a hit changes no bit.
 *
 * Entries are keyed by the input's storage array, the channel count, ε and whether the WASM
 * passes ran (tests switch them off between calls). The CPU backend drops an entry when that
 * storage is freed or updated in place, so recycled arrays never serve stale statistics. At most
 * MAX_ENTRIES are held (a few per-channel arrays each); past it the oldest go first.
 */

/** Most entries held at once. */
const MAX_ENTRIES = 256;

interface Entry {
  c: number;
  epsilon: number;
  wasm: boolean;
  stats: ChannelStats;
}

const entries = new Map<unknown, Entry>();

/** Cache counters (tests and benchmarks read them). */
export const bnStatsCacheStats = { hits: 0, misses: 0, kept: 0 };

/** Keeps the statistics the forward pass computed for storage `x`. */
export function keepStats(
  x: unknown,
  c: number,
  epsilon: number,
  wasm: boolean,
  stats: ChannelStats,
): void {
  entries.delete(x);
  entries.set(x, { c, epsilon, wasm, stats });
  bnStatsCacheStats.kept++;
  while (entries.size > MAX_ENTRIES) entries.delete(entries.keys().next().value);
}

/**
 * The statistics kept for storage `x` with the same channels, ε and passes, else undefined. The
 * entry stays (a second backward pass through the same forward may ask again).
 */
export function findStats(
  x: unknown,
  c: number,
  epsilon: number,
  wasm: boolean,
): ChannelStats | undefined {
  const e = entries.get(x);
  if (!e || e.c !== c || e.epsilon !== epsilon || e.wasm !== wasm) {
    bnStatsCacheStats.misses++;
    return undefined;
  }
  bnStatsCacheStats.hits++;
  return e.stats;
}

/** Forgets the statistics of `x` (its storage was freed or is being changed in place). */
export function dropStats(x: unknown): void {
  entries.delete(x);
}

/** Empties the cache. */
export function clearStats(): void {
  entries.clear();
}
