import type { TypedArray } from "../../dtype.ts";
import { type ChannelPasses, plainPasses } from "../../ops/batch_norm_passes.ts";
import { f32ptr } from "./heap.ts";
import { type KernelExports, wasmKernels } from "./module.ts";

/**
 * Batch normalisation's passes (kernels/ops/batch_norm_passes.ts) as WASM SIMD, for float32
 * tensors of at least MIN_VALUES values; any other pass runs the plain loop. The per-channel
 * values are rounded to float32 and the per-element arithmetic is float32 (kernels.c), four
 * values per instruction; sums are kept in float64 across blocks of rows. So results are within
 * float32 rounding of the reference's float64 arithmetic, not bit-identical (the registry's
 * parity tests and tests/kernels/cpu/batch_norm_fast_test.ts bound the difference). Operands
 * outside the WASM heap are staged through it a chunk of whole rows at a time, as in
 * elementwise_wasm.ts; the float64 loops they replace are not bound by memory, so there is no
 * upper size limit.
 */

/** Values per staged chunk: 64 KB per operand. */
const CHUNK = 16 * 1024;
/** Below this many values the plain loop is used: the call costs more than it saves. */
const MIN_VALUES = 1024;

type Kernels = NonNullable<ReturnType<typeof wasmKernels>>;

/** Byte pointers of the per-channel values, rounded to float32 into scratch slots. */
function stageParams(k: Kernels, params: Float64Array[]): number[] | undefined {
  const ptrs: number[] = [];
  for (const [j, p] of params.entries()) {
    const region = k.scratch.get(`bnp${j}`, p.length);
    if (!region) return undefined;
    region.set(p);
    ptrs.push(region.byteOffset);
  }
  return ptrs;
}

/**
 * Runs `kernel(fn, inputPtrs, paramPtrs, outPtr, rows)` over x's rows in chunks, staging the
 * inputs in and the output (if any) out. False when it cannot run, before anything is written.
 */
function chunked(
  inputs: TypedArray[],
  c: number,
  params: Float64Array[],
  out: TypedArray | undefined,
  kernel: (fn: KernelExports, ins: number[], ps: number[], out: number, rows: number) => void,
): boolean {
  const k = wasmKernels();
  const n = inputs[0].length;
  if (!k || c === 0 || n < MIN_VALUES) return false;
  if (!inputs.every((a) => a instanceof Float32Array)) return false;
  if (out && !(out instanceof Float32Array)) return false;
  const ps = stageParams(k, params);
  if (!ps) return false;
  const rowsPerChunk = Math.max(1, Math.floor(CHUNK / c));
  const len0 = Math.min(rowsPerChunk * c, n);
  const staging = inputs.map((
    a,
    j,
  ) => (k.heap.owns(a) ? undefined : k.scratch.get(`bn${j}`, len0)));
  const direct = !out || k.heap.owns(out);
  const outStage = direct ? undefined : k.scratch.get("bnout", len0);
  if (staging.some((s, j) => !s && !k.heap.owns(inputs[j])) || (!direct && !outStage)) return false;
  for (let i = 0; i < n; i += rowsPerChunk * c) {
    const len = Math.min(rowsPerChunk * c, n - i);
    const ptrs = inputs.map((a, j) => {
      const s = staging[j];
      if (!s) return f32ptr(a as Float32Array, i);
      s.set((a as Float32Array).subarray(i, i + len));
      return s.byteOffset;
    });
    const o = !out ? 0 : outStage ? outStage.byteOffset : f32ptr(out as Float32Array, i);
    kernel(k.fn, ptrs, ps, o, len / c);
    if (out && outStage) out.set(outStage.subarray(0, len), i);
  }
  return true;
}

/** Codes of kernels.c's bn_reduce_f32. */
const REDUCE = { sum: 0, sqdev: 1, dot: 2 } as const;

/**
 * acc += a reduction of x (and dy for "dot", which also sums dy) through a float64 accumulator
 * in scratch.
 */
function reduce(
  mode: keyof typeof REDUCE,
  x: TypedArray,
  dy: TypedArray | undefined,
  c: number,
  m: Float64Array,
  acc: Float64Array,
): boolean {
  const k = wasmKernels();
  // A float64 value is two float32 slots wide; "dot" also sums dy into acc[c…2c).
  const region = k?.scratch.get("bnacc", 2 * acc.length);
  if (!k || !region) return false;
  const a = new Float64Array(region.buffer, region.byteOffset, acc.length);
  a.set(acc);
  const code = REDUCE[mode];
  const ran = chunked(dy ? [x, dy] : [x], c, [m], undefined, (fn, ins, [pm], _o, rows) => {
    fn.bn_reduce_f32(code, ins[0], ins[1] ?? 0, pm, a.byteOffset, rows, c);
  });
  if (ran) acc.set(a);
  return ran;
}

/** The WASM passes, each falling back to the plain loop when it cannot run. */
export const wasmPasses: ChannelPasses = {
  sum(x, c, acc) {
    if (!reduce("sum", x, undefined, c, new Float64Array(c), acc)) plainPasses.sum(x, c, acc);
  },
  sqdev(x, c, m, acc) {
    if (!reduce("sqdev", x, undefined, c, m, acc)) plainPasses.sqdev(x, c, m, acc);
  },
  dot(x, dy, c, m, acc) {
    if (!reduce("dot", x, dy, c, m, acc)) plainPasses.dot(x, dy, c, m, acc);
  },
  affine(x, c, m, s, b, out) {
    const ok = chunked([x], c, [m, s, b], out, (fn, [p], [pm, ps, pb], o, rows) => {
      fn.bn_affine_f32(p, pm, ps, pb, o, rows, c);
    });
    if (!ok) plainPasses.affine(x, c, m, s, b, out);
  },
  inputGrad(x, dy, c, q, out) {
    const ok = chunked([x, dy], c, [q.m, q.a, q.mg, q.s], out, (fn, [px, pg], ps, o, rows) => {
      fn.bn_input_grad_f32(px, pg, ps[0], ps[1], ps[2], ps[3], o, rows, c);
    });
    if (!ok) plainPasses.inputGrad(x, dy, c, q, out);
  },
};
