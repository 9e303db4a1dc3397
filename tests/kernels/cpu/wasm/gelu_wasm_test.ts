import assert from "node:assert/strict";
import { ACTIVATION_MATH } from "../../../../kernels/ops/activation_math.ts";
import { geluGradWasm, geluWasm } from "../../../../kernels/cpu/wasm/gelu_wasm.ts";
import { setWasmKernels, wasmKernels } from "../../../../kernels/cpu/wasm/module.ts";
import {
  helperReady,
  helperStats,
  setHelperEnabled,
} from "../../../../kernels/cpu/parallel/helper.ts";
import { Rng } from "../../../../kernels/random.ts";
import { sameBits } from "./helpers.ts";

/**
 * The WASM gelu kernels (erf form) against the reference formulas rounded to float32: within one
 * ulp, on few elements, over a dense sweep to ±40 and of the central range where whole blocks take
 * the polynomials in x² (both tails, the float32 subnormal outputs near
 * −14, the float64 underflow near −38), special values and lengths with every tail; the same
 * bits with the helper thread on and off, and with operands inside and outside the WASM heap.
 */

const GELU = ACTIVATION_MATH.gelu;

function referenceGelu(x: Float32Array): Float32Array {
  return x.map((v) => GELU.f(v, {}));
}

function referenceGrad(dy: Float32Array, x: Float32Array): Float32Array {
  return x.map((v, i) => (v !== v ? v : dy[i] * GELU.df(v, {})));
}

/** Special values, then normals at three scales and a sweep over ±40. */
function inputs(n: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  const v = [NaN, Infinity, -Infinity, 0, -0, 1e-30, -1e-30, 1e-45, -1e-45, 88, -88, 1e6, -1e6];
  v.push(-13, -14, -14.5, -15, -37.5, -38, -38.5, -39, 3.4e38, -3.4e38, 2.8284, -2.8284);
  for (let i = 0; v.length < n / 2; i++) v.push(rng.normal() * [0.5, 1, 3][i % 3]);
  for (let i = 0; v.length < n; i++) v.push(-40 + 80 * i / (n / 2));
  return Float32Array.from(v.slice(0, n));
}

/** Fails unless a is within one ulp of b everywhere (NaN for NaN) and differs on ≤ `most`. */
function closeTo(a: Float32Array, b: Float32Array, most: number, label: string): void {
  const ia = new Int32Array(a.buffer, a.byteOffset, a.length);
  const ib = new Int32Array(b.buffer, b.byteOffset, b.length);
  let differ = 0;
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(b[i])) {
      assert.ok(Number.isNaN(a[i]), `${label}: element ${i}: ${a[i]} vs NaN`);
      continue;
    }
    if (a[i] === b[i]) continue; // ±0 meet
    differ++;
    const ulps = (ia[i] ^ ib[i]) < 0 ? Infinity : Math.abs(ia[i] - ib[i]);
    assert.ok(ulps <= 1, `${label}: element ${i}: ${a[i]} vs ${b[i]}`);
  }
  assert.ok(differ <= most, `${label}: ${differ} of ${a.length} differ by one ulp`);
}

Deno.test("WASM gelu and its gradient: within one ulp of the reference on a sweep to ±40", () => {
  assert.ok(wasmKernels());
  const n = 200_000, x = inputs(n, 1), dy = inputs(n, 2).map((v) => v || 1);
  const out = new Float32Array(n);
  assert.ok(geluWasm(x, out));
  closeTo(out, referenceGelu(x), 1e-4 * n, "gelu");
  assert.ok(geluGradWasm(dy, x, out));
  closeTo(out, referenceGrad(dy, x), 1e-4 * n, "geluGrad");
});

Deno.test("WASM gelu: blocks inside |x| < 2.5 (the central polynomials) within one ulp", () => {
  const rng = new Rng(6), n = 200_000;
  // A dense sweep of the central range, then unit normals (mostly central blocks, some not).
  const x = Float32Array.from(
    { length: n },
    (_, i) => i < n / 2 ? -2.5 + 5 * i / (n / 2) : rng.normal(),
  );
  const dy = Float32Array.from({ length: n }, () => rng.normal());
  const out = new Float32Array(n);
  assert.ok(geluWasm(x, out));
  closeTo(out, referenceGelu(x), 1e-4 * n, "gelu, central");
  assert.ok(geluGradWasm(dy, x, out));
  closeTo(out, referenceGrad(dy, x), 1e-4 * n, "geluGrad, central");
});

Deno.test("WASM gelu: every tail length, and declines below its minimum or with WASM off", () => {
  const rng = new Rng(3);
  for (let n = 64; n <= 64 + 17; n++) {
    const x = Float32Array.from({ length: n }, () => rng.normal() * 3);
    const dy = Float32Array.from({ length: n }, () => rng.normal());
    // A sentinel past the output's end must survive the tail's padded copy.
    const buf = new Float32Array(n + 1).fill(7), out = buf.subarray(0, n);
    assert.ok(geluWasm(x, out));
    closeTo(out, referenceGelu(x), 1, `gelu n=${n}`);
    assert.ok(geluGradWasm(dy, x, out));
    closeTo(out, referenceGrad(dy, x), 1, `geluGrad n=${n}`);
    assert.equal(buf[n], 7, `n=${n}: wrote past the end`);
  }
  assert.equal(geluWasm(new Float32Array(63), new Float32Array(63)), false);
  const was = setWasmKernels(false);
  try {
    assert.equal(geluWasm(new Float32Array(1000), new Float32Array(1000)), false);
  } finally {
    setWasmKernels(was);
  }
});

Deno.test("WASM gelu: the same bits on one thread or two, staged or in the heap", async () => {
  const k = wasmKernels()!;
  // Split sizes: a multiple of 32, and one with a tail in the second half.
  for (const n of [64 * 1024, 50_007]) {
    const x = inputs(n, 4), dy = inputs(n, 5);
    const was = setHelperEnabled(false);
    const one = new Float32Array(n), oneGrad = new Float32Array(n);
    try {
      geluWasm(x, one);
      geluGradWasm(dy, x, oneGrad);
    } finally {
      setHelperEnabled(was);
    }
    const helped = await helperReady(), ran = helperStats.onHelper;
    const two = new Float32Array(n), twoGrad = new Float32Array(n);
    geluWasm(x, two);
    geluGradWasm(dy, x, twoGrad);
    // With the helper up, it ran a half of each (the pair falls back only if it closed meanwhile).
    if (helped) assert.ok(helperStats.onHelper > ran, "the helper ran no half");
    sameBits(two, one, `gelu n=${n}, helper ${helped ? "up" : "unavailable"}`);
    sameBits(twoGrad, oneGrad, `geluGrad n=${n}`);
    // Operands and output inside the heap: no staging copies, the same values.
    const hx = k.heap.alloc(n)!, hdy = k.heap.alloc(n)!, hout = k.heap.alloc(n)!;
    try {
      hx.set(x);
      hdy.set(dy);
      assert.ok(geluWasm(hx, hout));
      sameBits(hout, one, `gelu n=${n} in the heap`);
      assert.ok(geluGradWasm(hdy, hx, hout));
      sameBits(hout, oneGrad, `geluGrad n=${n} in the heap`);
    } finally {
      for (const v of [hx, hdy, hout]) k.heap.release(v);
    }
  }
});
