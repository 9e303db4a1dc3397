/**
 * Seeded 2-D toy sets: the four classification sets of the TensorFlow Playground (circle, xor,
 * gauss, spiral, generated the way the Playground does, with its noise scale 0–0.5), the RDFIA
 * "circles" set, and the Playground's input features (x1, x2, x1², x2², x1·x2, sin x1, sin x2).
 * The Playground's labels −1/+1 become 0/1 here.
 * @module
 */
import { Rng } from "../kernels/random.ts";
import { type Tensor, tensor } from "../kernels/tensor.ts";
import type { Dataset } from "./dataset.ts";

/** The Playground's input features, in its order. */
export const PLAYGROUND_FEATURES = [
  "x1",
  "x2",
  "x1^2",
  "x2^2",
  "x1x2",
  "sin x1",
  "sin x2",
] as const;

/** One of {@link PLAYGROUND_FEATURES}. */
export type FeatureName = typeof PLAYGROUND_FEATURES[number];

/** The four Playground classification sets. */
export type PlaygroundKind = "circle" | "xor" | "gauss" | "spiral";

/** Generated points before splitting: `points` [n, 2] as (x1, x2) pairs, labels 0/1. */
export interface Points2D {
  /** (x1, x2) of each point, interleaved: [n, 2]. */
  points: Float32Array;
  /** 0 or 1 per point. */
  labels: Int32Array;
  /** Number of points. */
  n: number;
}

/** One split: x [n, features] float32, y 0/1, and the raw (x1, x2) points [n, 2] for plots. */
export interface ToySplit extends Dataset {
  /** The features, float32 [n, features.length]. */
  x: Tensor;
  /** Labels 0/1. */
  y: Int32Array;
  /** The raw (x1, x2) points [n, 2], interleaved, for plotting. */
  points: Float32Array;
}

/** A toy set split into train and test, and the feature names that make up the columns of x. */
export interface ToyData {
  /** The first `floor(n·trainRatio)` shuffled points. */
  train: ToySplit;
  /** The other points. */
  test: ToySplit;
  /** The feature of each column of x. */
  features: FeatureName[];
}

/** Options shared by every toy set. */
export interface ToyOptions {
  /** Number of points in total (default 500, the Playground's). */
  n?: number;
  /** Fraction of the points used for training, in (0, 1] (default 0.5, the Playground's 50%). */
  trainRatio?: number;
  /** Seed of the generator and of the train/test shuffle (default 1). */
  seed?: number;
  /** The columns of x (default `["x1", "x2"]`). */
  features?: FeatureName[];
}

/** Options of the Playground sets. */
export interface PlaygroundOptions extends ToyOptions {
  /** The Playground's noise slider divided by 100: 0 to 0.5 (default 0). */
  noise?: number;
}

/** Options of {@link circles}. */
export interface CirclesOptions extends ToyOptions {
  /** Standard deviation of the Gaussian noise added to each coordinate (default 0.15). */
  noise?: number;
  /** Radius of the inner circle; the outer one has radius 1 (default 0.5). */
  factor?: number;
}

const uniform = (rng: Rng, a: number, b: number) => a + (b - a) * rng.uniform();

function checkCount(n: number): void {
  if (!Number.isInteger(n) || n < 2) throw new RangeError(`n must be a whole number ≥ 2, got ${n}`);
}

/** Fills points/labels through `push`, which keeps the bookkeeping out of the generators. */
function collector(n: number) {
  const out: Points2D = { points: new Float32Array(2 * n), labels: new Int32Array(n), n };
  let i = 0;
  return {
    out,
    push(x: number, y: number, label: boolean) {
      out.points[2 * i] = x;
      out.points[2 * i + 1] = y;
      out.labels[i++] = label ? 1 : 0;
    },
  };
}

/**
 * The points of a Playground set, drawn from `rng` (before any split). Class 1 comes first.
 * - circle: class 1 at radius < 2.5, class 0 in the ring 3.5–5; noise moves the point used for
 *   the label (not the plotted point), so it flips labels near the boundary, as the Playground.
 * - xor: uniform in [−5, 5]² pushed 0.3 away from the axes; label 1 where x1·x2 ≥ 0 (of the
 *   noisy point).
 * - gauss: blobs around (2, 2) (class 1) and (−2, −2); variance 0.5 at noise 0 up to 4 at 0.5.
 * - spiral: two arms 1.75 turns long, radius 0 to 5, the second rotated by π (class 0);
 *   noise adds up to ±noise to each coordinate.
 * Example: `playgroundPoints("xor", 200, 0, new Rng(1)).labels`.
 */
export function playgroundPoints(
  kind: PlaygroundKind,
  n: number,
  noise: number,
  rng: Rng,
): Points2D {
  checkCount(n);
  if (!(noise >= 0 && noise <= 0.5)) {
    throw new RangeError(`noise must be in [0, 0.5] (the Playground's 0–50%), got ${noise}`);
  }
  const { out, push } = collector(n);
  const half = Math.ceil(n / 2);
  const R = 5;
  switch (kind) {
    case "circle": {
      for (let i = 0; i < n; i++) {
        const inner = i < half;
        const r = inner ? uniform(rng, 0, R * 0.5) : uniform(rng, R * 0.7, R);
        const angle = uniform(rng, 0, 2 * Math.PI);
        const x = r * Math.sin(angle);
        const y = r * Math.cos(angle);
        const nx = uniform(rng, -R, R) * noise;
        const ny = uniform(rng, -R, R) * noise;
        push(x, y, Math.hypot(x + nx, y + ny) < R * 0.5);
      }
      break;
    }
    case "xor": {
      const pad = 0.3;
      for (let i = 0; i < n; i++) {
        let x = uniform(rng, -5, 5);
        x += x > 0 ? pad : -pad;
        let y = uniform(rng, -5, 5);
        y += y > 0 ? pad : -pad;
        const nx = uniform(rng, -5, 5) * noise;
        const ny = uniform(rng, -5, 5) * noise;
        push(x, y, (x + nx) * (y + ny) >= 0);
      }
      break;
    }
    case "gauss": {
      const sd = Math.sqrt(0.5 + 7 * noise);
      for (let i = 0; i < n; i++) {
        const c = i < half ? 2 : -2;
        push(c + sd * rng.normal(), c + sd * rng.normal(), i < half);
      }
      break;
    }
    case "spiral": {
      for (let arm = 0; arm < 2; arm++) {
        const count = arm === 0 ? half : n - half;
        for (let i = 0; i < count; i++) {
          const r = (i / count) * R;
          const t = 1.75 * (i / count) * 2 * Math.PI + arm * Math.PI;
          const x = r * Math.sin(t) + uniform(rng, -1, 1) * noise;
          const y = r * Math.cos(t) + uniform(rng, -1, 1) * noise;
          push(x, y, arm === 0);
        }
      }
      break;
    }
    default:
      throw new RangeError(
        `unknown Playground set "${kind}"; use circle, xor, gauss or spiral`,
      );
  }
  return out;
}

/**
 * The RDFIA "circles" points: class 1 on a circle of radius `factor`, class 0 around it on the
 * unit circle, each coordinate with Gaussian noise of standard deviation `noise`. With the
 * defaults (0.5, 0.15) the classes overlap a little, so a small net tops out near 95%.
 * Example: `circlesPoints(400, 0.15, 0.5, new Rng(1))`.
 */
export function circlesPoints(n: number, noise: number, factor: number, rng: Rng): Points2D {
  checkCount(n);
  if (!(noise >= 0)) throw new RangeError(`noise must be ≥ 0, got ${noise}`);
  if (!(factor > 0 && factor < 1)) throw new RangeError(`factor must be in (0, 1), got ${factor}`);
  const { out, push } = collector(n);
  const half = Math.ceil(n / 2);
  for (let i = 0; i < n; i++) {
    const r = i < half ? factor : 1;
    const angle = uniform(rng, 0, 2 * Math.PI);
    push(
      r * Math.cos(angle) + noise * rng.normal(),
      r * Math.sin(angle) + noise * rng.normal(),
      i < half,
    );
  }
  return out;
}

/**
 * The Playground's input features of (x1, x2) points: a float32 [n, names.length] matrix whose
 * column j is feature `names[j]`. Example: `playgroundFeatures(pts, ["x1", "x2", "x1x2"])`.
 */
export function playgroundFeatures(
  points: Float32Array,
  names: readonly FeatureName[],
): Float32Array {
  if (points.length % 2 !== 0) {
    throw new RangeError(`points must be (x1, x2) pairs, got ${points.length} values`);
  }
  if (names.length === 0) throw new RangeError("playgroundFeatures: no feature names given");
  const fns = names.map((name) => {
    switch (name) {
      case "x1":
        return (a: number, _b: number) => a;
      case "x2":
        return (_a: number, b: number) => b;
      case "x1^2":
        return (a: number, _b: number) => a * a;
      case "x2^2":
        return (_a: number, b: number) => b * b;
      case "x1x2":
        return (a: number, b: number) => a * b;
      case "sin x1":
        return (a: number, _b: number) => Math.sin(a);
      case "sin x2":
        return (_a: number, b: number) => Math.sin(b);
      default:
        throw new RangeError(
          `unknown feature "${name}"; use any of ${PLAYGROUND_FEATURES.join(", ")}`,
        );
    }
  });
  const n = points.length / 2;
  const k = fns.length;
  const out = new Float32Array(n * k);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) out[i * k + j] = fns[j](points[2 * i], points[2 * i + 1]);
  }
  return out;
}

/**
 * Shuffles points with `rng` and splits them: the first `floor(n·trainRatio)` train, the rest
 * test (as the Playground does), then builds the feature tensors.
 * Example: `splitToy(circlesPoints(400, 0.15, 0.5, rng), 0.5, rng, ["x1", "x2"])`.
 */
export function splitToy(
  p: Points2D,
  trainRatio: number,
  rng: Rng,
  features: readonly FeatureName[],
): ToyData {
  if (!(trainRatio > 0 && trainRatio <= 1)) {
    throw new RangeError(`trainRatio must be in (0, 1], got ${trainRatio}`);
  }
  const order = rng.permutation(p.n);
  const nTrain = Math.floor(p.n * trainRatio);
  const part = (from: number, to: number): ToySplit => {
    const m = to - from;
    const points = new Float32Array(2 * m);
    const y = new Int32Array(m);
    for (let i = 0; i < m; i++) {
      const s = order[from + i];
      points[2 * i] = p.points[2 * s];
      points[2 * i + 1] = p.points[2 * s + 1];
      y[i] = p.labels[s];
    }
    return { x: tensor(playgroundFeatures(points, features), [m, features.length]), y, points };
  };
  return { train: part(0, nTrain), test: part(nTrain, p.n), features: [...features] };
}

/**
 * A Playground set by name, split into train and test.
 * Example: `const { train, test } = playground("spiral", { noise: 0.1, features: ["x1", "x2"] });`
 */
export function playground(kind: PlaygroundKind, opts: PlaygroundOptions = {}): ToyData {
  const rng = new Rng(opts.seed ?? 1);
  const pts = playgroundPoints(kind, opts.n ?? 500, opts.noise ?? 0, rng);
  return splitToy(pts, opts.trainRatio ?? 0.5, rng, opts.features ?? ["x1", "x2"]);
}

/** The Playground's "circle" set. Example: `circle({ noise: 0.1, seed: 2 }).train.x`. */
export function circle(opts: PlaygroundOptions = {}): ToyData {
  return playground("circle", opts);
}

/** The Playground's "exclusive or" set. Example: `xor({ features: ["x1x2"] })`. */
export function xor(opts: PlaygroundOptions = {}): ToyData {
  return playground("xor", opts);
}

/** The Playground's two Gaussian blobs. Example: `gauss({ noise: 0.5 })`. */
export function gauss(opts: PlaygroundOptions = {}): ToyData {
  return playground("gauss", opts);
}

/** The Playground's two-arm spiral. Example: `spiral({ features: [...PLAYGROUND_FEATURES] })`. */
export function spiral(opts: PlaygroundOptions = {}): ToyData {
  return playground("spiral", opts);
}

/**
 * The RDFIA "circles" set (one class encircles the other), default 400 points split 50/50.
 * Not the Playground's `circle`: unit scale, Gaussian noise. Example: `circles({ seed: 3 })`.
 */
export function circles(opts: CirclesOptions = {}): ToyData {
  const rng = new Rng(opts.seed ?? 1);
  const pts = circlesPoints(opts.n ?? 400, opts.noise ?? 0.15, opts.factor ?? 0.5, rng);
  return splitToy(pts, opts.trainRatio ?? 0.5, rng, opts.features ?? ["x1", "x2"]);
}
