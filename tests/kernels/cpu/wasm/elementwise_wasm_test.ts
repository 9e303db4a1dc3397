import assert from "node:assert/strict";
import { CpuBackend } from "../../../../kernels/cpu/backend.ts";
import { execOp, sameBits } from "./helpers.ts";
import { Rng } from "../../../../kernels/random.ts";
import {
  biasReluInPlaceWasm,
  binaryBlockWasm,
  binarySameWasm,
  reluGradWasm,
  reluWasm,
  sumRowsWasm,
} from "../../../../kernels/cpu/wasm/elementwise_wasm.ts";
import { setWasmKernels, wasmKernels } from "../../../../kernels/cpu/wasm/module.ts";

/**
 * The WASM elementwise kernels through the fast backend, against the reference backend and the
 * fast backend with WASM off, bit for bit: sizes with a scalar tail, sizes spanning several
 * staged chunks, per-channel blocks of odd width, and special values (±0, ±∞, NaN, subnormals).
 */

const reference = new CpuBackend(false);
const fast = new CpuBackend(true);

function values(n: number, rng: Rng): Float32Array {
  const special = [0, -0, Infinity, -Infinity, NaN, 1e-40, -1e-40, 3.4e38];
  return Float32Array.from({ length: n }, (_, i) => i % 13 === 0 ? special[i % 8] : rng.normal());
}

/** [shape, per-channel operand shape] */
const SHAPES: [number[], number[]][] = [
  [[3, 7, 5, 16], [16]], // W3-like, one chunk
  [[5, 41, 103], [103]], // odd block, scalar tail, several chunks
  [[4, 130, 64], [130, 64]], // a 2-D trailing block
  [[2, 9, 3], [3]], // a block under 4 stays in TypeScript
  [[100, 203], [203]], // 20 300 values: over one chunk, not a multiple of 4
];

function allPaths(op: string, inputs: [Float32Array, number[]][], attrs: unknown) {
  const want = execOp(reference, op, inputs, attrs);
  const was = setWasmKernels(true);
  try {
    sameBits(execOp(fast, op, inputs, attrs), want, `${op} wasm on`, true);
    setWasmKernels(false);
    sameBits(execOp(fast, op, inputs, attrs), want, `${op} wasm off`, true);
  } finally {
    setWasmKernels(was);
  }
}

Deno.test("relu, reluGrad, add/sub/mul/div and bias sums: WASM, TypeScript and reference agree", () => {
  assert.ok(wasmKernels());
  const rng = new Rng(31);
  for (const [shape, bShape] of SHAPES) {
    const n = shape.reduce((p, q) => p * q), nb = bShape.reduce((p, q) => p * q);
    const a = values(n, rng), b = values(n, rng), bias = values(nb, rng);
    allPaths("relu", [[a, shape]], {});
    allPaths("reluGrad", [[a, shape], [b, shape]], {});
    for (const op of ["add", "sub", "mul", "div"]) {
      allPaths(op, [[a, shape], [b, shape]], {});
      allPaths(op, [[a, shape], [bias, bShape]], {});
    }
    const lead = shape.length - bShape.length;
    allPaths("sum", [[a, shape]], { axes: [...Array(lead).keys()], keepDims: false });
  }
});

Deno.test("bias sums over 512 K values run in WASM and equal the reference bit for bit", () => {
  const rng = new Rng(33);
  // Over the elementwise kernels' size limit (W5's [128×28×28×16] is 1.6 M values), odd width.
  for (const [rows, inner] of [[40_000, 16], [5_200, 103]]) {
    // Finite values: the special ones would make every column sum NaN.
    const x = Float32Array.from({ length: rows * inner }, () => rng.normal()),
      shape = [rows, inner];
    const want = execOp(reference, "sum", [[x, shape]], { axes: [0], keepDims: false });
    const got = new Float32Array(inner).fill(7);
    assert.ok(sumRowsWasm(x, inner, got), `${rows}×${inner} declined`);
    assert.ok(want.every(Number.isFinite));
    sameBits(got, want, `sum ${rows}×${inner}`);
    allPaths("sum", [[x, shape]], { axes: [0], keepDims: false });
  }
});

Deno.test("ReLU and its gradient over 512 K values run in WASM, bit for bit", () => {
  const rng = new Rng(34);
  const shape = [40_000, 16], n = 40_000 * 16; // W5's first block is 1.6 M values
  const x = values(n, rng), dy = values(n, rng);
  const out = new Float32Array(n), grad = new Float32Array(n);
  assert.ok(reluWasm(x, out), "relu declined");
  assert.ok(reluGradWasm(dy, x, grad), "reluGrad declined");
  sameBits(out, execOp(reference, "relu", [[x, shape]], {}), "relu");
  sameBits(grad, execOp(reference, "reluGrad", [[dy, shape], [x, shape]], {}), "reluGrad");
  allPaths("relu", [[x, shape]], {});
  allPaths("reluGrad", [[dy, shape], [x, shape]], {});
});

Deno.test("the WASM wrappers decline what they cannot do, leaving the output alone", () => {
  const small = new Float32Array(10), out = new Float32Array(10).fill(3);
  assert.equal(reluWasm(small, out), false); // under the size where WASM pays
  assert.deepEqual([...out], Array(10).fill(3));
  const huge = new Float32Array(600_000); // over the size where staging stops paying
  assert.equal(binarySameWasm("mul", huge, huge, new Float32Array(600_000)), false);
  const big = new Float32Array(4096);
  assert.equal(binaryBlockWasm("add", big, new Float32Array(5), 5, new Float32Array(4096)), false);
  assert.equal(sumRowsWasm(big, 5, new Float32Array(5)), false); // 4096 is not rows of 5
});

Deno.test("conv epilogue in place: bias then ReLU in WASM equals the scalar rule bit for bit", () => {
  const rng = new Rng(32);
  // [values before the range, range length, block]: odd blocks, several chunks, a block over a
  // whole chunk, a range that starts mid-array.
  for (const [before, len, block] of [[0, 64 * 300, 64], [7, 5 * 41, 5], [3, 2 * 20_000, 20_000]]) {
    const a = values(before + len + 5, rng), bias = values(block, rng);
    for (const [withBias, relu] of [[true, true], [true, false], [false, true]]) {
      const b = withBias ? bias : undefined;
      const want = a.slice();
      for (let i = before; i < before + len; i++) {
        const v = b ? Math.fround(want[i] + b[(i - before) % block]) : want[i];
        want[i] = relu ? (v > 0 || v !== v ? v : 0) : v; // NaN passes ReLU
      }
      const got = a.slice();
      assert.ok(biasReluInPlaceWasm(got, before, before + len, b, relu));
      sameBits(got, want, `block ${block}, bias ${withBias}, relu ${relu}`);
    }
  }
  // A range that is not whole blocks, and nothing to do, are declined.
  const x = new Float32Array(10).fill(2);
  assert.equal(biasReluInPlaceWasm(x, 0, 10, new Float32Array(3), true), false);
  assert.equal(biasReluInPlaceWasm(x, 0, 10, undefined, false), false);
  assert.deepEqual([...x], Array(10).fill(2));
});
