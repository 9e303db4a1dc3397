/**
 * Image preprocessing, host-side on NHWC float32 arrays with Tensor wrappers: "fit then apply"
 * normalisers (mean image, per-channel mean/std, ZCA whitening) whose statistics come from the
 * training split only and are then applied unchanged to validation and test data, and seeded
 * augmentation (random crop with zero padding, horizontal flip).
 *
 * ```ts
 * const tr = await readImages(train.x);
 * const norm = channelNormalizer(tr.data, tr.shape); // fit on train
 * const testX = await norm.applyTensor(test.x);      // apply train statistics to test
 * ```
 * @module
 */
import { cropFlipDraw } from "../kernels/ops/augment.ts";
import { type Tensor, tensor } from "../kernels/tensor.ts";

/** Images on the host: values NHWC (any [N, ...] works for the normalisers) and their shape. */
export interface HostImages {
  /** The values, row-major. */
  data: Float32Array;
  /** [N, H, W, C] (or [N, ...]). */
  shape: number[];
}

/** A transform fitted on training data, applied unchanged to any split. */
export interface FittedTransform {
  /** The per-sample shape it was fitted on, e.g. [32, 32, 3]. */
  readonly sampleShape: readonly number[];
  /** Transforms N samples (`x.length` a multiple of the sample size) into a new array. */
  apply(x: Float32Array): Float32Array;
  /** The same on a tensor [N, ...sampleShape]; returns a new tensor on the current device. */
  applyTensor(x: Tensor): Promise<Tensor>;
}

/** A fitted mean-image subtraction; `mean` is the average training image. */
export interface MeanImage extends FittedTransform {
  /** The average training sample, [H·W·C] in NHWC order. */
  readonly mean: Float32Array;
}

/** A fitted per-channel normalisation; `mean`/`std` per channel, from the training split. */
export interface ChannelNormalizer extends FittedTransform {
  /** Training mean of each channel. */
  readonly mean: Float64Array;
  /** Training standard deviation (population, 1/N) of each channel. */
  readonly std: Float64Array;
}

/** A fitted ZCA whitening: x ↦ (x − mean)·W with W = U diag(1/√(λ+ε)) Uᵀ. */
export interface ZcaWhitener extends FittedTransform {
  /** The average training sample, flattened. */
  readonly mean: Float64Array;
  /** W, D×D row-major (symmetric). */
  readonly matrix: Float64Array;
  /** Eigenvalues λ of the training covariance, largest first. */
  readonly eigenvalues: Float64Array;
}

/**
 * Copies a tensor's values to the host as float32 with its shape.
 * Example: `const { data, shape } = await readImages(train.x);`
 */
export async function readImages(t: Tensor): Promise<HostImages> {
  const v = await t.data();
  return { data: v instanceof Float32Array ? v : Float32Array.from(v), shape: [...t.shape] };
}

function sampleShapeOf(x: Float32Array, shape: readonly number[], what: string): number[] {
  const size = shape.reduce((a, b) => a * b, 1);
  if (shape.length < 2 || size !== x.length || shape[0] < 1) {
    throw new RangeError(
      `${what}: shape [${shape}] (${size} values) does not describe ${x.length} values of ` +
        `at least one sample [N, ...]`,
    );
  }
  return shape.slice(1);
}

/** Builds `apply`/`applyTensor` around a per-array function, with the sample-size check. */
function fitted(
  what: string,
  sampleShape: number[],
  fn: (x: Float32Array, n: number) => Float32Array,
): FittedTransform {
  const d = sampleShape.reduce((a, b) => a * b, 1);
  const apply = (x: Float32Array) => {
    if (x.length % d !== 0) {
      throw new RangeError(
        `${what}: ${x.length} values are not whole samples of [${sampleShape}] (${d} each); ` +
          `apply it to data shaped like the training set it was fitted on`,
      );
    }
    return fn(x, x.length / d);
  };
  return {
    sampleShape,
    apply,
    async applyTensor(t: Tensor) {
      if (t.shape.slice(1).join() !== sampleShape.join()) {
        throw new RangeError(`${what}: tensor [${t.shape}] is not [N, ${sampleShape}]`);
      }
      return tensor(apply((await readImages(t)).data), [...t.shape]);
    },
  };
}

/**
 * Fits the per-pixel mean image of the training set; `apply` subtracts it (cs231n-style
 * preprocessing). Example: `const m = meanImage(trainX, [N, 32, 32, 3]); m.apply(testX)`.
 */
export function meanImage(trainX: Float32Array, shape: readonly number[]): MeanImage {
  const sampleShape = sampleShapeOf(trainX, shape, "meanImage");
  const n = shape[0];
  const d = trainX.length / n;
  const sum = new Float64Array(d);
  for (let s = 0; s < n; s++) {
    for (let j = 0; j < d; j++) sum[j] += trainX[s * d + j];
  }
  const mean = Float32Array.from(sum, (v) => v / n);
  const t = fitted("meanImage", sampleShape, (x) => {
    const out = new Float32Array(x.length);
    for (let i = 0; i < x.length; i++) out[i] = x[i] - mean[i % d];
    return out;
  });
  return { ...t, mean };
}

/**
 * Fits per-channel mean and standard deviation (the last axis is the channel, NHWC) on the
 * training set; `apply` maps each channel to (x − mean) / std. A constant channel (std 0) is
 * only centred. Example: `const norm = channelNormalizer(trainX, [N, 32, 32, 3]); norm.apply(x)`.
 */
export function channelNormalizer(
  trainX: Float32Array,
  shape: readonly number[],
): ChannelNormalizer {
  const sampleShape = sampleShapeOf(trainX, shape, "channelNormalizer");
  const c = shape[shape.length - 1];
  const count = trainX.length / c;
  const mean = new Float64Array(c);
  for (let i = 0; i < trainX.length; i++) mean[i % c] += trainX[i];
  for (let k = 0; k < c; k++) mean[k] /= count;
  // Two passes: the one-pass sum of squares loses digits when the mean is large.
  const variance = new Float64Array(c);
  for (let i = 0; i < trainX.length; i++) variance[i % c] += (trainX[i] - mean[i % c]) ** 2;
  const std = variance.map((v) => Math.sqrt(v / count));
  const scale = std.map((s) => (s > 0 ? 1 / s : 1));
  const t = fitted("channelNormalizer", sampleShape, (x) => {
    const out = new Float32Array(x.length);
    for (let i = 0; i < x.length; i++) out[i] = (x[i] - mean[i % c]) * scale[i % c];
    return out;
  });
  return { ...t, mean, std };
}

/**
 * Eigen-decomposition of a symmetric d×d matrix (row-major) by cyclic Jacobi rotations in
 * float64: simple and accurate to rounding, but O(d³) per sweep, so meant for d up to a few
 * hundred. Returns eigenvalues largest first and the matching unit eigenvectors as the columns
 * of `vectors` (row-major d×d). Example: `symmetricEigen([2, 1, 1, 2], 2).values` → [3, 1].
 */
export function symmetricEigen(
  matrix: ArrayLike<number>,
  d: number,
  opts: { maxSweeps?: number } = {},
): { values: Float64Array; vectors: Float64Array } {
  if (matrix.length !== d * d) {
    throw new RangeError(`symmetricEigen: ${matrix.length} values are not a ${d}×${d} matrix`);
  }
  const a = Float64Array.from(matrix);
  const v = new Float64Array(d * d);
  for (let i = 0; i < d; i++) v[i * d + i] = 1;
  let norm = 0;
  for (let i = 0; i < d * d; i++) norm += a[i] * a[i];
  const maxSweeps = opts.maxSweeps ?? 60;
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let off = 0;
    for (let p = 0; p < d; p++) for (let q = p + 1; q < d; q++) off += a[p * d + q] ** 2;
    if (off <= 1e-28 * norm) break;
    for (let p = 0; p < d - 1; p++) {
      for (let q = p + 1; q < d; q++) {
        const apq = a[p * d + q];
        const app = a[p * d + p];
        const aqq = a[q * d + q];
        // Below rounding of the diagonal a rotation changes nothing but costs O(d).
        if (Math.abs(apq) <= 1e-18 * (Math.abs(app) + Math.abs(aqq))) {
          a[p * d + q] = a[q * d + p] = 0;
          continue;
        }
        // The rotation angle that zeroes a[p][q]; t = tan of it, the smaller root for stability.
        const theta = (aqq - app) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < d; k++) {
          if (k === p || k === q) continue;
          const akp = a[k * d + p];
          const akq = a[k * d + q];
          a[k * d + p] = a[p * d + k] = c * akp - s * akq;
          a[k * d + q] = a[q * d + k] = s * akp + c * akq;
        }
        a[p * d + p] = app - t * apq;
        a[q * d + q] = aqq + t * apq;
        a[p * d + q] = a[q * d + p] = 0;
        for (let k = 0; k < d; k++) {
          const vkp = v[k * d + p];
          const vkq = v[k * d + q];
          v[k * d + p] = c * vkp - s * vkq;
          v[k * d + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: d }, (_, i) => i).sort((i, j) => a[j * d + j] - a[i * d + i]);
  const values = Float64Array.from(order, (i) => a[i * d + i]);
  const vectors = new Float64Array(d * d);
  for (let k = 0; k < d; k++) {
    for (let j = 0; j < d; j++) vectors[k * d + j] = v[k * d + order[j]];
  }
  return { values, vectors };
}

/**
 * Fits ZCA whitening on the training set: the covariance (1/N) of the flattened, centred
 * samples, its eigen-decomposition (see {@link symmetricEigen}), and
 * W = U diag(1/√(λ + ε)) Uᵀ; `apply` computes (x − mean)·W. ε (default 1e-2, suited to pixel
 * values in [0, 1]) keeps near-zero-variance directions from being blown up into noise.
 * Cost: N·D² to fit and apply and D³ per Jacobi sweep (D = H·W·C), so fit it on small images,
 * patches or a subsample. Example: `const zca = zcaWhitener(trainX, [N, 8, 8, 3], { epsilon: 0.1 })`.
 */
export function zcaWhitener(
  trainX: Float32Array,
  shape: readonly number[],
  opts: { epsilon?: number } = {},
): ZcaWhitener {
  const sampleShape = sampleShapeOf(trainX, shape, "zcaWhitener");
  const eps = opts.epsilon ?? 1e-2;
  if (!(eps >= 0)) throw new RangeError(`zcaWhitener: epsilon must be ≥ 0, got ${eps}`);
  const n = shape[0];
  const d = trainX.length / n;
  const mean = new Float64Array(d);
  for (let s = 0; s < n; s++) for (let j = 0; j < d; j++) mean[j] += trainX[s * d + j];
  for (let j = 0; j < d; j++) mean[j] /= n;
  const cov = new Float64Array(d * d);
  const v = new Float64Array(d);
  for (let s = 0; s < n; s++) {
    for (let j = 0; j < d; j++) v[j] = trainX[s * d + j] - mean[j];
    for (let i = 0; i < d; i++) {
      const vi = v[i];
      for (let j = i; j < d; j++) cov[i * d + j] += vi * v[j];
    }
  }
  for (let i = 0; i < d; i++) {
    for (let j = i; j < d; j++) cov[j * d + i] = cov[i * d + j] = cov[i * d + j] / n;
  }
  const { values, vectors } = symmetricEigen(cov, d);
  // Rounding can leave tiny negative eigenvalues on a singular covariance; they are zero.
  const scale = values.map((l) => {
    const denom = Math.sqrt(Math.max(l, 0) + eps);
    if (denom === 0) {
      throw new RangeError(
        "zcaWhitener: the training covariance is singular and epsilon is 0; use epsilon > 0",
      );
    }
    return 1 / denom;
  });
  const w = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = i; j < d; j++) {
      let sum = 0;
      for (let k = 0; k < d; k++) sum += vectors[i * d + k] * scale[k] * vectors[j * d + k];
      w[i * d + j] = w[j * d + i] = sum;
    }
  }
  const t = fitted("zcaWhitener", sampleShape, (x, count) => {
    const out = new Float32Array(x.length);
    const acc = new Float64Array(d);
    for (let s = 0; s < count; s++) {
      acc.fill(0);
      for (let i = 0; i < d; i++) {
        const vi = x[s * d + i] - mean[i];
        if (vi === 0) continue;
        for (let j = 0; j < d; j++) acc[j] += vi * w[i * d + j];
      }
      out.set(acc, s * d);
    }
    return out;
  });
  return { ...t, mean, matrix: w, eigenvalues: values };
}

/** Options of {@link augment}: what to draw and from which stream. */
export interface AugmentOptions {
  /** Zero padding on each side before a random crop back to H×W (default 0: no crop). */
  padding?: number;
  /** Flip each image left-right with probability ½ (default false). */
  flip?: boolean;
  /** Seed of the augmentation stream. */
  seed: number;
  /** An epoch or step counter: same seed and counter, same draws; another counter, new ones. */
  counter: number;
  /** Index of the first sample of `x` within the epoch, so batches draw as the whole would. */
  first?: number;
}

/** The random choices for one sample: content moves by (dy, dx), then flips if `flip`. */
export interface AugmentDraw {
  /** Rows the content moves down (negative: up), in [−padding, padding]. */
  dy: number;
  /** Columns the content moves right (negative: left), in [−padding, padding]. */
  dx: number;
  /** Whether the shifted image is then mirrored left-right. */
  flip: boolean;
}

/**
 * The draws for sample `index` (counted from `opts.first`): counter-based (PCG hash of seed,
 * counter and index), so any sample's augmentation is reproducible on its own, in any order,
 * and a GPU kernel could draw the same. Example: `augmentDraw(0, { padding: 4, seed: 1, counter: 0 })`.
 */
export function augmentDraw(index: number, opts: AugmentOptions): AugmentDraw {
  // One definition of the draws, shared with the cropFlip op that augments on either device.
  return cropFlipDraw(index, {
    padding: opts.padding ?? 0,
    flip: opts.flip === true,
    seed: opts.seed,
    counter: opts.counter,
    first: opts.first ?? 0,
  });
}

function nhwc(x: Float32Array, shape: readonly number[], what: string): number[] {
  if (shape.length !== 4 || shape.reduce((a, b) => a * b, 1) !== x.length) {
    throw new RangeError(
      `${what}: expected NHWC data [N, H, W, C] for ${x.length} values, got [${shape}]`,
    );
  }
  return [...shape];
}

/**
 * Random crop with zero padding and random horizontal flip of NHWC images: pad each image by
 * `padding` zeros, take an H×W window at a drawn offset (content moves by up to ±padding), then
 * maybe mirror it. Returns a new array. Example:
 * `augment(x, [N, 32, 32, 3], { padding: 4, flip: true, seed: 1, counter: epoch })`.
 */
export function augment(
  x: Float32Array,
  shape: readonly number[],
  opts: AugmentOptions,
): Float32Array {
  const [n, h, w, c] = nhwc(x, shape, "augment");
  const pad = opts.padding ?? 0;
  if (!(Number.isInteger(pad) && pad >= 0)) {
    throw new RangeError(`augment: padding must be a whole number ≥ 0, got ${pad}`);
  }
  const out = new Float32Array(x.length);
  const size = h * w * c;
  for (let s = 0; s < n; s++) {
    const { dy, dx, flip } = augmentDraw(s, opts);
    for (let y = 0; y < h; y++) {
      const sy = y - dy;
      if (sy < 0 || sy >= h) continue; // padding: stays zero
      for (let xo = 0; xo < w; xo++) {
        const sx = (flip ? w - 1 - xo : xo) - dx;
        if (sx < 0 || sx >= w) continue;
        const from = s * size + (sy * w + sx) * c;
        const to = s * size + (y * w + xo) * c;
        for (let k = 0; k < c; k++) out[to + k] = x[from + k];
      }
    }
  }
  return out;
}

/** Mirrors every NHWC image left-right. Example: `flipHorizontal(x, [N, 32, 32, 3])`. */
export function flipHorizontal(x: Float32Array, shape: readonly number[]): Float32Array {
  const [n, h, w, c] = nhwc(x, shape, "flipHorizontal");
  const out = new Float32Array(x.length);
  for (let r = 0; r < n * h; r++) {
    for (let xo = 0; xo < w; xo++) {
      const from = (r * w + (w - 1 - xo)) * c;
      out.set(x.subarray(from, from + c), (r * w + xo) * c);
    }
  }
  return out;
}

/**
 * {@link augment} on a tensor [N, H, W, C]; returns a new tensor.
 * Example: `const xb = await augmentTensor(batch, { padding: 4, flip: true, seed, counter: step })`.
 */
export async function augmentTensor(t: Tensor, opts: AugmentOptions): Promise<Tensor> {
  const { data, shape } = await readImages(t);
  return tensor(augment(data, shape, opts), shape);
}
