import { Rng } from "../kernels/random.ts";
import { fmtShape } from "../kernels/shape.ts";
import { type Tensor, tensor } from "../kernels/tensor.ts";
import type { Dataset } from "../datasets/dataset.ts";

/** Splitting datasets and drawing shuffled batch indices. */

/** Number of samples in a dataset, checking x and y agree. */
export function datasetSize(d: Dataset): number {
  const n = d.x.shape[0];
  const ny = d.y instanceof Int32Array ? d.y.length : d.y.shape[0];
  if (n !== ny) {
    throw new Error(`dataset: x has ${n} samples (${fmtShape(d.x.shape)}) but y has ${ny} labels`);
  }
  return n;
}

/**
 * Keras' `validationSplit`: the last ⌊n·split⌋ samples (before any shuffling) become the
 * validation set. Returns index lists into the dataset.
 */
export function splitIndices(n: number, split: number): { train: Int32Array; val: Int32Array } {
  if (!(split >= 0 && split < 1)) throw new Error(`validationSplit ${split} must be in [0, 1)`);
  const nVal = Math.floor(n * split);
  const all = Int32Array.from({ length: n }, (_, i) => i);
  return { train: all.slice(0, n - nVal), val: all.slice(n - nVal) };
}

/**
 * An endless stream of batches of indices drawn from `pool`: a fresh seeded permutation each pass
 * (when `shuffle`), the last batch of a pass possibly smaller, like Keras.
 */
export class BatchStream {
  #rng: Rng;
  #order: Int32Array;
  #pos = 0;
  #fresh = true;
  constructor(
    readonly pool: Int32Array,
    readonly batchSize: number,
    readonly shuffle: boolean,
    seed: number,
  ) {
    if (!(batchSize >= 1)) throw new Error(`batchSize must be ≥ 1, got ${batchSize}`);
    if (pool.length === 0) {
      throw new Error("no training samples (check validationSplit and --limit)");
    }
    this.#rng = new Rng(seed);
    this.#order = pool.slice();
    this.#reshuffle();
  }
  #reshuffle(): void {
    if (this.shuffle) this.#rng.shuffle(this.#order);
    this.#pos = 0;
  }
  /** Batches per full pass over the pool. */
  get batchesPerPass(): number {
    return Math.ceil(this.pool.length / this.batchSize);
  }
  /** The next batch's indices. */
  next(): Int32Array {
    const w = this.nextWindow();
    return w.order.subarray(w.start, w.start + w.count);
  }
  /**
   * The next batch as a window [start, start+count) of the current pass's order; `newPass` says
   * the order was reshuffled, so a copy of it on the device must be refreshed (once per pass).
   */
  nextWindow(): { order: Int32Array; start: number; count: number; newPass: boolean } {
    const newPass = this.#pos >= this.#order.length || this.#fresh;
    if (this.#pos >= this.#order.length) this.#reshuffle();
    this.#fresh = false;
    const start = this.#pos;
    const count = Math.min(this.batchSize, this.#order.length - start);
    this.#pos += count;
    return { order: this.#order, start, count, newPass };
  }
  /** True when the next call starts a new pass. */
  get atPassEnd(): boolean {
    return this.#pos >= this.#order.length;
  }
}

/** Labels as a device tensor: int32 ids stay int32, float targets stay as they are. */
export function labelsTensor(y: Int32Array | Tensor): Tensor {
  return y instanceof Int32Array ? tensor(y) : y;
}
