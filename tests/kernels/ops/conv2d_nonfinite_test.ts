/**
 * conv2d's input gradient with NaN and infinite weights (docs/ARCHITECTURE.md, "Numerics"):
 * dx[p] sums w·dy over the taps whose output pixel exists, as PyTorch's col2im does, so a NaN
 * weight makes NaN exactly the inputs it multiplies, and a tap of a window that does not exist
 * (past the border, between strides) adds nothing, not 0·NaN. Integer weights and dy make every
 * finite sum exact, so each backend must give the oracle's values bit for bit, on shapes that
 * take the fast paths too (OpenBLAS and WASM col2im split over two threads on the CPU, split-K on
 * WebGPU).
 */
import assert from "node:assert/strict";
import { cpuGemmStats, openBlasPath } from "../../../kernels/cpu/gemm_dispatch.ts";
import { setDevice } from "../../../kernels/device.ts";
import { tidy } from "../../../kernels/engine.ts";
import { type Conv2dAttrs, conv2dBackpropInput } from "../../../kernels/ops/conv2d.ts";
import { tensor } from "../../../kernels/tensor.ts";
import { chooseSplits } from "../../../kernels/webgpu/gemm.ts";
import { testOnDevices } from "../device_rules.ts";

interface Case {
  x: number[];
  w: number[];
  strides: [number, number];
  pad: [number, number];
  wData: number[];
  dyData: number[];
}

const size = (s: number[]) => s.reduce((a, b) => a * b, 1);

function outShape(c: Case): number[] {
  const [n, h, wd] = c.x, [kh, kw, , cout] = c.w;
  const oh = Math.floor((h + 2 * c.pad[0] - kh) / c.strides[0]) + 1;
  const ow = Math.floor((wd + 2 * c.pad[1] - kw) / c.strides[1]) + 1;
  return [n, oh, ow, cout];
}

/**
 * The rule written from the input's side: for each input element, every tap that reads it from
 * an output pixel that exists adds dy·w (float64; exact for these integers).
 */
function oracle(c: Case): number[] {
  const [n, h, wd, cin] = c.x, [kh, kw, , cout] = c.w, [, oh, ow] = outShape(c);
  const [sh, sw] = c.strides, [pt, pl] = c.pad;
  const dx: number[] = [];
  for (let b = 0; b < n; b++) {
    for (let iy = 0; iy < h; iy++) {
      for (let ix = 0; ix < wd; ix++) {
        for (let ci = 0; ci < cin; ci++) {
          let s = 0;
          for (let ky = 0; ky < kh; ky++) {
            for (let kx = 0; kx < kw; kx++) {
              const ty = iy + pt - ky, tx = ix + pl - kx;
              if (ty % sh !== 0 || tx % sw !== 0) continue;
              const oy = ty / sh, ox = tx / sw;
              if (oy < 0 || ox < 0 || oy >= oh || ox >= ow) continue;
              for (let o = 0; o < cout; o++) {
                s += c.dyData[((b * oh + oy) * ow + ox) * cout + o] *
                  c.wData[((ky * kw + kx) * cin + ci) * cout + o];
              }
            }
          }
          dx.push(s);
        }
      }
    }
  }
  return dx;
}

function run(c: Case) {
  const attrs: Conv2dAttrs = {
    strides: c.strides,
    pads: { top: c.pad[0], bottom: c.pad[0], left: c.pad[1], right: c.pad[1] },
  };
  const dy = tensor(Float32Array.from(c.dyData), outShape(c));
  return conv2dBackpropInput(dy, tensor(Float32Array.from(c.wData), c.w), c.x, attrs);
}

/** Integers in [-3, 3] (zeros included, so ∞·0 = NaN of real terms is met) from a fixed LCG. */
function ints(n: number, seed: number): number[] {
  let s = seed;
  return Array.from({ length: n }, () => ((s = (s * 1103515245 + 12345) % 2147483648) % 7) - 3);
}

/** `c` with `wData` and `dyData` filled, and the special weights planted at flat indices. */
function withData(c: Omit<Case, "wData" | "dyData">, specials: [number, number][]): Case {
  const wData = ints(size(c.w), 7);
  for (const [i, v] of specials) wData[i] = v;
  return { ...c, wData, dyData: ints(size(outShape({ ...c, wData, dyData: [] })), 11) };
}

// PyTorch's own example (tests above the file): a NaN corner weight of a 3×3 valid conv on 4×4
// makes only the top-left 2×2 of dx NaN; an infinite weight with padding 1 and stride 2 gives ∞
// only where that tap reads an existing output.
const small1: Case = {
  x: [1, 4, 4, 1],
  w: [3, 3, 1, 1],
  strides: [1, 1],
  pad: [0, 0],
  wData: [NaN, 1, 2, 3, 4, 5, 6, 7, 8],
  dyData: [1, 1, 1, 1],
};
const small2: Case = {
  x: [1, 4, 4, 1],
  w: [3, 3, 1, 1],
  strides: [2, 2],
  pad: [1, 1],
  wData: [1, 2, 1, 2, 3, 2, 1, 2, Infinity],
  dyData: [1, 1, 1, 1],
};
// Batch 4 and 64 filters: im2col GEMMs large enough for OpenBLAS, split in halves on the CPU;
// on WebGPU K = 3·3·64 = 576 is split in slices.
const big = withData(
  { x: [4, 6, 6, 3], w: [3, 3, 3, 64], strides: [1, 1], pad: [1, 1] },
  [[0, NaN], [3 * 64 + 5, Infinity], [(8 * 3 + 2) * 64 + 63, -Infinity]],
);
const strided = withData(
  { x: [2, 9, 8, 4], w: [5, 5, 4, 8], strides: [2, 2], pad: [2, 2] },
  [[8 + 1, NaN], [(24 * 4 + 3) * 8, Infinity]],
);

Deno.test("the oracle: PyTorch's pattern (NaN in the top-left 2×2 only; ∞ only where the tap exists)", () => {
  const a = oracle(small1);
  assert.deepEqual(a.map((v) => Number.isNaN(v)), [
    ...[true, true, false, false],
    ...[true, true, false, false],
    ...[false, false, false, false],
    ...[false, false, false, false],
  ]);
  const b = oracle(small2);
  assert.deepEqual(b.map((v) => v === Infinity), [
    ...[false, false, false, false],
    ...[false, true, false, true],
    ...[false, false, false, false],
    ...[false, true, false, true],
  ]);
  const g = oracle(big);
  assert.ok(g.some(Number.isNaN) && g.some(Number.isFinite) && g.some((v) => v === Infinity));
});

testOnDevices(
  "conv2d input gradient, non-finite weights",
  [["3x3 valid, NaN corner", small1], ["3x3 pad 1 stride 2, ∞ weight", small2], [
    "batch 4, 64 filters (fast paths)",
    big,
  ], ["5x5 pad 2 stride 2", strided]].map(([name, c]) => ({
    name: name as string,
    run: () => run(c as Case),
    want: oracle(c as Case),
  })),
);

Deno.test("the big case takes the fast paths: OpenBLAS on the CPU, split-K on WebGPU", async () => {
  assert.ok(chooseSplits(4 * 6 * 6, 3, 3 * 3 * 64) > 1, "WebGPU would not split K");
  if (openBlasPath() === undefined) return; // CI has it (tests/kernels/cpu/openblas_test.ts)
  await setDevice("cpu");
  const before = cpuGemmStats().openblas;
  const y = tidy(() => run(big));
  await y.data();
  y.dispose();
  assert.ok(cpuGemmStats().openblas > before, "the CPU GEMM did not run on OpenBLAS");
});
