import assert from "node:assert/strict";
import { CpuBackend } from "../../../../kernels/cpu/backend.ts";
import { execOp, sameBits } from "./helpers.ts";
import type { PoolAttrs } from "../../../../kernels/ops/pool.ts";
import { Rng } from "../../../../kernels/random.ts";
import { maxPool2x2GradWasm, maxPool2x2Wasm } from "../../../../kernels/cpu/wasm/pool_wasm.ts";
import { setWasmKernels } from "../../../../kernels/cpu/wasm/module.ts";

/**
 * WASM 2×2 max pooling and its gradient against the reference kernels and the TypeScript fast
 * path, bit for bit: ties, ±0, ±∞ and NaN (first in a window, later in a window, in dy), sizes
 * that leave a row and a column out of every window, and batches split into several chunks.
 */

const reference = new CpuBackend(false);
const fast = new CpuBackend(true);
const attrs: PoolAttrs = {
  pool: [2, 2],
  strides: [2, 2],
  pads: { top: 0, bottom: 0, left: 0, right: 0 },
};

/** Values with many ties and every special case the comparison rules care about. */
function tricky(n: number, rng: Rng): Float32Array {
  const pick = [0, -0, 1, 1, 2, -1, Infinity, -Infinity, NaN];
  const a = Float32Array.from({ length: n }, () => {
    const r = rng.uniform();
    return r < 0.5 ? pick[Math.floor(rng.uniform() * pick.length)] : rng.normal();
  });
  const bits = new Uint32Array(a.buffer);
  for (let i = 3; i < n; i += 97) bits[i] = 0xffc0abcd; // a negative NaN with a payload
  return a;
}

const SHAPES = [[3, 8, 8, 4], [2, 7, 9, 8], [4, 6, 6, 16], [1, 2, 2, 4]];

Deno.test("WASM 2×2 max pooling equals the reference, special values included", () => {
  const rng = new Rng(21);
  for (const shape of SHAPES) {
    const [n, h, w, c] = shape;
    const s = { n, h, w, c, oh: h >> 1, ow: w >> 1 };
    const x = tricky(n * h * w * c, rng);
    const dy = tricky(n * s.oh * s.ow * c, rng);
    const want = execOp(reference, "maxPool2d", [[x, shape]], attrs);
    const wantGrad = execOp(
      reference,
      "maxPool2dGrad",
      [[x, shape], [dy, [n, s.oh, s.ow, c]]],
      attrs,
    );
    // Chunks of one sample (chunkValues 1), of two (a shorter last one when n is odd, as the
    // default chunk makes of a batch) and the whole batch at once.
    for (const chunkValues of [1, 2 * h * w * c + 1, 1 << 22]) {
      const got = new Float32Array(want.length).fill(7);
      assert.ok(maxPool2x2Wasm(x, s, got, chunkValues));
      sameBits(got, want, `pool [${shape}] chunk ${chunkValues}`);
      const gotGrad = new Float32Array(x.length).fill(7); // every element must be written
      assert.ok(maxPool2x2GradWasm(x, dy, s, gotGrad, chunkValues));
      sameBits(gotGrad, wantGrad, `pool grad [${shape}] chunk ${chunkValues}`);
    }
  }
});

Deno.test("WASM pooling declines channel counts that are not a multiple of 4", () => {
  const s = { n: 1, h: 2, w: 2, c: 3, oh: 1, ow: 1 };
  assert.equal(maxPool2x2Wasm(new Float32Array(12), s, new Float32Array(3)), false);
});

Deno.test("the fast backend's pooling agrees with the reference with WASM on and off", () => {
  const rng = new Rng(22);
  for (const on of [true, false]) {
    const was = setWasmKernels(on);
    try {
      for (const shape of SHAPES) {
        const [n, h, w, c] = shape;
        const x = tricky(n * h * w * c, rng);
        const dy = tricky(n * (h >> 1) * (w >> 1) * c, rng);
        const dyShape = [n, h >> 1, w >> 1, c];
        for (
          const [op, ins] of [["maxPool2d", [[x, shape]]], [
            "maxPool2dGrad",
            [[x, shape], [dy, dyShape]],
          ]] as const
        ) {
          const inputs = ins as unknown as [Float32Array, number[]][];
          sameBits(
            execOp(fast, op, inputs, attrs),
            execOp(reference, op, inputs, attrs),
            `${op} wasm=${on}`,
          );
        }
      }
    } finally {
      setWasmKernels(was);
    }
  }
});
