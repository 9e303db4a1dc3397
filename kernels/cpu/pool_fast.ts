import type { FloatArray } from "../dtype.ts";
import { windowOutput } from "../ops/conv_window.ts";
import { forEachWindow, type PoolAttrs } from "../ops/pool_window.ts";
import { type CpuKernel, fastKernel } from "./cpu_kernel.ts";
import type { KernelConfig } from "../kernel_registry.ts";
import { maxPool2x2GradWasm, maxPool2x2Wasm, type Pool2x2Shape } from "./wasm/pool_wasm.ts";

/**
 * Fast CPU max pooling and its gradient. The reference visits one (output, channel) at a time
 * through a callback; here the window positions are the outer loops and the channels the inner
 * one, over contiguous NHWC memory. On float32 with channels in fours, the 2×2 case runs as
 * WASM SIMD (wasm/kernels.c) when the runtime has it. The forward pass keeps the running maximum in `out` itself
 * and the gradient keeps per-channel winners in two small scratch arrays, so neither allocates
 * per call; the common 2×2, stride-2, unpadded window has its own unrolled loop. Same rule as
 * the reference: the first maximum in window order wins, padding never does, the first NaN of
 * a window wins (its output is NaN, its gradient goes there), and a window made only of
 * padding gives 0.
 */

/** The pooled shape plus the window, its strides and the leading pads. */
interface Geometry extends Pool2x2Shape {
  ph: number;
  pw: number;
  sh: number;
  sw: number;
  top: number;
  left: number;
}

function geometry(xShape: number[], attrs: PoolAttrs): Geometry {
  const [n, h, w, c] = xShape;
  const { pool: [ph, pw], strides: [sh, sw], pads } = attrs;
  const [oh, ow] = windowOutput("maxPool2d", h, w, ph, pw, [sh, sw], pads);
  return { n, h, w, c, oh, ow, ph, pw, sh, sw, top: pads.top, left: pads.left };
}

/** 2×2 windows at stride 2 that all lie inside the input: every window has its four taps. */
function isPlain2x2(g: Geometry): boolean {
  return g.ph === 2 && g.pw === 2 && g.sh === 2 && g.sw === 2 && g.top === 0 && g.left === 0 &&
    2 * g.oh <= g.h && 2 * g.ow <= g.w;
}

/** Calls `visit(yBase, xBase, first)` for every in-bounds tap of every window, in window order. */
function forEachTap(
  x: readonly number[],
  attrs: PoolAttrs,
  visit: (yBase: number, xBase: number, first: boolean) => void,
  done: (yBase: number, any: boolean) => void,
): void {
  forEachWindow("maxPool2d", x, attrs, (yBase, taps, count) => {
    for (let t = 0; t < count; t++) visit(yBase, taps[t], t === 0);
    done(yBase, count > 0);
  });
}

function maxPool2x2(x: FloatArray, g: Geometry, out: FloatArray): void {
  const { n, w, c, oh, ow, h } = g;
  const row = w * c;
  let k = 0;
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < oh; oy++) {
      const r0 = (b * h + 2 * oy) * row;
      for (let ox = 0; ox < ow; ox++) {
        const p = r0 + 2 * ox * c;
        for (let ch = 0; ch < c; ch++, k++) {
          const q = p + ch;
          let m = x[q];
          const v1 = x[q + c], v2 = x[q + row], v3 = x[q + row + c];
          // The first NaN wins: it replaces a number, and nothing replaces it.
          if (m === m && (v1 > m || v1 !== v1)) m = v1;
          if (m === m && (v2 > m || v2 !== v2)) m = v2;
          if (m === m && (v3 > m || v3 !== v3)) m = v3;
          out[k] = m;
        }
      }
    }
  }
}

function maxPool2x2Grad(x: FloatArray, dy: FloatArray, g: Geometry, out: FloatArray): void {
  const { n, w, c, oh, ow, h } = g;
  const row = w * c;
  let k = 0;
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < oh; oy++) {
      const r0 = (b * h + 2 * oy) * row;
      for (let ox = 0; ox < ow; ox++) {
        const p = r0 + 2 * ox * c;
        for (let ch = 0; ch < c; ch++, k++) {
          let at = p + ch, m = x[at];
          const q1 = at + c, q2 = at + row, q3 = at + row + c;
          // The first NaN wins: a NaN replaces a number, nothing replaces a NaN.
          if (m === m && (x[q1] > m || x[q1] !== x[q1])) m = x[at = q1];
          if (m === m && (x[q2] > m || x[q2] !== x[q2])) m = x[at = q2];
          if (m === m && (x[q3] > m || x[q3] !== x[q3])) at = q3;
          // Stride = window: every input is in one window, so its gradient is just this one.
          out[at] = 0 + dy[k]; // as the reference's 0 += dy: a −0 gradient becomes +0
        }
      }
    }
  }
}

/*
 * Branchless 2×2 on float32. On post-ReLU activations "is this tap larger" is a coin flip, and
 * the branchy loops above mispredict it (bench/README.md). Here each float's bits
 * become an int key with the float order (−0 and +0 equal), and a −1/0 mask picks the winner, so
 * nothing branches. Ties keep the earlier tap, as in the reference. NaN has no place in that
 * order: the loops note any NaN and the caller reruns the branchy loop, which keeps the
 * reference's NaN rule.
 */
const MAG = 0x7fffffff;
const INF_BITS = 0x7f800000;

/** −1 when a < b, else 0, for any int32 a and b (the subtraction's overflow is corrected). */
function lessMask(a: number, b: number): number {
  const d = (a - b) | 0;
  return (d ^ ((a ^ b) & (d ^ a))) >> 31;
}

function bitsOf(a: Float32Array): Int32Array {
  return new Int32Array(a.buffer, a.byteOffset, a.length);
}

/** Float order as int order: sign-magnitude bits to two's complement (−0 → 0). */
function key(bits: number): number {
  const s = bits >> 31;
  return ((bits & MAG) ^ s) - s;
}

/** False when x held a NaN (out is then incomplete and the caller must rerun). */
function maxPool2x2Bits(x: Float32Array, g: Geometry, out: Float32Array): boolean {
  const { n, w, c, oh, ow, h } = g;
  const xi = bitsOf(x), oi = bitsOf(out);
  const row = w * c;
  let nan = 0, k = 0;
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < oh; oy++) {
      const r0 = (b * h + 2 * oy) * row;
      for (let ox = 0; ox < ow; ox++) {
        const p = r0 + 2 * ox * c;
        for (let ch = 0; ch < c; ch++, k++) {
          const q = p + ch;
          let wb = xi[q], wk = key(wb);
          nan |= INF_BITS - (wb & MAG);
          let vb = xi[q + c], vk = key(vb), gt = lessMask(wk, vk);
          nan |= INF_BITS - (vb & MAG);
          wk ^= (wk ^ vk) & gt;
          wb ^= (wb ^ vb) & gt;
          vb = xi[q + row], vk = key(vb), gt = lessMask(wk, vk);
          nan |= INF_BITS - (vb & MAG);
          wk ^= (wk ^ vk) & gt;
          wb ^= (wb ^ vb) & gt;
          vb = xi[q + row + c], vk = key(vb), gt = lessMask(wk, vk);
          nan |= INF_BITS - (vb & MAG);
          wb ^= (wb ^ vb) & gt;
          oi[k] = wb;
        }
      }
    }
  }
  return nan >= 0;
}

/** False when x held a NaN (out is then partly written and the caller must rerun). */
function maxPool2x2GradBits(
  x: Float32Array,
  dy: FloatArray,
  g: Geometry,
  out: FloatArray,
): boolean {
  const { n, w, c, oh, ow, h } = g;
  const xi = bitsOf(x);
  const row = w * c;
  let nan = 0, k = 0;
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < oh; oy++) {
      const r0 = (b * h + 2 * oy) * row;
      for (let ox = 0; ox < ow; ox++) {
        const p = r0 + 2 * ox * c;
        for (let ch = 0; ch < c; ch++, k++) {
          let at = p + ch, wk = key(xi[at]);
          nan |= INF_BITS - (xi[at] & MAG);
          let q = at + c, vb = xi[q], vk = key(vb), gt = lessMask(wk, vk);
          nan |= INF_BITS - (vb & MAG);
          wk ^= (wk ^ vk) & gt;
          at ^= (at ^ q) & gt;
          q = p + ch + row, vb = xi[q], vk = key(vb), gt = lessMask(wk, vk);
          nan |= INF_BITS - (vb & MAG);
          wk ^= (wk ^ vk) & gt;
          at ^= (at ^ q) & gt;
          q = p + ch + row + c, vb = xi[q], vk = key(vb), gt = lessMask(wk, vk);
          nan |= INF_BITS - (vb & MAG);
          at ^= (at ^ q) & gt;
          out[at] = 0 + dy[k]; // as the reference's 0 += dy: a −0 gradient becomes +0
        }
      }
    }
  }
  return nan >= 0;
}

// Per-channel scratch of the general gradient: the best value so far and its index.
let best = new Float64Array(0);
let where = new Int32Array(0);

const maxPool2dFast: CpuKernel = ([x], attrs, out) => {
  const xd = x.data as FloatArray, o = out as FloatArray;
  const g = geometry(x.shape, attrs as PoolAttrs);
  if (isPlain2x2(g)) {
    const f32 = xd instanceof Float32Array && o instanceof Float32Array;
    if (f32 && maxPool2x2Wasm(xd, g, o)) return;
    if (!f32 || !maxPool2x2Bits(xd, g, o)) maxPool2x2(xd, g, o);
    return;
  }
  const c = g.c;
  forEachTap(x.shape, attrs as PoolAttrs, (yBase, xBase, first) => {
    if (first) {
      for (let ch = 0; ch < c; ch++) o[yBase + ch] = xd[xBase + ch];
      return;
    }
    for (let ch = 0; ch < c; ch++) {
      const v = xd[xBase + ch], m = o[yBase + ch];
      if (m === m && (v > m || v !== v)) o[yBase + ch] = v;
    }
  }, (yBase, any) => {
    if (!any) o.fill(0, yBase, yBase + c);
  });
};

const maxPool2dGradFast: CpuKernel = ([x, dy], attrs, out) => {
  const xd = x.data as FloatArray, g = dy.data as FloatArray, o = out as FloatArray;
  const geo = geometry(x.shape, attrs as PoolAttrs);
  if (isPlain2x2(geo)) {
    const f32 = xd instanceof Float32Array && g instanceof Float32Array &&
      o instanceof Float32Array;
    if (f32 && maxPool2x2GradWasm(xd, g, geo, o)) return;
    // The TypeScript loops write only the winners.
    o.fill(0);
    if (xd instanceof Float32Array && maxPool2x2GradBits(xd, g, geo, o)) return;
    // A NaN stopped the branchless loop midway: start over with the branchy one.
    o.fill(0);
    maxPool2x2Grad(xd, g, geo, o);
    return;
  }
  const c = geo.c;
  o.fill(0); // gradients are added on below
  if (best.length < c) [best, where] = [new Float64Array(c), new Int32Array(c)];
  forEachTap(x.shape, attrs as PoolAttrs, (_yBase, xBase, first) => {
    if (first) {
      for (let ch = 0; ch < c; ch++) {
        best[ch] = xd[xBase + ch];
        where[ch] = xBase + ch;
      }
      return;
    }
    for (let ch = 0; ch < c; ch++) {
      const v = xd[xBase + ch], m = best[ch];
      if (m === m && (v > m || v !== v)) {
        best[ch] = v;
        where[ch] = xBase + ch;
      }
    }
  }, (yBase, any) => {
    if (any) { for (let ch = 0; ch < c; ch++) o[where[ch]] += g[yBase + ch]; }
  });
};

/** The registry entries of this file's kernels (registered by cpu/register_all.ts). */
export const poolFastKernels: KernelConfig<CpuKernel>[] = [
  fastKernel("maxPool2d", maxPool2dFast, { overwrites: true }),
  fastKernel("maxPool2dGrad", maxPool2dGradFast, { overwrites: true }),
];
