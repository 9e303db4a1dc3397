/**
 * Input preprocessing of the CIFAR-10 tasks, fitted on the training split only and applied
 * unchanged to the test split: per-channel standardisation (RDFIA), the MATLAB starter's mean
 * RGB triplet subtraction on the 0–255 scale, and ZCA whitening as a local filter.
 * Each returns new splits and frees the tensors it replaced.
 * @module
 */
import { fromHost } from "../kernels/engine.ts";
import { Rng } from "../kernels/random.ts";
import type { Tensor } from "../kernels/tensor.ts";
import { channelNormalizer, readImages, zcaWhitener } from "../datasets/transforms.ts";
import type { ImageDataset } from "../datasets/dataset.ts";

/** Train and test splits. */
export interface Splits {
  train: ImageDataset;
  test: ImageDataset;
}

/** Replaces x by `fn(host values)` without a second device copy, freeing the old tensor. */
async function mapX(d: ImageDataset, fn: (x: Float32Array) => Float32Array): Promise<void> {
  const { data, shape } = await readImages(d.x);
  const old: Tensor = d.x;
  d.x = fromHost(fn(data), shape, "float32");
  old.dispose();
}

/**
 * (x − mean) / std per channel with the training split's statistics (the RDFIA normalisation).
 * Returns the statistics for metrics.json.
 */
export async function standardizeChannels(s: Splits): Promise<{ mean: number[]; std: number[] }> {
  const tr = await readImages(s.train.x);
  const norm = channelNormalizer(tr.data, tr.shape);
  await mapX(s.train, (x) => norm.apply(x));
  await mapX(s.test, (x) => norm.apply(x));
  return { mean: [...norm.mean], std: [...norm.std] };
}

/**
 * The MATLAB starter's preprocessing: pixels on the 0–255 scale minus the training split's mean
 * RGB triplet (`bsxfun(@minus, x, mean(mean(mean(x,1),2),4))`). Returns the triplet.
 */
export async function subtractMeanTriplet255(s: Splits): Promise<number[]> {
  const tr = await readImages(s.train.x);
  const mean = [...channelNormalizer(tr.data, tr.shape).mean].map((m) => m * 255);
  const shift = (x: Float32Array) => x.map((v, i) => v * 255 - mean[i % 3]);
  await mapX(s.train, shift);
  await mapX(s.test, shift);
  return mean;
}

/** Options of {@link zcaFilter}. */
export interface ZcaFilterOptions {
  /** Side of the square patches the whitening is fitted on (odd; default 5 → 75 dimensions). */
  patch?: number;
  /** Patches drawn from the training split to fit on (default 20000). */
  samples?: number;
  /** ε added to the eigenvalues (default 1e-2, for pixels in [0, 1]). */
  epsilon?: number;
  seed: number;
}

/**
 * ZCA whitening as a local filter. Full-image ZCA would need the 3072×3072 covariance and its
 * eigenvectors (Jacobi sweeps of ~3·10¹⁰ operations each, hours here), so the whitening matrix is
 * fitted on random p×p patches of the training split instead; each pixel's output is the row of
 * that matrix for the patch's centre, applied to the p×p neighbourhood (pixels outside the image
 * count as the mean). For natural images ZCA is nearly local, so this keeps its effect
 * (decorrelated, edge-like inputs) at a cost of 3·p²·3 operations per pixel.
 */
export async function zcaFilter(
  s: Splits,
  o: ZcaFilterOptions,
): Promise<{ patch: number; eps: number }> {
  const p = o.patch ?? 5;
  if (!(Number.isInteger(p) && p % 2 === 1 && p <= 31)) {
    throw new RangeError(`zcaFilter: patch must be an odd whole number ≤ 31, got ${p}`);
  }
  const eps = o.epsilon ?? 1e-2;
  const tr = await readImages(s.train.x);
  const [n, h, w] = tr.shape;
  const count = o.samples ?? 20000;
  const d = p * p * 3;
  const patches = new Float32Array(count * d);
  const rng = new Rng(o.seed);
  for (let k = 0; k < count; k++) {
    const img = rng.int(n), y0 = rng.int(h - p + 1), x0 = rng.int(w - p + 1);
    for (let dy = 0; dy < p; dy++) {
      const from = ((img * h + y0 + dy) * w + x0) * 3;
      patches.set(tr.data.subarray(from, from + p * 3), k * d + dy * p * 3);
    }
  }
  const zca = zcaWhitener(patches, [count, p, p, 3], { epsilon: eps });
  // Rows of W for the centre pixel's three channels: the filter of each output channel.
  const centre = ((p * p - 1) / 2) * 3;
  const filt = new Float64Array(3 * d);
  for (let k = 0; k < 3; k++) {
    filt.set(zca.matrix.subarray((centre + k) * d, (centre + k + 1) * d), k * d);
  }
  const mean = zca.mean;
  const r = (p - 1) / 2;
  const apply = (x: Float32Array) => {
    const out = new Float32Array(x.length);
    const m = x.length / (h * w * 3);
    for (let i = 0; i < m; i++) {
      const base = i * h * w * 3;
      for (let y = 0; y < h; y++) {
        for (let xx = 0; xx < w; xx++) {
          let a0 = 0, a1 = 0, a2 = 0;
          for (let dy = -r; dy <= r; dy++) {
            const sy = y + dy;
            if (sy < 0 || sy >= h) continue;
            for (let dx = -r; dx <= r; dx++) {
              const sx = xx + dx;
              if (sx < 0 || sx >= w) continue;
              const j = ((dy + r) * p + dx + r) * 3;
              const at = base + (sy * w + sx) * 3;
              for (let c = 0; c < 3; c++) {
                const v = x[at + c] - mean[j + c];
                a0 += filt[j + c] * v;
                a1 += filt[d + j + c] * v;
                a2 += filt[2 * d + j + c] * v;
              }
            }
          }
          const o3 = base + (y * w + xx) * 3;
          out[o3] = a0;
          out[o3 + 1] = a1;
          out[o3 + 2] = a2;
        }
      }
    }
    return out;
  };
  await mapX(s.train, apply);
  await mapX(s.test, apply);
  return { patch: p, eps };
}
