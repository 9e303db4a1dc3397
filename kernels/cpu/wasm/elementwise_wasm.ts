import { stagedPointer } from "./heap.ts";
import { type KernelExports, wasmKernels } from "./module.ts";

/**
 * ReLU, its gradient, add/sub/mul/div (same shape or a repeating block such as a bias) and
 * bias-gradient sums through the WASM SIMD kernels, for float32. Operands outside the WASM heap
 * are staged through it in chunks of CHUNK values, small enough to stay in cache between the
 * copy in, the kernel and the copy out: the copies are memcpy-fast, the JavaScript loops they
 * replace are not. Each returns false when it cannot run (no WASM, or a size outside
 * [MIN_VALUES, MAX_VALUES]; ReLU, its gradient and the sums have no upper limit); the caller then
 * runs its TypeScript loop.
 */

/** Values per staged chunk: 64 KB per operand. */
const CHUNK = 16 * 1024;
/** Below this many values the TypeScript loop is used: the call costs more than it saves. */
const MIN_VALUES = 1024;
/**
 * Above this many values the binary ops use the TypeScript loop too: on arrays that do not fit in
 * cache the loop is bound by memory, and staging only adds traffic: in training steps WASM was
 * faster on 200 K-value arrays and slower on 1 M- and 4.7 M-value ones (bench/README.md). ReLU
 * and its gradient are exempt: their TypeScript loops have carried NaN masks since, and WASM is
 * faster at every size measured in training steps (bench/README.md).
 */
const MAX_VALUES = 512 * 1024;

/** Binary op codes of kernels.c's binary_f32. */
export const BINARY_OPS = { add: 0, sub: 1, mul: 2, div: 3 } as const;

/**
 * Runs `kernel(pointers, outPointer, len)` over [0, n) in chunks of `chunk`, staging the
 * chunked inputs in and the output out. False if staging memory could not be had, or n is under
 * MIN_VALUES or over `maxValues`.
 */
function chunked(
  inputs: Float32Array[],
  out: Float32Array,
  chunk: number,
  kernel: (fn: KernelExports, ptrs: number[], outPtr: number, len: number) => void,
  maxValues = MAX_VALUES,
): boolean {
  const k = wasmKernels();
  if (!k || out.length < MIN_VALUES || out.length > maxValues) return false;
  const n = out.length, direct = k.heap.owns(out);
  for (let i = 0; i < n; i += chunk) {
    const len = Math.min(chunk, n - i);
    const ptrs: number[] = [];
    for (const [j, a] of inputs.entries()) {
      const p = stagedPointer(k, a, `ew${j}`, i, len);
      if (p === undefined) return false;
      ptrs.push(p);
    }
    const o = direct ? out.subarray(i, i + len) : k.scratch.get("ewout", len);
    if (!o) return false;
    kernel(k.fn, ptrs, o.byteOffset, len);
    if (!direct) out.set(o, i);
  }
  return true;
}

/** out = max(x, 0) as the reference computes it (NaN and −0 give +0). */
export function reluWasm(x: Float32Array, out: Float32Array): boolean {
  return chunked([x], out, CHUNK, (fn, [p], o, len) => fn.relu_f32(p, o, len), Infinity);
}

/** out = x > 0 ? dy : 0. */
export function reluGradWasm(dy: Float32Array, x: Float32Array, out: Float32Array): boolean {
  const grad = (fn: KernelExports, [g, p]: number[], o: number, len: number) =>
    fn.relu_grad_f32(g, p, o, len);
  return chunked([dy, x], out, CHUNK, grad, Infinity);
}

/** out = a op b with a, b and out of one length. */
export function binarySameWasm(
  op: keyof typeof BINARY_OPS,
  a: Float32Array,
  b: Float32Array,
  out: Float32Array,
): boolean {
  const code = BINARY_OPS[op];
  return chunked([a, b], out, CHUNK, (fn, [pa, pb], o, len) => {
    fn.binary_f32(code, pa, pb, o, len, len);
  });
}

/** out = a op b where b (`block` values) repeats along a; out.length is a multiple of block. */
export function binaryBlockWasm(
  op: keyof typeof BINARY_OPS,
  a: Float32Array,
  b: Float32Array,
  block: number,
  out: Float32Array,
): boolean {
  const k = wasmKernels();
  if (!k || out.length < MIN_VALUES || out.length > MAX_VALUES || out.length % block !== 0) {
    return false;
  }
  const pb = stagedPointer(k, b, "ewblock", 0, block);
  if (pb === undefined) return false;
  const code = BINARY_OPS[op];
  // Whole blocks per chunk, so every chunk starts at the block's first value.
  const chunk = Math.max(1, Math.floor(CHUNK / block)) * block;
  return chunked([a], out, chunk, (fn, [pa], o, len) => fn.binary_f32(code, pa, pb, o, len, block));
}

/**
 * out[j] = Σ_r x[r·inner + j], accumulated in float64 in row order (then rounded once to
 * float32), as the TypeScript column sum does: bias gradients. No upper size limit: a sum writes
 * nothing back, so staging only copies a chunk into cache that the kernel then reads there, and
 * the TypeScript loop is slower at every size (bench/README.md).
 */
export function sumRowsWasm(x: Float32Array, inner: number, out: Float32Array): boolean {
  const k = wasmKernels();
  if (!k || x.length < MIN_VALUES || x.length % inner !== 0 || out.length !== inner) return false;
  // A float64 accumulator is two float32 slots wide.
  const accRegion = k.scratch.get("ewacc", 2 * inner);
  if (!accRegion) return false;
  const acc = new Float64Array(accRegion.buffer, accRegion.byteOffset, inner);
  acc.fill(0);
  const rowsPerChunk = Math.max(1, Math.floor(CHUNK / inner)), n = x.length;
  for (let i = 0; i < n; i += rowsPerChunk * inner) {
    const len = Math.min(rowsPerChunk * inner, n - i);
    const p = stagedPointer(k, x, "ew0", i, len);
    if (p === undefined) return false;
    k.fn.sum_rows_f64(p, acc.byteOffset, len / inner, inner);
  }
  out.set(acc);
  return true;
}

/**
 * a[from, to) += bias (repeating every bias.length values from `from`), then ReLU when `relu`:
 * the epilogue of a conv run, applied in place while the GEMM's output is still in cache. Same
 * results as the TypeScript `addBias` then ReLU. No size limits: the caller applies it to a
 * run it just wrote. False when it cannot run.
 */
export function biasReluInPlaceWasm(
  a: Float32Array,
  from: number,
  to: number,
  bias: Float32Array | undefined,
  relu: boolean,
): boolean {
  const k = wasmKernels();
  const block = bias?.length ?? 1;
  if (!k || (to - from) % block !== 0 || (!bias && !relu)) return false;
  const pb = bias ? stagedPointer(k, bias, "ewblock", 0, block) : 0;
  if (pb === undefined) return false;
  const chunk = Math.max(1, Math.floor(CHUNK / block)) * block, direct = k.heap.owns(a);
  // Staging memory is had before any chunk is touched: the work is in place, so declining
  // halfway would make the caller's fallback add the bias twice to the chunks already done.
  const staging = direct ? undefined : k.scratch.get("ewout", Math.min(chunk, to - from));
  if (!direct && !staging) return false;
  for (let i = from; i < to; i += chunk) {
    const len = Math.min(chunk, to - i);
    const s = staging ? staging.subarray(0, len) : a.subarray(i, i + len);
    if (staging) s.set(a.subarray(i, i + len));
    if (bias) k.fn.binary_f32(BINARY_OPS.add, s.byteOffset, pb, s.byteOffset, len, block);
    if (relu) k.fn.relu_f32(s.byteOffset, s.byteOffset, len);
    if (staging) a.set(s, i);
  }
  return true;
}
