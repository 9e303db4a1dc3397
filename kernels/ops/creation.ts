import type { DType } from "../dtype.ts";
import { runOp } from "../engine.ts";
import { defineOp } from "../op.ts";
import { pcgHash } from "../random.ts";
import { checkShape, fmtShape } from "../shape.ts";
import { type Tensor, tensor } from "../tensor_core.ts";

/**
 * Tensors made from nothing: arange, linspace and eye are built on the host and uploaded
 * (constants, like zeros and fill: the same bytes on every device, no kernel); randomUniform
 * and randomNormal are the op `random`, drawn on the device from the counter-based PCG hash
 * (kernels/random.ts), so a seed gives the same numbers on the CPU and on WebGPU.
 */

function floatDtype(name: string, dtype: DType): void {
  if (dtype === "int32" && name.startsWith("random")) {
    throw new Error(`${name}: draws floats; use dtype "float32" (or "float64" on the CPU)`);
  }
}

/**
 * Evenly spaced values in [start, stop) by `step` (NumPy `arange`, TF.js `range`); with one
 * argument the range is [0, stop). Value i is start + i·step. Example: `arange(5)` is
 * [0, 1, 2, 3, 4]; `arange(1, 2, 0.25)` is [1, 1.25, 1.5, 1.75].
 */
export function arange(start: number, stop?: number, step = 1, dtype: DType = "float32"): Tensor {
  if (stop === undefined) [start, stop] = [0, start];
  if (!(step !== 0 && Number.isFinite(step) && Number.isFinite(start) && Number.isFinite(stop))) {
    throw new Error(
      `arange: start ${start}, stop ${stop} and step ${step} must be finite, step ≠ 0`,
    );
  }
  const n = Math.max(0, Math.ceil((stop - start) / step));
  return tensor(Array.from({ length: n }, (_, i) => start + i * step), [n], dtype);
}

/** TF.js's name for {@link arange}: `range(start, stop, step, dtype)`. */
export function range(start: number, stop: number, step = 1, dtype: DType = "float32"): Tensor {
  return arange(start, stop, step, dtype);
}

/**
 * `num` evenly spaced values from `start` to `stop`, both included (NumPy, TF.js and PyTorch
 * `linspace`). Example: `linspace(0, 1, 5)` is [0, 0.25, 0.5, 0.75, 1].
 */
export function linspace(
  start: number,
  stop: number,
  num: number,
  dtype: DType = "float32",
): Tensor {
  if (!Number.isInteger(num) || num < 0) {
    throw new Error(`linspace: num ${num} must be a whole number ≥ 0`);
  }
  const d = num > 1 ? (stop - start) / (num - 1) : 0;
  // The last value is `stop` exactly, not start + (num−1)·d.
  const v = Array.from(
    { length: num },
    (_, i) => (i === num - 1 && num > 1 ? stop : start + i * d),
  );
  return tensor(v, [num], dtype);
}

/**
 * The identity matrix [n, m] (m defaults to n): ones on the diagonal (TF.js, NumPy and PyTorch
 * `eye`). Example: `eye(3)`.
 */
export function eye(n: number, m = n, dtype: DType = "float32"): Tensor {
  checkShape([n, m], "eye");
  const v = new Array<number>(n * m).fill(0);
  for (let i = 0; i < Math.min(n, m); i++) v[i * m + i] = 1;
  return tensor(v, [n, m], dtype);
}

/** Attributes of random: the distribution, its two parameters, shape, seed and dtype. */
export interface RandomAttrs {
  /** Output shape. */
  shape: number[];
  /** uniform: a + (b − a)·u for u in [0, 1); normal: a + b·z for a standard normal z. */
  dist: "uniform" | "normal";
  /** uniform: the low end; normal: the mean. */
  a: number;
  /** uniform: the high end (excluded); normal: the standard deviation. */
  b: number;
  /**
   * Stream of the counter-based generator: the same seed draws the same numbers on every device.
   */
  seed: number;
  /** Output dtype: "float32" or "float64". */
  dtype: DType;
}

/**
 * Uniform u of element i: the top 24 bits of the PCG hash of counter i, so u is exact in
 * float32 and every backend sees the same u (in [0, 1), steps of 2⁻²⁴).
 */
export function randomUnit(seedHash: number, i: number): number {
  return (pcgHash((i ^ seedHash) >>> 0) >>> 8) / 16777216;
}

/**
 * A standard normal by Box–Muller from counters 2i and 2i+1: √(−2 ln(1 − u₁)) · −cos(2π(u₂ − ½)),
 * the angle kept in [−π, π) where GPU cosines are accurate; 1 − u₁ is in (0, 1], so no log 0.
 */
export function randomNormalAt(seedHash: number, i: number): number {
  const u1 = randomUnit(seedHash, 2 * i), u2 = randomUnit(seedHash, 2 * i + 1);
  return Math.sqrt(-2 * Math.log(1 - u1)) * -Math.cos(2 * Math.PI * (u2 - 0.5));
}

const randomDef = defineOp<RandomAttrs>({
  name: "random",
  infer: (_inputs, { shape, dtype, dist }) => {
    checkShape(shape, "random");
    floatDtype(dist === "uniform" ? "randomUniform" : "randomNormal", dtype);
    return { shape: [...shape], dtype };
  },
  cpu: (_inputs, { dist, a, b, seed }, out) => {
    const h = pcgHash(seed);
    for (let i = 0; i < out.length; i++) {
      out[i] = dist === "uniform" ? a + (b - a) * randomUnit(h, i) : a + b * randomNormalAt(h, i);
    }
  },
  noGradReason: "a random constant with no inputs",
  tests: [
    {
      name: "uniform 3x7 in [-2, 3)",
      inputs: [],
      attrs: { shape: [3, 7], dist: "uniform", a: -2, b: 3, seed: 5, dtype: "float32" },
    },
    {
      name: "normal 500, mean 1, stddev 2",
      inputs: [],
      attrs: { shape: [500], dist: "normal", a: 1, b: 2, seed: 77, dtype: "float32" },
    },
  ],
});

// Draws without an explicit seed take the next seed of one fixed stream: a program gets the
// same numbers every run, and two draws in a row differ.
let nextSeed = 0x5eed;
function seedOf(seed: number | undefined): number {
  if (seed === undefined) return pcgHash(nextSeed++);
  if (!Number.isInteger(seed)) throw new Error(`random: seed ${seed} must be an integer`);
  return seed >>> 0;
}

function draw(
  shape: number[],
  dist: RandomAttrs["dist"],
  a: number,
  b: number,
  dtype: DType,
  seed: number | undefined,
): Tensor {
  return runOp(randomDef, [], { shape: [...shape], dist, a, b, seed: seedOf(seed), dtype });
}

/**
 * Values drawn uniformly from [minval, maxval) (TF.js `randomUniform`), fixed by `seed`
 * (without one: the next seed of a fixed stream, so runs repeat). Example:
 * `randomUniform([2, 3], -1, 1, "float32", 42)`.
 */
export function randomUniform(
  shape: number[],
  minval = 0,
  maxval = 1,
  dtype: DType = "float32",
  seed?: number,
): Tensor {
  if (!(minval <= maxval)) {
    throw new Error(
      `randomUniform: minval ${minval} is above maxval ${maxval} for ${fmtShape(shape)}`,
    );
  }
  return draw(shape, "uniform", minval, maxval, dtype, seed);
}

/**
 * Normally distributed values (TF.js `randomNormal`), fixed by `seed` like
 * {@link randomUniform}. Example: `randomNormal([128, 64], 0, 0.02, "float32", 1)`.
 */
export function randomNormal(
  shape: number[],
  mean = 0,
  stdDev = 1,
  dtype: DType = "float32",
  seed?: number,
): Tensor {
  if (!(stdDev >= 0)) throw new Error(`randomNormal: stdDev ${stdDev} must be ≥ 0`);
  return draw(shape, "normal", mean, stdDev, dtype, seed);
}
