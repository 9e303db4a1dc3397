import type { ConvGeometry } from "../im2col.ts";
import { wasmKernels } from "./module.ts";

/**
 * im2col and col2im (im2col.ts) through the WASM SIMD kernels, for float32. The column matrix
 * must live in the WASM heap (`wasmCols`); the GEMMs read and write it there through its view.
 * Input samples are copied in and dx copied out, both KH·KW times smaller than the columns.
 * Each returns false, having done nothing, when the kernels are unavailable or memory is short;
 * the caller then runs the TypeScript loop.
 */

/** A column buffer of n values in the WASM heap's "cols" slot, or undefined. */
export function wasmCols(n: number): Float32Array | undefined {
  return wasmKernels()?.scratch.get("cols", n);
}

/** The geometry's arguments in kernels.c's order, after the two pointers and nb. */
function dims(g: ConvGeometry): number[] {
  return [g.h, g.w, g.cin, g.kh, g.kw, g.oh, g.ow, g.sh, g.sw, g.top, g.left];
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
  if (!k || !k.heap.owns(cols)) return false;
  const size = g.h * g.w * g.cin;
  let src = x.subarray(b0 * size, (b0 + nb) * size);
  if (!k.heap.owns(x)) {
    const staged = k.scratch.get("input", nb * size);
    if (!staged) return false;
    staged.set(src);
    src = staged;
  }
  const [h, w, cin, ...rest] = dims(g);
  if (cin === 1) k.fn.im2col1_f32(src.byteOffset, cols.byteOffset, nb, h, w, ...rest as Tail);
  else k.fn.im2col_f32(src.byteOffset, cols.byteOffset, nb, h, w, cin, ...rest as Tail);
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
  if (!k || !k.heap.owns(cols) || g.cin !== 1 || g.sw !== 1) return false;
  const size = g.h * g.w;
  let src = x.subarray(b0 * size, (b0 + nb) * size);
  if (!k.heap.owns(x)) {
    const staged = k.scratch.get("input", nb * size);
    if (!staged) return false;
    staged.set(src);
    src = staged;
  }
  // deno-fmt-ignore
  k.fn.im2col_t1_f32(
    src.byteOffset, cols.byteOffset, nb, g.h, g.w, g.kh, g.kw, g.oh, g.ow, g.sh, g.top, g.left,
  );
  return true;
}

type Tail = [number, number, number, number, number, number, number, number];

/** Overwrites samples [b0, b0 + nb) of dx with col2im of `cols` (a WASM heap view). */
export function col2imWasm(
  cols: Float32Array,
  g: ConvGeometry,
  b0: number,
  nb: number,
  dx: Float32Array,
): boolean {
  const k = wasmKernels();
  if (!k || !k.heap.owns(cols)) return false;
  const size = g.h * g.w * g.cin;
  const direct = k.heap.owns(dx);
  const target = direct
    ? dx.subarray(b0 * size, (b0 + nb) * size)
    : k.scratch.get("output", nb * size);
  if (!target) return false;
  const [h, w, cin, ...rest] = dims(g);
  k.fn.col2im_f32(cols.byteOffset, target.byteOffset, nb, h, w, cin, ...rest as Tail);
  if (!direct) dx.set(target, b0 * size);
  return true;
}
