/**
 * Seeded test arrays for the CPU kernel tests (gemm, OpenBLAS, conv2d): a linear congruential
 * sequence, so a failure reproduces from its seed alone.
 * @module
 */

/** The element types the CPU kernels take. */
export type FloatCtor = Float32ArrayConstructor | Float64ArrayConstructor;

/** `n` deterministic uniform values in [-1, 1) of type `ctor`, from `seed`. */
export function filled(ctor: FloatCtor, n: number, seed: number): Float32Array | Float64Array {
  const out = new ctor(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}
