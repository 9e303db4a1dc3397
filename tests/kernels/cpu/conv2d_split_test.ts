/**
 * The conv2d passes split over two threads (conv2d_split.ts): the same bits whether the helper
 * thread ran its half or the main thread ran both (so a run's numbers never depend on the
 * helper being up), close to the single-threaded passes, and the helper really runs. Which
 * passes split: float32 batches of two or more with a window; not a batch of one, a pointwise
 * conv or float64.
 */
import assert from "node:assert/strict";
import {
  conv2dBackpropFilter,
  conv2dBackpropInput,
  conv2dForward,
} from "../../../kernels/cpu/conv2d_fast.ts";
import { setConvSplit } from "../../../kernels/cpu/conv2d_split.ts";
import { clearCols } from "../../../kernels/cpu/cols_cache.ts";
import { convGeometry, type ConvPads } from "../../../kernels/cpu/im2col.ts";
import { openBlasPath } from "../../../kernels/cpu/gemm_dispatch.ts";
import {
  helperReady,
  helperStats,
  setHelperEnabled,
} from "../../../kernels/cpu/parallel/helper.ts";
import { wasmKernels } from "../../../kernels/cpu/wasm/module.ts";
import { Rng } from "../../../kernels/random.ts";
import { sameBits } from "./wasm/helpers.ts";

const pads = (t: number, b: number, l: number, r: number): ConvPads => ({
  top: t,
  bottom: b,
  left: l,
  right: r,
});

/** [x shape, w shape, strides, pads] */
const GEOMETRIES: [number[], number[], number[], ConvPads][] = [
  [[16, 14, 14, 16], [5, 5, 16, 16], [1, 1], pads(2, 2, 2, 2)], // W3's second conv
  [[16, 28, 28, 1], [5, 5, 1, 16], [1, 1], pads(2, 2, 2, 2)], // W3's first: tap-major columns
  [[5, 9, 8, 3], [3, 3, 3, 4], [2, 1], pads(1, 0, 2, 1)], // odd batch, strided, asymmetric pads
  [[3, 9, 8, 1], [3, 2, 1, 4], [2, 3], pads(1, 0, 2, 1)], // one channel, row-major columns
  [[2, 6, 6, 40], [3, 3, 40, 2], [1, 1], pads(1, 1, 1, 1)], // K ≥ 64: transposed filter gradient
  [[7, 30, 30, 32], [3, 3, 32, 8], [1, 1], pads(1, 1, 1, 1)], // several runs in each half
];

const haveKernels = wasmKernels() !== undefined && openBlasPath() !== undefined;

function filled(n: number, rng: Rng): Float32Array {
  return Float32Array.from({ length: n }, () => rng.normal());
}

/** Every output of one geometry: kept and rebuilt columns, the bias and ReLU epilogue. */
function passes(xs: number[], ws: number[], st: number[], p: ConvPads, rng: Rng) {
  const g = convGeometry(xs, ws, st, p);
  const x = filled(xs.reduce((a, b) => a * b), rng), w = filled(ws.reduce((a, b) => a * b), rng);
  const ys = [g.n, g.oh, g.ow, g.cout];
  const dy = filled(ys.reduce((a, b) => a * b), rng), bias = filled(g.cout, rng);
  return () => {
    const y = new Float32Array(dy.length).fill(NaN), yEpi = new Float32Array(dy.length).fill(NaN);
    const dx = new Float32Array(x.length).fill(NaN);
    const dwKept = new Float32Array(w.length).fill(NaN), dw = new Float32Array(w.length).fill(NaN);
    conv2dForward(x, xs, w, ws, st, p, y, true);
    conv2dBackpropFilter(x, xs, dy, ys, ws, st, p, dwKept); // from the kept columns
    conv2dBackpropFilter(x, xs, dy, ys, ws, st, p, dw); // im2col again
    conv2dBackpropInput(dy, ys, w, ws, xs, st, p, dx);
    conv2dForward(x, xs, w, ws, st, p, yEpi, false, bias, true);
    clearCols();
    return { y, dwKept, dw, dx, yEpi };
  };
}

/**
 * Fails unless `run` with the helper off (the main thread runs both halves, and the helper none)
 * gives the same bits as `outputs`.
 */
function sameAsAlone(
  outputs: Record<string, Float32Array>,
  run: () => typeof outputs,
  what: string,
) {
  const was = setHelperEnabled(false);
  let alone;
  try {
    const onHelper = helperStats.onHelper;
    alone = run();
    assert.equal(helperStats.onHelper, onHelper, `${what}: the helper ran while off`);
  } finally {
    setHelperEnabled(was);
  }
  for (const [name, a] of Object.entries(outputs)) sameBits(a, alone[name], `${name} ${what}`);
}

Deno.test({
  name: "split conv2d: the same bits with the helper thread and without; the helper runs",
  ignore: !haveKernels,
  fn: async () => {
    assert.ok(await helperReady(20_000), "the helper thread did not start within 20 s");
    const rng = new Rng(5);
    for (const [xs, ws, st, p] of GEOMETRIES) {
      const run = passes(xs, ws, st, p, rng);
      const before = { ...helperStats };
      const withHelper = run();
      assert.ok(helperStats.onHelper > before.onHelper, `[${xs}]: the helper ran no half`);
      const pairs = helperStats.pairs;
      sameAsAlone(withHelper, run, `of [${xs}] * [${ws}]`);
      assert.ok(helperStats.pairs > pairs, `[${xs}]: not split with the helper off`);
    }
  },
});

/** |a − b| ≤ tol·(1 + |b|) everywhere. */
function close(a: Float32Array, b: Float32Array, tol: number, what: string): void {
  assert.equal(a.length, b.length, what);
  for (let i = 0; i < a.length; i++) {
    if (!(Math.abs(a[i] - b[i]) <= tol * (1 + Math.abs(b[i])))) {
      assert.fail(`${what}: element ${i} is ${a[i]} vs ${b[i]}`);
    }
  }
}

Deno.test({
  name: "split conv2d is close to the single-threaded passes (they sum in another order)",
  ignore: !haveKernels,
  fn: () => {
    const rng = new Rng(6);
    for (const [xs, ws, st, p] of GEOMETRIES) {
      const run = passes(xs, ws, st, p, rng);
      const split = run();
      const was = setConvSplit(false);
      let single;
      try {
        single = run();
      } finally {
        setConvSplit(was);
      }
      for (const [name, a] of Object.entries(split)) {
        // Sums of up to a few thousand float32 products of N(0, 1) values.
        close(a, single[name as keyof typeof single], 1e-4, `${name} of [${xs}] * [${ws}]`);
      }
    }
  },
});

Deno.test({
  name: "not split: a batch of one, a pointwise conv, float64",
  ignore: !haveKernels,
  fn: () => {
    const pairs = helperStats.pairs;
    const one = new Float32Array(1 * 6 * 6 * 2), w = new Float32Array(3 * 3 * 2 * 2);
    conv2dForward(one, [1, 6, 6, 2], w, [3, 3, 2, 2], [1, 1], pads(1, 1, 1, 1), one.slice());
    const x = new Float32Array(4 * 6 * 6 * 2), w1 = new Float32Array(2 * 2);
    conv2dForward(x, [4, 6, 6, 2], w1, [1, 1, 2, 2], [1, 1], pads(0, 0, 0, 0), x.slice());
    const x64 = new Float64Array(4 * 6 * 6 * 2), w64 = new Float64Array(3 * 3 * 2 * 2);
    conv2dForward(x64, [4, 6, 6, 2], w64, [3, 3, 2, 2], [1, 1], pads(1, 1, 1, 1), x64.slice());
    assert.equal(helperStats.pairs, pairs);
  },
});

Deno.test({
  name: "the helper runs its half in memory the main thread has just grown",
  ignore: !haveKernels,
  fn: async () => {
    assert.ok(await helperReady(20_000), "the helper thread did not start within 20 s");
    const heap = wasmKernels()!.heap, rng = new Rng(8);
    // Bigger than anything this file ran before, so staging it grows the memory first.
    const run = passes([8, 64, 64, 16], [3, 3, 16, 16], [1, 1], pads(1, 1, 1, 1), rng);
    const size = heap.sizeBytes, onHelper = helperStats.onHelper;
    const grown = run();
    assert.ok(heap.sizeBytes > size, "the memory did not grow");
    assert.equal(helperStats.onHelper - onHelper, 5, "the helper did not run every half");
    sameAsAlone(grown, run, "after growth");
  },
});
