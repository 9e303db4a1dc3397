import type { FloatArray } from "../dtype.ts";
import { colsForKeeping, keepCols, recycleCols, takeCols } from "./cols_cache.ts";
import {
  colsKey,
  runLength,
  tapMajor,
  TRANSPOSED_FILTER_GRAD_MIN_K,
  transposeInto,
} from "./conv2d_plan.ts";
import { openBlasPath } from "./gemm_dispatch.ts";
import { type ConvGeometry, isDilated, isPointwise } from "./im2col.ts";
import { CommandList } from "./parallel/commands.ts";
import { announcePair, runPair } from "./parallel/helper.ts";
import { BINARY_OPS } from "./wasm/elementwise_wasm.ts";
import { f32ptr, stagedPointer } from "./wasm/heap.ts";
import { type WasmKernels, wasmKernels } from "./wasm/module.ts";

/**
 * The three im2col conv2d passes of conv2d_fast.ts with the batch cut in two halves, each half
 * a command list (im2col, GEMM, epilogue or col2im per run) that parallel/helper.ts runs on its
 * own core, GEMMs on one OpenBLAS thread each. Used for float32 with the WASM kernels and
 * OpenBLAS, batches of two or more, and every window but a pointwise one. The choice depends on
 * those alone, and the halves give the same numbers on one thread or two, so a run's numbers
 * never depend on whether the helper thread was up.
 *
 * Every bench workload trains faster this way than on the single-threaded passes, whose big GEMMs
 * run on OpenBLAS's two threads (bench/split_ab.ts; numbers in bench/README.md). All passes are
 * split, also those whose GEMM would get two OpenBLAS threads: OpenBLAS's own threads poll for a
 * while after a two-thread GEMM and take the core from the helper.
 *
 * The filter gradient sums each half into its own buffer and adds the two at the end.
 */

let splitting = true;

/**
 * Switches the split passes on or off (on by default) and returns the previous setting. Off,
 * every pass runs conv2d_fast.ts's single-threaded runs, which sum in another order: tests use it
 * to compare the WASM kernels with the TypeScript loops on the same runs.
 */
export function setConvSplit(on: boolean): boolean {
  const was = splitting;
  splitting = on;
  return was;
}

/** The command lists of the two halves, reused pass after pass (runPair finishes with them). */
const halfLists = [new CommandList(), new CommandList()];

/** Half i's command list, emptied. */
function emptyList(i: number): CommandList {
  halfLists[i].clear();
  return halfLists[i];
}

/** The two halves of a batch of n samples: [start, end) each. */
function halves(n: number): [number, number][] {
  const h = Math.ceil(n / 2);
  return [[0, h], [h, n]];
}

/** The runs [b0, nb) of samples [s0, s1), at most `run` samples each. */
function runsOf(s0: number, s1: number, run: number): [number, number][] {
  const runs: [number, number][] = [];
  for (let b0 = s0; b0 < s1; b0 += run) runs.push([b0, Math.min(run, s1 - b0)]);
  return runs;
}

/** The kernels when a pass on x may be split, else undefined. */
function splittable(x: FloatArray, g: ConvGeometry): WasmKernels | undefined {
  // The halves run the WASM im2col/col2im, which have no dilation.
  if (!splitting || !(x instanceof Float32Array) || g.n < 2 || isPointwise(g) || isDilated(g)) {
    return undefined;
  }
  const k = wasmKernels();
  if (!k || openBlasPath() === undefined) return undefined;
  announcePair(k);
  return k;
}

/** A heap region for an output of n values: `out` itself when it lives there, else `slot`. */
function outputRegion(k: WasmKernels, out: Float32Array, slot: string) {
  return k.heap.owns(out) ? out : k.scratch.get(slot, out.length);
}

/** Kept columns `cols` when they lie in the heap (float32), else recycled and undefined. */
function inHeap(k: WasmKernels, cols: FloatArray | undefined): Float32Array | undefined {
  if (cols instanceof Float32Array && k.heap.owns(cols)) return cols;
  if (cols) recycleCols(cols);
  return undefined;
}

/** The kept-columns key of a split pass: tap-major runs follow the halves, so they differ. */
function splitKey(g: ConvGeometry, tm: boolean): string {
  return tm ? `${colsKey(g, tm)},halves` : colsKey(g, tm);
}

/** Appends im2col of samples [b0, b0 + nb) at byte pointer x into byte pointer cols. */
function im2colCall(
  l: CommandList,
  g: ConvGeometry,
  x: number,
  cols: number,
  nb: number,
  tm: boolean,
) {
  const { h, w, cin, kh, kw, oh, ow, sh, sw, top, left } = g;
  if (tm) l.call("im2col_t1_f32", x, cols, nb, h, w, kh, kw, oh, ow, sh, top, left);
  else if (cin === 1) l.call("im2col1_f32", x, cols, nb, h, w, kh, kw, oh, ow, sh, sw, top, left);
  else l.call("im2col_f32", x, cols, nb, h, w, cin, kh, kw, oh, ow, sh, sw, top, left);
}

/**
 * conv2dForward split in halves; false (nothing done) when it does not apply or memory is short.
 * Same arguments as conv2dForward, after its geometry.
 */
export function conv2dForwardSplit(
  x: FloatArray,
  g: ConvGeometry,
  w: FloatArray,
  out: FloatArray,
  keep: boolean,
  bias: FloatArray | undefined,
  relu: boolean,
): boolean {
  const K = g.kh * g.kw * g.cin, P = g.oh * g.ow, co = g.cout;
  const k = splittable(x, g);
  if (!k || !(w instanceof Float32Array) || !(out instanceof Float32Array)) return false;
  if (bias && !(bias instanceof Float32Array)) return false;
  const tm = tapMajor(x, g), run = runLength(g), size = g.h * g.w * g.cin;
  const xp = stagedPointer(k, x as Float32Array, "split.x"), wp = stagedPointer(k, w, "split.w");
  const bp = bias ? stagedPointer(k, bias, "split.bias") : 0;
  const o = outputRegion(k, out, "split.out");
  const kept = inHeap(k, keep ? colsForKeeping(x, g.n * P * K) : undefined);
  const cols = halves(g.n).map((_, i) =>
    kept ? kept : k.scratch.get(`split.cols${i}`, run * P * K)
  );
  if (xp === undefined || wp === undefined || bp === undefined || !o || cols.some((c) => !c)) {
    if (kept) recycleCols(kept);
    return false;
  }
  const lists = halves(g.n).map(([s0, s1], i) => {
    const l = emptyList(i), c = cols[i]!;
    for (const [b0, nb] of runsOf(s0, s1, run)) {
      const rows = nb * P, cp = f32ptr(c, kept ? b0 * P * K : 0), op = f32ptr(o, b0 * P * co);
      im2colCall(l, g, f32ptr(xp, b0 * size), cp, nb, tm);
      // out[rows, co] = cols·w; tap-major columns are colsᵀ [K, rows].
      const lda = tm ? rows : K;
      l.gemm({ transA: tm, m: rows, n: co, k: K, a: cp, lda, b: wp, ldb: co, c: op, ldc: co });
      // Added after the sum, then ReLU, exactly as the single-threaded epilogue.
      if (bias) l.call("binary_f32", BINARY_OPS.add, op, bp, op, rows * co, co);
      if (relu) l.call("relu_f32", op, op, rows * co);
    }
    return l;
  });
  runPair(lists[0], lists[1], k);
  if (o !== out) out.set(o);
  if (kept) keepCols(x, splitKey(g, tm), kept);
  return true;
}

/** conv2dBackpropInput split in halves; false (nothing done) when it does not apply. */
export function conv2dBackpropInputSplit(
  dy: FloatArray,
  g: ConvGeometry,
  w: FloatArray,
  dx: FloatArray,
): boolean {
  const K = g.kh * g.kw * g.cin, P = g.oh * g.ow, co = g.cout;
  const k = splittable(dy, g);
  if (!k || !(w instanceof Float32Array) || !(dx instanceof Float32Array)) return false;
  const run = runLength(g), size = g.h * g.w * g.cin;
  const dyp = stagedPointer(k, dy as Float32Array, "split.dy"), wp = stagedPointer(k, w, "split.w");
  const o = outputRegion(k, dx, "split.dx");
  const cols = [0, 1].map((i) => k.scratch.get(`split.cols${i}`, run * P * K));
  if (dyp === undefined || wp === undefined || !o || cols.some((c) => !c)) return false;
  const { h, w: width, cin, kh, kw, oh, ow, sh, sw, top, left } = g;
  const lists = halves(g.n).map(([s0, s1], i) => {
    const l = emptyList(i), cp = f32ptr(cols[i]!);
    for (const [b0, nb] of runsOf(s0, s1, run)) {
      // cols[rows, K] = dy·wᵀ, then col2im sums the columns into dx.
      const a = f32ptr(dyp, b0 * P * co), dxp = f32ptr(o, b0 * size);
      l.gemm({ transB: true, m: nb * P, n: K, k: co, a, lda: co, b: wp, ldb: co, c: cp, ldc: K });
      l.call("col2im_f32", cp, dxp, nb, h, width, cin, kh, kw, oh, ow, sh, sw, top, left);
    }
    return l;
  });
  runPair(lists[0], lists[1], k);
  if (o !== dx) dx.set(o);
  return true;
}

/** conv2dBackpropFilter split in halves; false (nothing done) when it does not apply. */
export function conv2dBackpropFilterSplit(
  x: FloatArray,
  g: ConvGeometry,
  dy: FloatArray,
  dw: FloatArray,
): boolean {
  const K = g.kh * g.kw * g.cin, P = g.oh * g.ow, co = g.cout;
  const transposed = K >= TRANSPOSED_FILTER_GRAD_MIN_K;
  const k = splittable(x, g);
  if (!k || !(dy instanceof Float32Array) || !(dw instanceof Float32Array)) return false;
  const tm = tapMajor(x, g), run = runLength(g), size = g.h * g.w * g.cin;
  const kept = inHeap(k, takeCols(x, splitKey(g, tm)));
  const dyp = stagedPointer(k, dy, "split.dy");
  const xp = kept ? 0 : stagedPointer(k, x as Float32Array, "split.x");
  const partial = [0, 1].map((i) => k.scratch.get(`split.dw${i}`, K * co));
  const cols = [0, 1].map((i) => kept ? kept : k.scratch.get(`split.cols${i}`, run * P * K));
  if (
    dyp === undefined || xp === undefined || partial.some((p) => !p) || cols.some((c) => !c)
  ) {
    if (kept) recycleCols(kept);
    return false;
  }
  const lists = halves(g.n).map(([s0, s1], i) => {
    const l = emptyList(i), target = f32ptr(partial[i]!);
    // dw[K, co] += colsᵀ·dy, or dwᵀ[co, K] += dyᵀ·cols, over `rows` rows from row r0; the
    // half's first GEMM overwrites its buffer (beta 0). Tap-major columns are colsᵀ already.
    const accumulate = (cp: number, r0: number, rows: number, beta: number) => {
      const ld = tm ? rows : K, dp = f32ptr(dyp, r0 * co);
      const operands = transposed
        ? { transA: true, transB: tm, m: co, n: K, a: dp, lda: co, b: cp, ldb: ld, ldc: K }
        : { transA: !tm, m: K, n: co, a: cp, lda: ld, b: dp, ldb: co, ldc: co };
      l.gemm({ ...operands, k: rows, beta, c: target });
    };
    if (kept && !tm) {
      accumulate(f32ptr(kept, s0 * P * K), s0 * P, (s1 - s0) * P, 0);
      return l;
    }
    for (const [b0, nb] of runsOf(s0, s1, run)) {
      const cp = f32ptr(cols[i]!, kept ? b0 * P * K : 0);
      if (!kept) im2colCall(l, g, f32ptr(xp, b0 * size), cp, nb, tm);
      accumulate(cp, b0 * P, nb * P, b0 === s0 ? 0 : 1);
    }
    return l;
  });
  runPair(lists[0], lists[1], k);
  if (kept) recycleCols(kept);
  const [d0, d1] = partial as Float32Array[];
  const sum = transposed ? d0 : dw;
  for (let i = 0; i < K * co; i++) sum[i] = d0[i] + d1[i];
  if (transposed) transposeInto(sum, K, co, dw);
  return true;
}
