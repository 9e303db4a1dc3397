import { stagedPointer } from "./heap.ts";
import { wasmKernels } from "./module.ts";

/**
 * 2×2, stride-2, unpadded max pooling and its gradient on float32 NHWC through the WASM SIMD
 * kernels, for channel counts divisible by 4. Samples go through the WASM heap in chunks of at
 * most CHUNK_VALUES input values (or one sample), so staging memory stays bounded whatever the
 * batch. Each
 * returns false when the kernels are unavailable or memory is short, possibly after writing part
 * of the output; the caller then runs a TypeScript loop that writes all of it (`chunkValues` is
 * there for tests).
 */

/**
 * Input values staged per chunk (whole samples, at least one): 64 K (256 KB), so a chunk is still
 * in cache when the kernel reads it and when its output is copied out; 4 M-value chunks went
 * through memory at each of those steps and were slower in training steps (bench/README.md).
 */
const CHUNK_VALUES = 64 * 1024;

/** Pooling shape: x [n, h, w, c] pooled to [n, oh, ow, c]. */
export interface Pool2x2Shape {
  n: number;
  h: number;
  w: number;
  c: number;
  oh: number;
  ow: number;
}

/** Calls `run(b0, nb)` over the batch in chunks of whole samples; false as soon as one is. */
function byChunks(
  s: Pool2x2Shape,
  chunkValues: number,
  run: (b0: number, nb: number) => boolean,
): boolean {
  const chunk = Math.max(1, Math.floor(chunkValues / (s.h * s.w * s.c)));
  for (let b0 = 0; b0 < s.n; b0 += chunk) {
    if (!run(b0, Math.min(chunk, s.n - b0))) return false;
  }
  return true;
}

/** out = maxPool2x2(x); false when the WASM path cannot run (c % 4 ≠ 0 included). */
export function maxPool2x2Wasm(
  x: Float32Array,
  s: Pool2x2Shape,
  out: Float32Array,
  chunkValues = CHUNK_VALUES,
): boolean {
  const k = wasmKernels();
  if (!k || s.c % 4 !== 0) return false;
  const inSize = s.h * s.w * s.c, outSize = s.oh * s.ow * s.c;
  return byChunks(s, chunkValues, (b0, nb) => {
    const px = stagedPointer(k, x, "input", b0 * inSize, nb * inSize);
    const ys = k.scratch.get("output", nb * outSize);
    if (px === undefined || !ys) return false;
    k.fn.maxpool2x2_f32(px, ys.byteOffset, nb, s.h, s.w, s.c, s.oh, s.ow);
    out.set(ys, b0 * outSize);
    return true;
  });
}

/** dx = gradient of maxPool2x2 at x given dy; false when the WASM path cannot run. */
export function maxPool2x2GradWasm(
  x: Float32Array,
  dy: Float32Array,
  s: Pool2x2Shape,
  dx: Float32Array,
  chunkValues = CHUNK_VALUES,
): boolean {
  const k = wasmKernels();
  if (!k || s.c % 4 !== 0) return false;
  const inSize = s.h * s.w * s.c, outSize = s.oh * s.ow * s.c;
  return byChunks(s, chunkValues, (b0, nb) => {
    const px = stagedPointer(k, x, "input", b0 * inSize, nb * inSize);
    const pg = stagedPointer(k, dy, "dy", b0 * outSize, nb * outSize);
    const ds = k.scratch.get("output", nb * inSize);
    if (px === undefined || pg === undefined || !ds) return false;
    k.fn.maxpool2x2_grad_f32(px, pg, ds.byteOffset, nb, s.h, s.w, s.c, s.oh, s.ow);
    dx.set(ds, b0 * inSize);
    return true;
  });
}
