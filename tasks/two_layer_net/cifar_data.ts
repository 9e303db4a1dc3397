/**
 * CIFAR-10 as the assignment prepares it for the two-layer net: raw pixels 0–255 flattened to
 * 3072 features, train / validation / test splits (validation = the training samples after the
 * first `numTrain`), and the mean training image subtracted from all three.
 * @module
 */
import { type DataOrigin, loadCifar } from "../cifar10_common.ts";
import type { HostRows } from "../../datasets/host_rows.ts";

/** Split sizes; the assignment's are 49000 / 1000 / 1000. */
export interface SplitSizes {
  numTrain: number;
  numVal: number;
  numTest: number;
}

/** The assignment's split sizes. */
export const FULL_SPLITS: SplitSizes = { numTrain: 49000, numVal: 1000, numTest: 1000 };

/** What {@link loadCifarSplits} returns. */
export interface CifarSplits extends DataOrigin {
  train: HostRows;
  val: HostRows;
  test: HostRows;
  /** The mean training image that was subtracted (float64, 3072 values, NHWC order). */
  mean: Float64Array;
}

/**
 * Loads CIFAR-10 (or, when absent, the seeded stand-in of the same shape) and prepares it.
 * Pixels are rounded back to integers 0–255 (the loader stores byte/255 in float32); the centred
 * values are kept in float32, which is exact to ~1e-5 and halves the memory of 50000 images.
 * Example: `await loadCifarSplits({ ...FULL_SPLITS, seed: 1 })`.
 */
export async function loadCifarSplits(
  o: SplitSizes & { dataDir?: string; seed: number },
): Promise<CifarSplits> {
  const d = await loadCifar({
    dataDir: o.dataDir,
    limit: o.numTrain + o.numVal,
    limitTest: o.numTest,
    seed: o.seed,
  });
  const trainAll = toRawPixels(d.train.x.shape[0], await d.train.x.data());
  const testAll = toRawPixels(d.test.x.shape[0], await d.test.x.data());
  d.train.x.dispose();
  d.test.x.dispose();
  const n = d.train.y.length;
  if (n < o.numTrain + o.numVal || d.test.y.length < o.numTest) {
    throw new Error(
      `two-layer-net: asked for ${o.numTrain}+${o.numVal} training and ${o.numTest} test ` +
        `samples, the data has ${n} and ${d.test.y.length}`,
    );
  }
  const dim = 3072;
  const mean = new Float64Array(dim);
  for (let i = 0; i < o.numTrain; i++) {
    for (let j = 0; j < dim; j++) mean[j] += trainAll[i * dim + j];
  }
  for (let j = 0; j < dim; j++) mean[j] /= o.numTrain;
  const split = (src: Float32Array, y: Int32Array, start: number, count: number): HostRows => {
    const x = new Float32Array(count * dim);
    for (let i = 0; i < count; i++) {
      for (let j = 0; j < dim; j++) x[i * dim + j] = src[(start + i) * dim + j] - mean[j];
    }
    return { x, y: y.slice(start, start + count), n: count, d: dim };
  };
  return {
    train: split(trainAll, d.train.y, 0, o.numTrain),
    val: split(trainAll, d.train.y, o.numTrain, o.numVal),
    test: split(testAll, d.test.y, 0, o.numTest),
    mean,
    source: d.source,
    standIn: d.standIn,
    notice: d.notice,
  };
}

/** byte/255 floats back to the integer pixel values, in place. */
function toRawPixels(n: number, data: ArrayLike<number>): Float32Array {
  const out = data instanceof Float32Array ? data : Float32Array.from(data);
  if (out.length !== n * 3072) throw new Error(`expected ${n}×3072 pixels, got ${out.length}`);
  for (let i = 0; i < out.length; i++) out[i] = Math.round(out[i] * 255);
  return out;
}
