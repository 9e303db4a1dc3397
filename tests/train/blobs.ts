/**
 * The small classification set the fit and evaluate tests train on: two Gaussian blobs in 2-D.
 * @module
 */
import { Rng } from "../../kernels/random.ts";
import { type Tensor, tensor } from "../../kernels/tensor.ts";

/**
 * `n` points from `seed`, labels alternating 0/1: class 0 around (−1.5, 0), class 1 around
 * (1.5, 0), sd 0.5 on both axes, so a small net separates them within a few epochs.
 */
export function twoBlobs(n: number, seed: number): { x: Tensor; y: Int32Array } {
  const rng = new Rng(seed);
  const x = new Float32Array(2 * n), y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 2;
    x[2 * i] = rng.normal() * 0.5 + (y[i] ? 1.5 : -1.5);
    x[2 * i + 1] = rng.normal() * 0.5;
  }
  return { x: tensor(x, [n, 2]), y };
}
