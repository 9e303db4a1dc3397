import type { TypedArray } from "../dtype.ts";
import type { CpuInput } from "../op.ts";
import { sameShape, sizeOf } from "../shape.ts";
import { type CpuKernel, fastKernel } from "./cpu_kernel.ts";
import type { KernelConfig } from "../kernel_registry.ts";
import { getOp } from "../op.ts";
// The reference kernels these fall back to are looked up by name, so their ops must exist.
import "../ops/elementwise.ts";
import "../ops/reduce.ts";
import {
  binaryBlockWasm,
  binarySameWasm,
  reluGradWasm,
  reluWasm,
  sumRowsWasm,
} from "./wasm/elementwise_wasm.ts";

/**
 * Fast CPU kernels for the elementwise ops and sums that dominate a CPU training step once GEMMs
 * are fast: bias adds, ReLU and its mask, gradient products, bias-gradient sums, broadcasts in
 * mean's gradient. The reference kernels share one loop that calls the op's function per element;
 * shared by every op, that call site is megamorphic and V8 cannot inline it. Here each op has its
 * own loop. Only the layouts training produces are handled (same shape, scalar operand,
 * per-channel operand over the last axes, one value per row, sums over leading or trailing axes);
 * anything else runs the reference kernel, which stays the oracle these are tested against. On
 * float32, ReLU, its
 * gradient, the binary ops and column sums run as WASM SIMD (wasm/elementwise_wasm.ts) when it
 * is available, for arrays that fit in cache (see elementwise_wasm.ts).
 */

type BinaryName = "add" | "sub" | "mul" | "div";

/** Size of b's trailing block when b broadcasts over out's leading axes only; else 0. */
function trailingBlock(bShape: number[], outShape: number[]): number {
  let s = 0;
  while (s < bShape.length && bShape[s] === 1) s++;
  const core = bShape.slice(s);
  if (core.length === 0 || core.length > outShape.length) return 0;
  const tail = outShape.slice(outShape.length - core.length);
  return sameShape(core, tail) ? sizeOf(core) : 0;
}

function binarySame(op: BinaryName, a: TypedArray, b: TypedArray, out: TypedArray): void {
  const n = out.length;
  switch (op) {
    case "add":
      for (let i = 0; i < n; i++) out[i] = a[i] + b[i];
      return;
    case "sub":
      for (let i = 0; i < n; i++) out[i] = a[i] - b[i];
      return;
    case "mul":
      for (let i = 0; i < n; i++) out[i] = a[i] * b[i];
      return;
    case "div":
      for (let i = 0; i < n; i++) out[i] = a[i] / b[i];
      return;
  }
}

/** a op b where b repeats every `block` elements of a (bias per channel, scalar when 1). */
function binaryBlock(
  op: BinaryName,
  a: TypedArray,
  b: TypedArray,
  block: number,
  out: TypedArray,
): void {
  const n = out.length;
  for (let o = 0; o < n; o += block) {
    switch (op) {
      case "add":
        for (let j = 0; j < block; j++) out[o + j] = a[o + j] + b[j];
        break;
      case "sub":
        for (let j = 0; j < block; j++) out[o + j] = a[o + j] - b[j];
        break;
      case "mul":
        for (let j = 0; j < block; j++) out[o + j] = a[o + j] * b[j];
        break;
      case "div":
        for (let j = 0; j < block; j++) out[o + j] = a[o + j] / b[j];
        break;
    }
  }
}

/** Length of out's last axis when b is out's shape with that axis 1 (a value per row); else 0. */
function rowBroadcast(bShape: number[], outShape: number[]): number {
  const r = outShape.length;
  if (r < 2 || bShape.length !== r || bShape[r - 1] !== 1) return 0;
  for (let k = 0; k < r - 1; k++) if (bShape[k] !== outShape[k]) return 0;
  return outShape[r - 1];
}

/** a op b where b holds one value per row of `c` elements of a (softmax's gradient, norms). */
function binaryRows(op: BinaryName, a: TypedArray, b: TypedArray, c: number, out: TypedArray) {
  const n = out.length;
  for (let o = 0, r = 0; o < n; o += c, r++) {
    const v = b[r];
    switch (op) {
      case "add":
        for (let j = 0; j < c; j++) out[o + j] = a[o + j] + v;
        break;
      case "sub":
        for (let j = 0; j < c; j++) out[o + j] = a[o + j] - v;
        break;
      case "mul":
        for (let j = 0; j < c; j++) out[o + j] = a[o + j] * v;
        break;
      case "div":
        for (let j = 0; j < c; j++) out[o + j] = a[o + j] / v;
        break;
    }
  }
}

function binaryKernel(op: BinaryName): CpuKernel {
  const reference = getOp(op)!.cpu as CpuKernel;
  return (inputs: CpuInput[], attrs, out, outShape) => {
    const [a, b] = inputs;
    // int32 keeps the reference's rules (a wrapping product); training never does int math.
    if (sameShape(a.shape, outShape) && !(out instanceof Int32Array)) {
      const A = a.data, B = b.data;
      const f32 = A instanceof Float32Array && B instanceof Float32Array &&
        out instanceof Float32Array;
      if (sameShape(b.shape, outShape)) {
        if (f32 && binarySameWasm(op, A, B, out)) return;
        return binarySame(op, a.data, b.data, out);
      }
      const block = b.data.length === 1 ? 1 : trailingBlock(b.shape, outShape);
      if (f32 && block >= 4 && binaryBlockWasm(op, A, B, block, out)) return;
      // A scalar operand is a block of 1; short blocks still beat the reference's odometer.
      if (block > 0) return binaryBlock(op, a.data, b.data, block, out);
      const row = rowBroadcast(b.shape, outShape);
      if (row > 0) return binaryRows(op, a.data, b.data, row, out);
    }
    reference(inputs, attrs, out, outShape);
  };
}

/** Every kernel here writes all of its output (the fallbacks to the reference too). */
const OVERWRITES = { overwrites: true };

/** Bits of float32 +∞; bit patterns 1 … POS_INF are exactly the floats v > 0 (NaN excluded). */
const POS_INF_BITS = 0x7f800000;
const ONE_BITS = 0x3f800000;
const MAG = 0x7fffffff;

/** Int32 view of a float32 array's bits. */
function bitsOf(a: Float32Array): Int32Array {
  return new Int32Array(a.buffer, a.byteOffset, a.length);
}

/** −1 when float bits `b` are a value > 0 (1 ≤ b ≤ POS_INF), else 0; no branch. */
function positiveMask(b: number): number {
  return ~(((POS_INF_BITS - b) | (b - 1)) >> 31);
}

/** −1 when float bits `b` are a NaN (magnitude above +∞'s), else 0; no branch. */
function nanMask(b: number): number {
  return (POS_INF_BITS - (b & MAG)) >> 31;
}

/*
 * ReLU and its mask on float32 work on the bits: a −1/0 mask keeps the value where it passes
 * (v > 0, or NaN, which propagates) and zeroes it otherwise (negatives, ±0), with no branch. On
 * activations whose signs look random the branchy `v > 0 ? v : 0` mispredicts half the time and
 * runs 3–4× slower (bench/README.md). Results are bit-identical to the reference.
 */
const reluFast: CpuKernel = ([x], _a, out) => {
  const d = x.data;
  if (d instanceof Float32Array && out instanceof Float32Array) {
    if (reluWasm(d, out)) return;
    // !(v ≤ 0) is v > 0 or NaN; V8 makes the comparison a 0/1 value, no branch (measured as
    // fast as the bit-only mask, which needed a second mask for NaN).
    const xi = bitsOf(d), oi = bitsOf(out);
    for (let i = 0; i < oi.length; i++) oi[i] = xi[i] & -(+!(d[i] <= 0));
    return;
  }
  for (let i = 0; i < out.length; i++) out[i] = d[i] > 0 || d[i] !== d[i] ? d[i] : 0;
};

const stepFast: CpuKernel = ([x], _a, out) => {
  const d = x.data;
  if (d instanceof Float32Array && out instanceof Float32Array) {
    const xi = bitsOf(d), oi = bitsOf(out);
    for (let i = 0; i < oi.length; i++) {
      const b = xi[i];
      oi[i] = (ONE_BITS & positiveMask(b)) | (b & nanMask(b));
    }
    return;
  }
  for (let i = 0; i < out.length; i++) out[i] = d[i] > 0 ? 1 : d[i] !== d[i] ? d[i] : 0;
};

const reluGradFast: CpuKernel = ([dy, x], _a, out) => {
  const g = dy.data, d = x.data;
  if (d instanceof Float32Array && g instanceof Float32Array && out instanceof Float32Array) {
    if (reluGradWasm(g, d, out)) return;
    const xi = bitsOf(d), gi = bitsOf(g), oi = bitsOf(out);
    for (let i = 0; i < oi.length; i++) {
      const b = xi[i];
      oi[i] = (gi[i] & positiveMask(b)) | (b & nanMask(b));
    }
    return;
  }
  for (let i = 0; i < out.length; i++) out[i] = d[i] > 0 ? g[i] : d[i] !== d[i] ? d[i] : 0;
};

const negFast: CpuKernel = ([x], _a, out) => {
  const d = x.data;
  for (let i = 0; i < out.length; i++) out[i] = -d[i];
};

/** True when `axes` (sorted) are exactly `from, from+1, …, to−1`. */
function isRun(axes: number[], from: number, to: number): boolean {
  if (axes.length !== to - from) return false;
  const s = [...axes].sort((p, q) => p - q);
  return s.every((ax, k) => ax === from + k);
}

const referenceSum = getOp("sum")!.cpu as CpuKernel;
const sumFast: CpuKernel = (inputs, attrs, out, outShape) => {
  const [x] = inputs;
  const { axes } = attrs as { axes: number[] };
  const rank = x.shape.length, d = x.data, n = d.length;
  if (axes.length === 0 || n === 0) return referenceSum(inputs, attrs, out, outShape);
  const k = axes.length;
  // Float64 accumulation, like the reference, so both agree to float32 rounding.
  if (isRun(axes, 0, k)) {
    // Leading axes (bias gradients): column sums of an [outer, inner] view.
    const inner = sizeOf(x.shape.slice(k));
    if (d instanceof Float32Array && out instanceof Float32Array && sumRowsWasm(d, inner, out)) {
      return;
    }
    const acc = new Float64Array(inner);
    for (let o = 0; o < n; o += inner) {
      for (let j = 0; j < inner; j++) acc[j] += d[o + j];
    }
    out.set(acc);
    return;
  }
  if (isRun(axes, rank - k, rank)) {
    // Trailing axes (per-sample sums): row sums.
    const inner = sizeOf(x.shape.slice(rank - k));
    for (let r = 0, o = 0; o < n; r++, o += inner) {
      let s = 0;
      for (let j = 0; j < inner; j++) s += d[o + j];
      out[r] = s;
    }
    return;
  }
  const from = Math.min(...axes);
  if (isRun(axes, from, from + k)) {
    // Middle axes (a mean over tokens): an [outer, mid, inner] view, read in the input's order so
    // that each output sums in the reference's order.
    const outer = sizeOf(x.shape.slice(0, from)), inner = sizeOf(x.shape.slice(from + k));
    const mid = sizeOf(x.shape.slice(from, from + k)), acc = new Float64Array(outer * inner);
    for (let o = 0, i = 0; o < outer; o++) {
      const base = o * inner;
      for (let m = 0; m < mid; m++) {
        for (let j = base; j < base + inner; j++) acc[j] += d[i++];
      }
    }
    out.set(acc);
    return;
  }
  referenceSum(inputs, attrs, out, outShape);
};

const referenceBroadcast = getOp("broadcastTo")!.cpu as CpuKernel;
/** Writes `src` at out[at], then doubles the filled part until `count` values from `at` are set. */
function repeatInto(out: TypedArray, src: TypedArray, at: number, count: number): void {
  const block = src.length;
  out.set(src, at);
  for (let filled = block; filled < count; filled *= 2) {
    out.copyWithin(at + filled, at, at + Math.min(filled, count - filled));
  }
}

/**
 * [outer, mid, inner] when x (of out's rank) matches out except on one run of axes where x has
 * length 1 (x repeats `mid` times within each of `outer` slices); else undefined.
 */
function middleRun(xShape: number[], outShape: number[]): [number, number, number] | undefined {
  const r = outShape.length;
  if (xShape.length !== r) return undefined;
  let p = 0;
  while (p < r && xShape[p] === outShape[p]) p++;
  let q = p;
  while (q < r && xShape[q] === 1 && outShape[q] !== 1) q++;
  for (let k = q; k < r; k++) if (xShape[k] !== outShape[k]) return undefined;
  if (q === p) return undefined;
  const prod = (a: number[]) => a.reduce((s, v) => s * v, 1);
  return [prod(outShape.slice(0, p)), prod(outShape.slice(p, q)), prod(outShape.slice(q))];
}

const broadcastToFast: CpuKernel = (inputs, attrs, out, outShape) => {
  const [x] = inputs;
  const n = out.length;
  const block = trailingBlock(x.shape, outShape);
  if (block > 0) {
    // x repeats over the leading axes: copy it once, then double the filled part (a short
    // block, as a per-channel vector, costs a subarray view per copy when copied one by one).
    if (n > 0) repeatInto(out, x.data.subarray(0, block), 0, n);
    return;
  }
  const run = middleRun(x.shape, outShape);
  if (!run || n === 0) return referenceBroadcast(inputs, attrs, out, outShape);
  // x repeats along middle axes (mean's gradient over the tokens of [batch, 1, features]).
  const [outer, mid, inner] = run;
  for (let o = 0; o < outer; o++) {
    repeatInto(out, x.data.subarray(o * inner, (o + 1) * inner), o * mid * inner, mid * inner);
  }
};

/** The registry entries of this file's kernels (registered by cpu/register_all.ts). */
export const elementwiseFastKernels: KernelConfig<CpuKernel>[] = [
  ...(["add", "sub", "mul", "div"] as const).map((op) =>
    fastKernel(op, binaryKernel(op), OVERWRITES)
  ),
  fastKernel("relu", reluFast, OVERWRITES),
  fastKernel("step", stepFast, OVERWRITES),
  fastKernel("reluGrad", reluGradFast, OVERWRITES),
  fastKernel("neg", negFast, OVERWRITES),
  fastKernel("sum", sumFast, OVERWRITES),
  fastKernel("broadcastTo", broadcastToFast, OVERWRITES),
];
