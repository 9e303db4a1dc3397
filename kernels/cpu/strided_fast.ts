import type { TypedArray } from "../dtype.ts";
import type { KernelConfig } from "../kernel_registry.ts";
import type { PermuteAttrs, StridedSliceAttrs, StridedSliceGradAttrs } from "../ops/shape_ops.ts";
import { stridesOf } from "../shape.ts";
import { type CpuKernel, fastKernel } from "./cpu_kernel.ts";

/**
 * Fast CPU kernels of permute, stridedSlice and stridedSliceGrad. The reference kernels walk
 * every element with an odometer and a closure call; here axes that continue each other are
 * merged first (a slice of whole rows is one long run), and each innermost run is one
 * `TypedArray.set` when it is contiguous, else a plain strided loop. Values are copied, so the
 * results are bit-identical to the reference (NaN, ±∞ and −0 included).
 */

/** Runs shorter than this are copied element by element (a subarray view costs more). */
const SET_MIN = 16;

/**
 * The walk's axes with length-1 axes dropped and each axis merged into the next inner one when
 * its step is that axis' step times its length (together they are one axis of their product).
 */
function collapse(shape: number[], steps: number[]): { lens: number[]; steps: number[] } {
  const lens: number[] = [], st: number[] = [];
  for (let k = shape.length - 1; k >= 0; k--) {
    if (shape[k] === 1) continue;
    if (lens.length > 0 && steps[k] === st[0] * lens[0]) {
      lens[0] *= shape[k];
    } else {
      lens.unshift(shape[k]);
      st.unshift(steps[k]);
    }
  }
  return { lens, steps: st };
}

/**
 * Visits the innermost runs of a walk over `shape` (row-major) from offset `base` with `steps`:
 * `run(i, offset, length, step)` with i the flat index of the run's first element.
 */
function forEachRun(
  shape: number[],
  base: number,
  steps: number[],
  run: (i: number, off: number, len: number, step: number) => void,
): void {
  let n = 1;
  for (const s of shape) n *= s;
  if (n === 0) return;
  const c = collapse(shape, steps);
  const r = c.lens.length;
  if (r === 0) return run(0, base, 1, 1);
  const len = c.lens[r - 1], step = c.steps[r - 1];
  const idx = new Array<number>(r - 1).fill(0);
  let off = base;
  for (let i = 0; i < n; i += len) {
    run(i, off, len, step);
    for (let ax = r - 2; ax >= 0; ax--) {
      idx[ax]++;
      off += c.steps[ax];
      if (idx[ax] < c.lens[ax]) break;
      off -= c.steps[ax] * c.lens[ax];
      idx[ax] = 0;
    }
  }
}

/** out[i] = x[base + Σₖ iₖ·steps[k]] over out's `shape`. */
function gather(x: TypedArray, out: TypedArray, shape: number[], base: number, steps: number[]) {
  forEachRun(shape, base, steps, (i, off, len, step) => {
    if (step === 1 && len >= SET_MIN) return out.set(x.subarray(off, off + len), i);
    for (let j = 0; j < len; j++) out[i + j] = x[off + j * step];
  });
}

/** out[base + Σₖ iₖ·steps[k]] = x[i] over x's `shape`: gather's inverse. */
function place(x: TypedArray, out: TypedArray, shape: number[], base: number, steps: number[]) {
  forEachRun(shape, base, steps, (i, off, len, step) => {
    if (step === 1 && len >= SET_MIN) return out.set(x.subarray(i, i + len), off);
    for (let j = 0; j < len; j++) out[off + j * step] = x[i + j];
  });
}

/** The flat offset of `begin` and the flat step per axis of a slice of an array of `shape`. */
function sliceWalk(shape: number[], begin: number[], steps: number[]) {
  const st = stridesOf(shape);
  return {
    base: begin.reduce((s, b, k) => s + b * st[k], 0),
    steps: steps.map((s, k) => s * st[k]),
  };
}

const permuteFast: CpuKernel = ([x], attrs, out, outShape) => {
  const st = stridesOf(x.shape);
  gather(x.data, out, outShape, 0, (attrs as PermuteAttrs).perm.map((p) => st[p]));
};

const stridedSliceFast: CpuKernel = ([x], attrs, out, outShape) => {
  const { begin, steps } = attrs as StridedSliceAttrs;
  const w = sliceWalk(x.shape, begin, steps);
  gather(x.data, out, outShape, w.base, w.steps);
};

// Writes only the positions the slice read: the backend zeroes the rest (no `overwrites`).
const stridedSliceGradFast: CpuKernel = ([dy], attrs, out) => {
  const { begin, steps, inShape } = attrs as StridedSliceGradAttrs;
  const w = sliceWalk(inShape, begin, steps);
  place(dy.data, out, dy.shape, w.base, w.steps);
};

/** The registry entries of this file's kernels (registered by cpu/register_all.ts). */
export const stridedFastKernels: KernelConfig<CpuKernel>[] = [
  fastKernel("permute", permuteFast, { overwrites: true }),
  fastKernel("stridedSlice", stridedSliceFast, { overwrites: true }),
  fastKernel("stridedSliceGrad", stridedSliceGradFast),
];
