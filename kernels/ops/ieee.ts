/**
 * The scalar IEEE rules the ops share (docs/ARCHITECTURE.md, "Numerics: NaN, Inf, empty,
 * out-of-range"): every backend's kernels implement these, the CPU reference kernels call them.
 * Internal: not re-exported by ops/all.ts.
 */

/**
 * IEEE 754-2019 maximum: NaN when either is NaN (the first NaN's bits), and −0 below +0, so
 * the result never depends on operand order and the max reduction can fold in any order.
 */
export function maximumOf(x: number, y: number): number {
  if (x !== x) return x;
  if (y !== y || y > x) return y;
  if (x > y) return x;
  return Object.is(x, -0) ? y : x;
}
/** IEEE 754-2019 minimum: NaN when either is NaN, −0 below +0. */
export function minimumOf(x: number, y: number): number {
  if (x !== x) return x;
  if (y !== y || y < x) return y;
  if (x < y) return x;
  return Object.is(x, -0) ? x : y;
}
/**
 * A float as int32: truncated toward zero and saturated to [−2³¹, 2³¹ − 1] (±Infinity too);
 * NaN is 0. Rust's `as` and WASM's trunc_sat use the same rule; an Int32Array store would
 * wrap modulo 2³² instead, and PyTorch/NumPy give −2³¹ for all of these (undefined in C).
 */
export function toInt32(v: number): number {
  if (v !== v) return 0;
  return v >= 2147483647 ? 2147483647 : v <= -2147483648 ? -2147483648 : Math.trunc(v);
}
