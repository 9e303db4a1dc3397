import type { DType } from "../../kernels/dtype.ts";
import type { OpDef, OpTestCase } from "../../kernels/op.ts";
import { Rng } from "../../kernels/random.ts";
import { sizeOf } from "../../kernels/shape.ts";
import { type Tensor, tensor } from "../../kernels/tensor.ts";

/** Host data for one registry test case: random, seeded, respecting each input's constraints. */
export function caseData(c: OpTestCase<unknown>, seed: number): Float64Array[] | Int32Array[] {
  const rng = new Rng(seed);
  return c.inputs.map((spec) => {
    const n = sizeOf(spec.shape);
    if (spec.int !== undefined) {
      return Int32Array.from({ length: n }, () => rng.int(spec.int!));
    }
    if (spec.distinct) {
      // A shuffled grid keeps values ≥ 0.05 apart, so max/argmax never sit on a tie.
      const p = rng.permutation(n);
      return Float64Array.from(p, (v) => (v - n / 2) * 0.05 + rng.uniform() * 0.01);
    }
    if (spec.positive) return Float64Array.from({ length: n }, () => 0.5 + rng.uniform());
    return Float64Array.from({ length: n }, () => rng.normal());
  }) as Float64Array[];
}

/** Tensors for a case, float inputs in `dtype`. */
export function caseTensors(
  c: OpTestCase<unknown>,
  data: ArrayLike<number>[],
  dtype: DType,
): Tensor[] {
  return c.inputs.map((spec, i) =>
    spec.int !== undefined
      ? tensor(Int32Array.from(data[i]), spec.shape)
      : tensor(Float64Array.from(data[i]), spec.shape, dtype)
  );
}

/** The kinds of special value the parity tests plant in float inputs. */
export type SpecialKind = "nan" | "inf" | "zero";

/** Values each kind plants (inputs marked `positive` get no −∞: log and sqrt's domain). */
const SPECIALS: Record<SpecialKind, number[]> = {
  nan: [NaN],
  inf: [Infinity, -Infinity],
  zero: [-0, 0],
};

/** Every special kind, for test loops. */
export const SPECIAL_KINDS = Object.keys(SPECIALS) as SpecialKind[];

/**
 * `caseData` with about a quarter of every float input's entries (at least one) replaced by
 * values of `kind`, at seeded positions: NaN, ±∞ or ±0 where the ops' IEEE rules apply
 * (docs/ARCHITECTURE.md, "Numerics"). Int inputs (indices) are left as they are.
 */
export function specialCaseData(
  c: OpTestCase<unknown>,
  seed: number,
  kind: SpecialKind,
): Float64Array[] | Int32Array[] {
  const data = caseData(c, seed);
  const rng = new Rng(seed + 7919);
  c.inputs.forEach((spec, i) => {
    const d = data[i];
    if (spec.int !== undefined || d.length === 0) return;
    const values = SPECIALS[kind].filter((v) => !(spec.positive && v === -Infinity));
    let planted = 0;
    for (let j = 0; j < d.length; j++) {
      if (rng.uniform() < 0.25) d[j] = values[planted++ % values.length];
    }
    if (planted === 0) d[rng.int(d.length)] = values[0];
  });
  return data;
}

/**
 * Max |a − b| over max(|b|, floor) on the finite entries, or Infinity when a and b disagree on
 * any special value: NaN where the other is not, a different infinity, or (with `signedZeros`)
 * zeros of different sign. The parity tests bound the result by their usual tolerance.
 */
export function specialAwareError(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  floor: number,
  signedZeros = true,
): number {
  if (a.length !== b.length) return Infinity;
  let scale = floor, diff = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i], y = b[i];
    if (Number.isNaN(x) || Number.isNaN(y)) {
      if (Number.isNaN(x) !== Number.isNaN(y)) return Infinity;
      continue;
    }
    if (!Number.isFinite(x) || !Number.isFinite(y)) {
      if (x !== y) return Infinity;
      continue;
    }
    if (signedZeros && x === 0 && y === 0 && Object.is(x, -0) !== Object.is(y, -0)) {
      return Infinity;
    }
    scale = Math.max(scale, Math.abs(y));
    diff = Math.max(diff, Math.abs(x - y));
  }
  return diff / scale;
}

/** The first index where `specialAwareError` sees a disagreement, for messages (−1: none). */
export function firstSpecialMismatch(a: ArrayLike<number>, b: ArrayLike<number>): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (specialAwareError([a[i]], [b[i]], 1) === Infinity) return i;
  }
  return -1;
}

/**
 * `caseData` with one value of the first `index` input (indices, class ids in [0, int)) moved
 * out of range to `bad(int)`, at a seeded position: the ops must refuse it with the same error on
 * every backend (docs/ARCHITECTURE.md, "Out-of-range indices"). Undefined when the case has
 * no int input.
 */
export function outOfRangeCaseData(
  c: OpTestCase<unknown>,
  seed: number,
  bad: (n: number) => number,
): { data: Float64Array[] | Int32Array[]; value: number; at: number } | undefined {
  const i = c.inputs.findIndex((s) => s.index && s.int !== undefined && sizeOf(s.shape) > 0);
  if (i < 0) return undefined;
  const data = caseData(c, seed);
  const at = new Rng(seed + 31).int(data[i].length);
  const value = bad(c.inputs[i].int!);
  data[i][at] = value;
  return { data, value, at };
}

/** Out-of-range values the tests plant: the bound itself, past it, −1 and −4. */
export const OUT_OF_RANGE: { name: string; bad: (n: number) => number }[] = [
  { name: "n", bad: (n) => n },
  { name: "n+3", bad: (n) => n + 3 },
  { name: "-1", bad: () => -1 },
  { name: "-4", bad: () => -4 },
];

/** Ways to empty a case's inputs, tried in order: the batch of every input, of the first, the last axis. */
const EMPTYINGS: ((shape: number[], i: number) => number[])[] = [
  (s) => (s.length ? [0, ...s.slice(1)] : s),
  (s, i) => (i === 0 && s.length ? [0, ...s.slice(1)] : s),
  (s) => (s.length ? [...s.slice(0, -1), 0] : s),
];

/** The case's `shape` attribute (creation ops, broadcastTo), if it has one. */
function shapeAttr(c: OpTestCase<unknown>): number[] | undefined {
  const s = (c.attrs as { shape?: unknown } | undefined)?.shape;
  return Array.isArray(s) && s.every((d) => typeof d === "number") ? s : undefined;
}

/**
 * Case `c` with empty inputs, for the empty-tensor parity tests: the first of {@link EMPTYINGS}
 * that changes the case and that the op's shape rule accepts (an op that refuses empty input,
 * such as max over an empty axis, is tried on another axis); an op whose output shape is an
 * attribute gets its first axis emptied with the inputs'. Undefined when the case is already
 * empty or no way is accepted.
 */
export function emptyCase(
  op: OpDef<unknown>,
  c: OpTestCase<unknown>,
): OpTestCase<unknown> | undefined {
  if (c.inputs.some((s) => sizeOf(s.shape) === 0)) return undefined;
  const shape = shapeAttr(c);
  const tries = EMPTYINGS.map((f) => ({ f, attrs: c.attrs }));
  if (shape?.length) {
    tries.push({ f: EMPTYINGS[0], attrs: { ...c.attrs as object, shape: [0, ...shape.slice(1)] } });
  }
  for (const { f, attrs } of tries) {
    const inputs = c.inputs.map((s, i) => ({ ...s, shape: f(s.shape, i) }));
    const out = shapeAttr({ ...c, attrs });
    if (inputs.every((s) => sizeOf(s.shape) > 0) && !(out && sizeOf(out) === 0)) continue;
    try {
      const info = inputs.map((s) => ({
        shape: s.shape,
        dtype: (s.int !== undefined ? "int32" : "float32") as DType,
      }));
      op.infer(info, attrs);
    } catch {
      continue; // the shape rule refuses this emptying: try the next
    }
    const shown = [...inputs.map((s) => `[${s.shape}]`), ...(out ? [`shape [${out}]`] : [])];
    return { name: `${c.name}, emptied to ${shown.join(" ")}`, inputs, attrs };
  }
}
