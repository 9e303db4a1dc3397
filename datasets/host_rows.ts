/**
 * Labelled samples kept on the host as rows of one flat array, for the tasks whose nets are
 * written as plain loops (the hand-backward exercises), and the batches gathered from them.
 * @module
 */

/** `n` samples of `d` features as rows of `x` (float32 storage halves CIFAR's memory), labels `y`. */
export interface HostRows {
  x: Float32Array | Float64Array;
  y: Int32Array;
  n: number;
  d: number;
}

/**
 * Rows `idx` of `s.x` as a float64 [idx.length, d] matrix.
 * Example: `gatherRows({ x, y, n: 3, d: 2 }, [2, 0])` → rows 2 and 0 of `x`.
 */
export function gatherRows(s: HostRows, idx: ArrayLike<number>): Float64Array {
  const out = new Float64Array(idx.length * s.d);
  for (let i = 0; i < idx.length; i++) {
    const r = idx[i] * s.d;
    for (let j = 0; j < s.d; j++) out[i * s.d + j] = s.x[r + j];
  }
  return out;
}
