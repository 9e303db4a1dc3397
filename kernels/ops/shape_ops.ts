import type { TypedArray } from "../dtype.ts";
import { runOp } from "../engine.ts";
import {
  type CpuInput,
  defineOp,
  type GradGroup,
  GradShare,
  type OpDef,
  type TensorInfo,
} from "../op.ts";
import { fmtShape, normAxis, sizeOf, stridesOf } from "../shape.ts";
import type { Tensor } from "../tensor_core.ts";
import { broadcastTo } from "./reduce.ts";

/**
 * Data-movement ops, built on four primitives: `permute` (any axis order), `stridedSlice`
 * (start and step per axis, negative steps too) with its scatter gradient, `pad` (a constant
 * border) and `concat`. transpose, slice, split, stack, unstack, reverse, tile, expandDims
 * and squeeze are written with them (or with reshape, a view). Values are copied bit for bit,
 * so NaN, ±∞ and −0 pass unchanged.
 */

/**
 * Walks the elements of `shape` in row-major order, calling `visit(i, offset)` with the flat
 * index i and offset = base + Σₖ iₖ·steps[k] (an odometer: one add per element). Gathers
 * (permute, stridedSlice) read at the offset, scatters (their gradient, pad) write there.
 */
function stridedWalk(
  shape: number[],
  base: number,
  steps: number[],
  visit: (i: number, offset: number) => void,
): void {
  const rank = shape.length;
  const n = sizeOf(shape);
  const idx = new Array<number>(rank).fill(0);
  let off = base;
  for (let i = 0; i < n; i++) {
    visit(i, off);
    for (let ax = rank - 1; ax >= 0; ax--) {
      idx[ax]++;
      off += steps[ax];
      if (idx[ax] < shape[ax]) break;
      off -= steps[ax] * shape[ax];
      idx[ax] = 0;
    }
  }
}

/** out[i] = x[base + Σₖ iₖ·steps[k]] over the output. */
function stridedCopy(
  x: TypedArray,
  out: TypedArray,
  shape: number[],
  base: number,
  steps: number[],
) {
  stridedWalk(shape, base, steps, (i, off) => (out[i] = x[off]));
}

/** out[base + Σₖ iₖ·steps[k]] = x[i] over the input: stridedCopy's inverse. */
function stridedPlace(x: CpuInput, out: TypedArray, base: number, steps: number[]) {
  const d = x.data;
  stridedWalk(x.shape, base, steps, (i, off) => (out[off] = d[i]));
}

/** Attributes of permute: output axis k is input axis perm[k]. */
export interface PermuteAttrs {
  /** Output axis k is input axis perm[k]; a permutation of 0 … rank−1. */
  perm: number[];
}

function checkPerm(perm: number[], rank: number): void {
  const ok = perm.length === rank &&
    [...perm].sort((a, b) => a - b).every((p, i) => p === i);
  if (!ok) {
    throw new Error(
      `permute: [${perm}] is not a permutation of the ${rank} axes 0..${rank - 1}; ` +
        `list every axis exactly once`,
    );
  }
}

const permuteDef = defineOp<PermuteAttrs>({
  name: "permute",
  infer: ([x], { perm }) => {
    checkPerm(perm, x.shape.length);
    return { shape: perm.map((p) => x.shape[p]), dtype: x.dtype };
  },
  cpu: ([x], { perm }, out, outShape) => {
    const st = stridesOf(x.shape);
    stridedCopy(x.data, out, outShape, 0, perm.map((p) => st[p]));
  },
  grad: (dy, { attrs: { perm } }) => {
    const inv = new Array<number>(perm.length);
    perm.forEach((p, k) => (inv[p] = k));
    return [permute(dy, inv)];
  },
  tests: [
    { name: "2x3 swap", inputs: [{ shape: [2, 3] }], attrs: { perm: [1, 0] } },
    { name: "2x3x4 to 3x4x2", inputs: [{ shape: [2, 3, 4] }], attrs: { perm: [1, 2, 0] } },
    { name: "NHWC to NCHW", inputs: [{ shape: [2, 3, 2, 4] }], attrs: { perm: [0, 3, 1, 2] } },
    { name: "empty 0x3", inputs: [{ shape: [0, 3] }], attrs: { perm: [1, 0] } },
  ],
});

/**
 * Reorders the axes: output axis k is input axis `perm[k]` (PyTorch's `permute`, NumPy's
 * `transpose` with axes). Example: `permute(nhwc, [0, 3, 1, 2])` gives NCHW.
 */
export function permute(x: Tensor, perm: number[]): Tensor {
  const p = perm.map((a) => normAxis(a, x.rank, "permute"));
  if (p.every((a, i) => a === i)) return x;
  return runOp(permuteDef, [x], { perm: p });
}

/**
 * Reverses the axes, or reorders them by `perm` (TF.js and NumPy `transpose`).
 * Example: `transpose(m)` of a [2, 3] matrix is [3, 2].
 */
export function transpose(x: Tensor, perm?: number[]): Tensor {
  return permute(x, perm ?? [...Array(x.rank).keys()].reverse());
}

/**
 * Attributes of stridedSlice, normalised: output element (i₀, i₁, …) is input element
 * (begin₀ + i₀·steps₀, …); `shape` is the output shape.
 */
export interface StridedSliceAttrs {
  /** Index of the first element taken along each axis. */
  begin: number[];
  /** Step along each axis (negative: backwards). */
  steps: number[];
  /** Output shape: how many elements are taken along each axis. */
  shape: number[];
  /**
   * Set by `split`: this slice is piece `index` of `group`, whose gradient is one concat of the
   * pieces' gradients (not a full-size scatter per piece, summed).
   */
  piece?: { group: GradGroup; index: number };
}

function checkSlice(x: TensorInfo, { begin, steps, shape }: StridedSliceAttrs, op: string): void {
  const rank = x.shape.length;
  const ok = begin.length === rank && steps.length === rank && shape.length === rank &&
    shape.every((n, k) => {
      if (!Number.isInteger(n) || n < 0 || !Number.isInteger(steps[k]) || steps[k] === 0) {
        return false;
      }
      const last = begin[k] + (n - 1) * steps[k];
      return n === 0 || (begin[k] >= 0 && begin[k] < x.shape[k] && last >= 0 && last < x.shape[k]);
    });
  if (!ok) {
    throw new Error(
      `${op}: begin [${begin}], steps [${steps}], shape [${shape}] do not select inside ` +
        `${fmtShape(x.shape)} (one entry per axis, whole non-zero steps)`,
    );
  }
}

const stridedSliceDef: OpDef<StridedSliceAttrs> = defineOp<StridedSliceAttrs>({
  name: "stridedSlice",
  infer: ([x], attrs) => {
    checkSlice(x, attrs, "stridedSlice");
    return { shape: [...attrs.shape], dtype: x.dtype };
  },
  cpu: ([x], { begin, steps }, out, outShape) => {
    const st = stridesOf(x.shape);
    const base = begin.reduce((s, b, k) => s + b * st[k], 0);
    stridedCopy(x.data, out, outShape, base, steps.map((s, k) => s * st[k]));
  },
  grad: (dy, { inputs: [x], attrs: { begin, steps, shape, piece } }) => [
    piece
      ? new GradShare(piece.group, piece.index, dy)
      : runOp(stridedSliceGradDef, [dy], { begin, steps, shape, inShape: [...x.shape] }),
  ],
  tests: [
    {
      name: "rows 1..3 of 4x5",
      inputs: [{ shape: [4, 5] }],
      attrs: { begin: [1, 0], steps: [1, 1], shape: [2, 5] },
    },
    {
      name: "every other column, reversed rows of 3x6",
      inputs: [{ shape: [3, 6] }],
      attrs: { begin: [2, 1], steps: [-1, 2], shape: [3, 3] },
    },
    {
      name: "crop 2x5x5x3 to 2x3x2x3",
      inputs: [{ shape: [2, 5, 5, 3] }],
      attrs: { begin: [0, 1, 4, 0], steps: [1, 1, -3, 1], shape: [2, 3, 2, 3] },
    },
    {
      name: "empty selection",
      inputs: [{ shape: [3, 4] }],
      attrs: { begin: [0, 0], steps: [1, 1], shape: [0, 4] },
    },
  ],
});

/** Attributes of stridedSliceGrad: the slice's and the shape of its input. */
export interface StridedSliceGradAttrs extends StridedSliceAttrs {
  /** Shape of the sliced input, the shape of the gradient this op returns. */
  inShape: number[];
}

/**
 * The gradient of stridedSlice: dy placed back at the positions the slice read, 0 elsewhere
 * (a slice reads each position at most once, so nothing adds up). Linear, so its own gradient
 * is the slice again.
 */
const stridedSliceGradDef: OpDef<StridedSliceGradAttrs> = defineOp<StridedSliceGradAttrs>({
  name: "stridedSliceGrad",
  infer: ([dy], attrs) => {
    checkSlice({ shape: attrs.inShape, dtype: dy.dtype }, attrs, "stridedSliceGrad");
    if (fmtShape(dy.shape) !== fmtShape(attrs.shape)) {
      throw new Error(
        `stridedSliceGrad: dy ${fmtShape(dy.shape)} is not the slice ${fmtShape(attrs.shape)}`,
      );
    }
    return { shape: [...attrs.inShape], dtype: dy.dtype };
  },
  cpu: ([dy], { begin, steps, inShape }, out) => {
    const st = stridesOf(inShape);
    const base = begin.reduce((s, b, k) => s + b * st[k], 0);
    stridedPlace(dy, out, base, steps.map((s, k) => s * st[k]));
  },
  grad: (ddx, { attrs: { begin, steps, shape } }) => [
    runOp(stridedSliceDef, [ddx], { begin, steps, shape }),
  ],
  gradOf: "stridedSlice",
  // Its own cases too: its gradient (a second derivative through stridedSlice) is checked here.
  tests: [
    {
      name: "rows 1..2 into 4x5",
      inputs: [{ shape: [2, 5] }],
      attrs: { begin: [1, 0], steps: [1, 1], shape: [2, 5], inShape: [4, 5] },
    },
    {
      name: "every other column, reversed rows, into 3x6",
      inputs: [{ shape: [3, 3] }],
      attrs: { begin: [2, 1], steps: [-1, 2], shape: [3, 3], inShape: [3, 6] },
    },
    {
      name: "an empty slice into 3x4",
      inputs: [{ shape: [0, 4] }],
      attrs: { begin: [0, 0], steps: [1, 1], shape: [0, 4], inShape: [3, 4] },
    },
  ],
});

/** One Python-style slice bound per axis: `null` (or absent) is the open end. */
export type SliceBound = number | null | undefined;

/**
 * Python/NumPy slicing `x[b₀:e₀:s₀, b₁:e₁:s₁, …]`: per axis a start, an end (exclusive) and a
 * step (default 1; negative walks backwards). Negative indices count from the end, `null` is
 * the open end, bounds are clamped like Python's, axes past the lists are taken whole.
 * Example: `stridedSlice(x, [null, 1], [null, null], [-1, 2])` is `x[::-1, 1::2]`.
 */
export function stridedSlice(
  x: Tensor,
  begin: SliceBound[],
  end: SliceBound[],
  strides: SliceBound[] = [],
): Tensor {
  if (begin.length > x.rank || end.length > x.rank || strides.length > x.rank) {
    throw new Error(
      `stridedSlice: more bounds than the ${x.rank} axes of ${fmtShape(x.shape)}`,
    );
  }
  const b: number[] = [], steps: number[] = [], shape: number[] = [];
  for (let k = 0; k < x.rank; k++) {
    const n = x.shape[k];
    const s = strides[k] ?? 1;
    if (!Number.isInteger(s) || s === 0) {
      throw new Error(`stridedSlice: step ${s} on axis ${k} must be a non-zero integer`);
    }
    const norm = (v: SliceBound, open: number, lo: number, hi: number) => {
      if (v === null || v === undefined) return open;
      if (!Number.isInteger(v)) throw new Error(`stridedSlice: bound ${v} is not an integer`);
      return Math.min(Math.max(v < 0 ? v + n : v, lo), hi);
    };
    const start = s > 0 ? norm(begin[k], 0, 0, n) : norm(begin[k], n - 1, -1, n - 1);
    const stop = s > 0 ? norm(end[k], n, 0, n) : norm(end[k], -1, -1, n - 1);
    const count = Math.max(0, Math.ceil((stop - start) / s));
    b.push(count === 0 ? 0 : start);
    steps.push(s);
    shape.push(count);
  }
  if (shape.every((d, k) => d === x.shape[k]) && steps.every((s) => s === 1)) return x;
  return runOp(stridedSliceDef, [x], { begin: b, steps, shape });
}

/**
 * The block of `size` starting at `begin` (TF.js `slice`): a number applies to axis 0, a size
 * of −1 (or a missing entry) runs to the end of the axis.
 * Example: `slice(x, [0, 2], [-1, 3])` keeps columns 2..4 of every row.
 */
export function slice(x: Tensor, begin: number | number[], size?: number | number[]): Tensor {
  const b = typeof begin === "number" ? [begin] : begin;
  const s = size === undefined ? [] : typeof size === "number" ? [size] : size;
  const end = b.map((v, k) => {
    const n = s[k] ?? -1;
    if (v < 0 || (n !== -1 && (n < 0 || v + n > x.shape[k]))) {
      throw new Error(
        `slice: begin ${v} size ${n} on axis ${k} is outside ${fmtShape(x.shape)}`,
      );
    }
    return n === -1 ? null : v + n;
  });
  return stridedSlice(x, b, end);
}

/** Reverses the order of elements along `axes` (all when omitted). Example: `reverse(x, 1)`. */
export function reverse(x: Tensor, axes?: number | number[]): Tensor {
  const list = axes === undefined
    ? [...Array(x.rank).keys()]
    : (typeof axes === "number" ? [axes] : axes).map((a) => normAxis(a, x.rank, "reverse"));
  const strides = x.shape.map((_, k) => (list.includes(k) ? -1 : 1));
  return stridedSlice(x, [], [], strides);
}

/** Attributes of pad: [before, after] per axis, and the fill value. */
export interface PadAttrs {
  /** [before, after] element counts for each axis. */
  paddings: [number, number][];
  /** The value written into the padding. */
  value: number;
}

const padDef = defineOp<PadAttrs>({
  name: "pad",
  infer: ([x], { paddings }) => {
    const ok = paddings.length === x.shape.length &&
      paddings.every((p) => p.length === 2 && p.every((v) => Number.isInteger(v) && v >= 0));
    if (!ok) {
      throw new Error(
        `pad: paddings ${JSON.stringify(paddings)} need one [before, after] pair of ` +
          `non-negative integers per axis of ${fmtShape(x.shape)} (crop with slice)`,
      );
    }
    return { shape: x.shape.map((d, k) => d + paddings[k][0] + paddings[k][1]), dtype: x.dtype };
  },
  cpu: ([x], { paddings, value }, out, outShape) => {
    out.fill(value);
    const st = stridesOf(outShape);
    const base = paddings.reduce((s, [b], k) => s + b * st[k], 0);
    // The input lands in the output block at `base`, walking with the output's strides.
    stridedPlace(x, out, base, st);
  },
  grad: (dy, { inputs: [x], attrs: { paddings } }) => [
    runOp(stridedSliceDef, [dy], {
      begin: paddings.map(([b]) => b),
      steps: paddings.map(() => 1),
      shape: [...x.shape],
    }),
  ],
  tests: [
    {
      name: "2x3 by 1,0 and 2,1",
      inputs: [{ shape: [2, 3] }],
      attrs: { paddings: [[1, 0], [2, 1]], value: 0 },
    },
    {
      name: "empty input, border only",
      inputs: [{ shape: [0, 2] }],
      attrs: { paddings: [[1, 1], [0, 1]], value: 2 },
    },
    {
      name: "NHWC spatial border, value -1.5",
      inputs: [{ shape: [2, 3, 2, 2] }],
      attrs: { paddings: [[0, 0], [1, 1], [2, 0], [0, 0]], value: -1.5 },
    },
  ],
});

/**
 * Adds a border of `value` (default 0): `paddings[k] = [before, after]` for axis k (TF.js
 * `pad`). Example: `pad(img, [[0, 0], [1, 1], [1, 1], [0, 0]])` pads H and W by one.
 */
export function pad(x: Tensor, paddings: [number, number][], value = 0): Tensor {
  if (paddings.every(([b, a]) => b === 0 && a === 0) && paddings.length === x.rank) return x;
  return runOp(padDef, [x], { paddings: paddings.map(([b, a]) => [b, a]), value });
}

/** Attributes of concat: the axis the inputs join along. */
export interface ConcatAttrs {
  /** The axis the inputs join along (non-negative). */
  axis: number;
}

/**
 * The most inputs one concat kernel takes: WebGPU guarantees 8 storage buffers per shader
 * stage, one of which is the output; `concat` joins longer lists in groups.
 */
export const MAX_CONCAT_INPUTS = 7;

const concatDef = defineOp<ConcatAttrs>({
  name: "concat",
  infer: (xs, { axis }) => {
    if (xs.length < 1 || xs.length > MAX_CONCAT_INPUTS) {
      throw new Error(`concat: takes 1..${MAX_CONCAT_INPUTS} inputs, got ${xs.length}`);
    }
    const [first] = xs;
    const ok = xs.every((x) =>
      x.dtype === first.dtype && x.shape.length === first.shape.length &&
      x.shape.every((d, k) => k === axis || d === first.shape[k])
    );
    if (!ok || axis < 0 || axis >= first.shape.length) {
      throw new Error(
        `concat: inputs ${xs.map((x) => x.dtype + fmtShape(x.shape)).join(", ")} must have ` +
          `one dtype and rank and match on every axis except ${axis}`,
      );
    }
    const shape = [...first.shape];
    shape[axis] = xs.reduce((n, x) => n + x.shape[axis], 0);
    return { shape, dtype: first.dtype };
  },
  cpu: (xs, { axis }, out, outShape) => {
    const outer = sizeOf(outShape.slice(0, axis));
    const inner = sizeOf(outShape.slice(axis + 1));
    const row = outShape[axis] * inner;
    let off = 0;
    for (const x of xs) {
      const w = x.shape[axis] * inner;
      for (let o = 0; o < outer; o++) out.set(x.data.subarray(o * w, (o + 1) * w), o * row + off);
      off += w;
    }
  },
  grad: (dy, { inputs, attrs: { axis } }) => {
    let start = 0;
    return inputs.map((x) => {
      const begin = dy.shape.map((_, k) => (k === axis ? start : 0));
      start += x.shape[axis];
      return runOp(stridedSliceDef, [dy], {
        begin,
        steps: dy.shape.map(() => 1),
        shape: [...x.shape],
      });
    });
  },
  tests: [
    {
      name: "rows 2x3 + 4x3",
      inputs: [{ shape: [2, 3] }, { shape: [4, 3] }],
      attrs: { axis: 0 },
    },
    {
      name: "channels of three 2x2x1/2/3",
      inputs: [{ shape: [2, 2, 1] }, { shape: [2, 2, 2] }, { shape: [2, 2, 3] }],
      attrs: { axis: 2 },
    },
    {
      name: "middle axis with an empty part",
      inputs: [{ shape: [2, 0, 3] }, { shape: [2, 2, 3] }],
      attrs: { axis: 1 },
    },
  ],
});

/**
 * Joins tensors along `axis` (default 0); all other axes must match (TF.js `concat`, NumPy
 * `concatenate`). Example: `concat([a, b], -1)`.
 */
export function concat(xs: Tensor[], axis = 0): Tensor {
  if (xs.length === 0) throw new Error("concat: needs at least one tensor");
  const ax = normAxis(axis, xs[0].rank, "concat");
  if (xs.length === 1) return xs[0];
  if (xs.length <= MAX_CONCAT_INPUTS) return runOp(concatDef, xs, { axis: ax });
  const groups: Tensor[] = [];
  for (let i = 0; i < xs.length; i += MAX_CONCAT_INPUTS) {
    groups.push(concat(xs.slice(i, i + MAX_CONCAT_INPUTS), ax));
  }
  return concat(groups, ax);
}

/**
 * Splits `x` along `axis` into `sections` equal parts, or into parts of the listed sizes (one
 * may be −1: the rest), like TF.js `split`. Example: `const [q, k, v] = split(qkv, 3, -1)`.
 */
export function split(x: Tensor, sections: number | number[], axis = 0): Tensor[] {
  const ax = normAxis(axis, x.rank, "split");
  const n = x.shape[ax];
  let sizes: number[];
  if (typeof sections === "number") {
    if (!Number.isInteger(sections) || sections < 1 || n % sections !== 0) {
      throw new Error(
        `split: axis ${axis} of ${fmtShape(x.shape)} (${n}) does not split into ${sections} ` +
          `equal parts; pass a list of sizes instead`,
      );
    }
    sizes = new Array(sections).fill(n / sections);
  } else {
    const rest = n - sections.filter((s) => s !== -1).reduce((a, b) => a + b, 0);
    sizes = sections.map((s) => (s === -1 ? rest : s));
    if (
      sections.filter((s) => s === -1).length > 1 ||
      sizes.some((s) => !Number.isInteger(s) || s < 0) ||
      sizes.reduce((a, b) => a + b, 0) !== n
    ) {
      throw new Error(
        `split: sizes [${sections}] do not add up to axis ${axis} of ${fmtShape(x.shape)} (${n})`,
      );
    }
  }
  if (sizes.length === 1) return [x];
  const starts = sizes.map((_, k) => sizes.slice(0, k).reduce((a, b) => a + b, 0));
  const pieceAttrs = (k: number) => ({
    begin: x.shape.map((_, a) => (a === ax ? starts[k] : 0)),
    steps: x.shape.map(() => 1),
    shape: x.shape.map((d, a) => (a === ax ? sizes[k] : d)),
  });
  const group: GradGroup = {
    count: sizes.length,
    combine: (dys) => joinPieceGrads(dys, sizes, ax, x.shape, pieceAttrs),
  };
  return sizes.map((_, index) =>
    runOp(stridedSliceDef, [x], { ...pieceAttrs(index), piece: { group, index } })
  );
}

/**
 * The gradient of split's input from its pieces' gradients: one concat, runs of pieces without
 * a gradient as zero blocks (a pad of an empty slice, so nothing is uploaded); a single
 * gradient alone is scattered into zeros.
 */
function joinPieceGrads(
  dys: (Tensor | undefined)[],
  sizes: number[],
  axis: number,
  inShape: number[],
  pieceAttrs: (k: number) => StridedSliceAttrs,
): Tensor {
  const present = dys.flatMap((d, k) => (d ? [k] : []));
  const at = (k: number) => dys[k]!.reshape(pieceAttrs(k).shape);
  if (present.length === 1) {
    const k = present[0];
    return runOp(stridedSliceGradDef, [at(k)], { ...pieceAttrs(k), inShape: [...inShape] });
  }
  const like = at(present[0]);
  const parts: Tensor[] = [];
  for (let k = 0; k < dys.length;) {
    if (dys[k]) {
      parts.push(at(k++));
      continue;
    }
    let n = 0;
    while (k < dys.length && !dys[k]) n += sizes[k++];
    const empty = runOp(stridedSliceDef, [like], {
      begin: like.shape.map(() => 0),
      steps: like.shape.map(() => 1),
      shape: like.shape.map((d, a) => (a === axis ? 0 : d)),
    });
    parts.push(pad(empty, like.shape.map((_, a) => [0, a === axis ? n : 0])));
  }
  return concat(parts, axis);
}

/** Inserts a size-1 axis at `axis` (TF.js `expandDims`, PyTorch `unsqueeze`); a view. */
export function expandDims(x: Tensor, axis = 0): Tensor {
  const a = normAxis(axis, x.rank + 1, "expandDims");
  const shape = [...x.shape];
  shape.splice(a, 0, 1);
  return x.reshape(shape);
}

/**
 * Removes size-1 axes: those listed, or all (TF.js `squeeze`); a view.
 * Example: `squeeze(zeros([2, 1, 3]))` has shape [2, 3].
 */
export function squeeze(x: Tensor, axes?: number | number[]): Tensor {
  const list = axes === undefined
    ? x.shape.flatMap((d, k) => (d === 1 ? [k] : []))
    : (typeof axes === "number" ? [axes] : axes).map((a) => normAxis(a, x.rank, "squeeze"));
  for (const a of list) {
    if (x.shape[a] !== 1) {
      throw new Error(`squeeze: axis ${a} of ${fmtShape(x.shape)} has size ${x.shape[a]}, not 1`);
    }
  }
  return x.reshape(x.shape.filter((_, k) => !list.includes(k)));
}

/**
 * Joins tensors of one shape along a new axis (TF.js `stack`).
 * Example: `stack([a, b])` of two [3] vectors is [2, 3].
 */
export function stack(xs: Tensor[], axis = 0): Tensor {
  if (xs.length === 0) throw new Error("stack: needs at least one tensor");
  const first = fmtShape(xs[0].shape);
  for (const x of xs) {
    if (fmtShape(x.shape) !== first) {
      throw new Error(`stack: shapes differ (${first} vs ${fmtShape(x.shape)}); stack needs one`);
    }
  }
  const a = normAxis(axis, xs[0].rank + 1, "stack");
  return concat(xs.map((x) => expandDims(x, a)), a);
}

/** Splits `x` along `axis` into its slices, removing the axis (TF.js `unstack`). */
export function unstack(x: Tensor, axis = 0): Tensor[] {
  const a = normAxis(axis, x.rank, "unstack");
  if (x.shape[a] === 0) return [];
  return split(x, x.shape[a], a).map((t) => squeeze(t, a));
}

/**
 * Repeats `x` `reps[k]` times along axis k (TF.js `tile`, NumPy `tile` for equal ranks): a
 * broadcast over interleaved size-1 axes, so its gradient is a sum.
 * Example: `tile(tensor([1, 2]), [3])` is [1, 2, 1, 2, 1, 2].
 */
export function tile(x: Tensor, reps: number[]): Tensor {
  if (reps.length !== x.rank || reps.some((r) => !Number.isInteger(r) || r < 0)) {
    throw new Error(
      `tile: reps [${reps}] need one whole count ≥ 0 per axis of ${fmtShape(x.shape)}`,
    );
  }
  if (reps.every((r) => r === 1)) return x;
  const spread = x.shape.flatMap((d) => [1, d]);
  const target = x.shape.flatMap((d, k) => [reps[k], d]);
  return broadcastTo(x.reshape(spread), target).reshape(x.shape.map((d, k) => d * reps[k]));
}
