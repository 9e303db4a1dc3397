import type { GpuKernel } from "../wgsl.ts";

/**
 * WGSL helpers for the IEEE rules every backend shares (docs/ARCHITECTURE.md, "Numerics"). WGSL
 * lets an implementation assume no NaN or infinity at run time, and its `max`/`min` may return
 * either operand when one is NaN, so NaN is detected on the bits, which no optimiser can fold.
 */
export const NUMERICS_WGSL = `fn isnan_(v: f32) -> bool {
  return (bitcast<u32>(v) & 0x7fffffffu) > 0x7f800000u;
}
// IEEE 754-2019 maximum and minimum, the CPU's rule: NaN when either is NaN, −0 below +0.
fn maxnan_(a: f32, b: f32) -> f32 {
  if (isnan_(a)) { return a; }
  if (isnan_(b) || b > a) { return b; }
  if (a > b) { return a; }
  return select(a, b, (bitcast<u32>(a) & 0x80000000u) != 0u);
}
fn minnan_(a: f32, b: f32) -> f32 {
  if (isnan_(a)) { return a; }
  if (isnan_(b) || b < a) { return b; }
  if (a < b) { return a; }
  return select(b, a, (bitcast<u32>(a) & 0x80000000u) != 0u);
}
// f32 to i32: truncated, saturated to [-2^31, 2^31 - 1] (infinities too), NaN to 0.
fn toi32_(v: f32) -> i32 {
  let t = i32(clamp(v, -2147483648.0, 2147483520.0));
  return select(select(t, 2147483647, v >= 2147483648.0), 0, isnan_(v));
}`;

/**
 * WGSL `fn plusZero_(v) -> f32`: v with −0 made +0, on the bits. The reference sums start at +0,
 * so they are never −0; a shader compiler may fold the first `0.0 + t` into t and keep a −0
 * product, so a kernel whose sum the reference starts at +0 ends it with this.
 */
export const PLUS_ZERO_WGSL = `fn plusZero_(v: f32) -> f32 {
  let b = bitcast<u32>(v);
  return bitcast<f32>(select(b, 0u, b == 0x80000000u));
}`;

/** `k` with the helpers above defined before its code. */
export function withNumerics(k: GpuKernel): GpuKernel {
  return { ...k, code: `${NUMERICS_WGSL}\n${k.code}` };
}
