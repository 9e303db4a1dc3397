import { type ConvGeometry, isDilated } from "../im2col.ts";
import { stagedPointer } from "./heap.ts";
import { wasmKernels } from "./module.ts";

/**
 * im2col and col2im (im2col.ts) through the WASM SIMD kernels, for float32. The column matrix
 * must live in the WASM heap (`wasmCols`); the GEMMs read and write it there through its view.
 * Input samples are copied in and dx copied out, both KH·KW times smaller than the columns.
 * Each returns false, having done nothing, when the kernels are unavailable, memory is short or
 * the filter is dilated (kernels.c has no dilation); the caller then runs the TypeScript loop.
 */

/** A column buffer of n values in the WASM heap's "cols" slot, or undefined. */
export function wasmCols(n: number): Float32Array | undefined {
  return wasmKernels()?.scratch.get("cols", n);
}

/** im2col of samples [b0, b0 + nb) of x into `cols` (a WASM heap view). */
export function im2colWasm(
  x: Float32Array,
  g: ConvGeometry,
  b0: number,
  nb: number,
  cols: Float32Array,
): boolean {
  const k = wasmKernels();
  if (!k || !k.heap.owns(cols) || isDilated(g)) return false;
  const src = stagedPointer(k, x, "input", b0 * g.h * g.w * g.cin, nb * g.h * g.w * g.cin);
  if (src === undefined) return false;
  const { h, w, cin, kh, kw, oh, ow, sh, sw, top, left } = g;
  const [p, c] = [src, cols.byteOffset];
  if (cin === 1) k.fn.im2col1_f32(p, c, nb, h, w, kh, kw, oh, ow, sh, sw, top, left);
  else k.fn.im2col_f32(p, c, nb, h, w, cin, kh, kw, oh, ow, sh, sw, top, left);
  return true;
}

/**
 * Tap-major im2col ([K, nb·OH·OW], kernels.c's im2col_t1) of samples [b0, b0 + nb) of a
 * one-channel x into `cols` (a WASM heap view); needs horizontal stride 1.
 */
export function im2colTapMajorWasm(
  x: Float32Array,
  g: ConvGeometry,
  b0: number,
  nb: number,
  cols: Float32Array,
): boolean {
  const k = wasmKernels();
  if (!k || !k.heap.owns(cols) || g.cin !== 1 || g.sw !== 1 || isDilated(g)) return false;
  const src = stagedPointer(k, x, "input", b0 * g.h * g.w, nb * g.h * g.w);
  if (src === undefined) return false;
  const { h, w, kh, kw, oh, ow, sh, top, left } = g;
  k.fn.im2col_t1_f32(src, cols.byteOffset, nb, h, w, kh, kw, oh, ow, sh, top, left);
  return true;
}

/** Overwrites samples [b0, b0 + nb) of dx with col2im of `cols` (a WASM heap view). */
export function col2imWasm(
  cols: Float32Array,
  g: ConvGeometry,
  b0: number,
  nb: number,
  dx: Float32Array,
): boolean {
  const k = wasmKernels();
  if (!k || !k.heap.owns(cols) || isDilated(g)) return false;
  const size = g.h * g.w * g.cin;
  const direct = k.heap.owns(dx);
  const target = direct
    ? dx.subarray(b0 * size, (b0 + nb) * size)
    : k.scratch.get("output", nb * size);
  if (!target) return false;
  const { h, w, cin, kh, kw, oh, ow, sh, sw, top, left } = g;
  const [c, t] = [cols.byteOffset, target.byteOffset];
  k.fn.col2im_f32(c, t, nb, h, w, cin, kh, kw, oh, ow, sh, sw, top, left);
  if (!direct) dx.set(target, b0 * size);
  return true;
}
