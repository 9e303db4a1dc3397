import assert from "node:assert/strict";
import { CpuBackend } from "../../../kernels/cpu/backend.ts";
import { setWasmKernels, wasmKernels } from "../../../kernels/cpu/wasm/module.ts";
import { Rng } from "../../../kernels/random.ts";
import { assertSameSpecials } from "../parity_checks.ts";
import { execOp, sameBits } from "./wasm/helpers.ts";

/**
 * The fast batch-norm kernels (kernels/cpu/batch_norm_fast.ts, WASM SIMD passes in float32)
 * against the reference backend (float64 arithmetic) within the registry's tolerance, special
 * values in the same places, on shapes the registry's small cases do not reach: W5's
 * activations (several staged chunks), channel counts with a scalar tail and of one channel,
 * special values, and inputs that already live in the WASM heap (no staging). With WASM off the
 * fast kernels run the reference's loops: bit for bit.
 */

/** Relative to the largest |reference| value, as the registry's parity tests measure. */
function assertClose(got: Float32Array, want: Float32Array, what: string): void {
  assertSameSpecials(what, "fast", { y: got, grads: [] }, { y: want, grads: [] }, {
    floor: 1e-6,
    tol: 1e-5,
  });
}

const reference = new CpuBackend(false);
const fast = new CpuBackend(true);
const eps = { epsilon: 1e-3 };

/**
 * Normal values plus `shift`; with `specials`, a few of ±0, ±∞, NaN and a subnormal, in one
 * or two channels only (a special value in a channel makes its statistics NaN or infinite).
 */
function values(n: number, rng: Rng, specials: boolean, shift = 0): Float32Array {
  const a = Float32Array.from({ length: n }, () => shift + rng.normal());
  if (specials && n > 8) {
    [a[3], a[n - 2], a[n - 3], a[7]] = [NaN, Infinity, -0, 1e-40];
  }
  return a;
}

const SHAPES = [
  [128, 7, 7, 32], // W5's last blocks: 200 704 values, many chunks
  [3, 30, 30, 7], // a scalar tail of 3 channels
  [2, 40, 30, 1], // one channel
  [5, 300, 5],
  [3, 7, 11, 5], // 231 rows: a last block of 32 rows with an odd count
];

/** A [4, c] input of batchNormInputGrad: sums, a mean and a positive rstd per channel. */
function stats(c: number, rng: Rng): [Float32Array, number[]] {
  const s = values(4 * c, rng, false);
  for (let k = 3 * c; k < 4 * c; k++) s[k] = 0.5 + Math.abs(s[k]);
  return [s, [4, c]];
}

/** Every op of the training path with inputs for `shape`; x shifted, as activations are. */
function cases(shape: number[], rng: Rng, specials: boolean) {
  const n = shape.reduce((a, b) => a * b, 1), c = shape[shape.length - 1];
  const x: [Float32Array, number[]] = [values(n, rng, specials, 3), shape];
  const dy: [Float32Array, number[]] = [values(n, rng, specials), shape];
  const pc = (): [Float32Array, number[]] => [values(c, rng, false), [c]];
  return [
    ["batchNormTrain", [x, pc(), pc()]],
    ["batchNormGradStats", [x, dy]],
    ["batchNormInputGrad", [x, dy, pc(), stats(c, rng)]],
    ["batchVariance", [x, pc()]],
  ] as [string, [Float32Array, number[]][]][];
}

for (const specials of [false, true]) {
  Deno.test(`batch norm fast kernels equal the reference${specials ? ", with ±0, ±∞, NaN, subnormals" : ""}`, () => {
    assert.ok(wasmKernels(), "the WASM kernels should load here");
    const rng = new Rng(specials ? 2 : 1);
    for (const shape of SHAPES) {
      for (const [op, inputs] of cases(shape, rng, specials)) {
        const attrs = op === "batchVariance" ? {} : eps;
        const want = execOp(reference, op, inputs, attrs);
        for (const on of [true, false]) {
          const was = setWasmKernels(on);
          try {
            const got = execOp(fast, op, inputs, attrs);
            const what = `${op} ${shape} wasm ${on ? "on" : "off"}`;
            if (on) assertClose(got, want, what);
            else sameBits(got, want, what, true);
          } finally {
            setWasmKernels(was);
          }
        }
      }
    }
  });
}

Deno.test("batch norm fast kernels: inputs already in the WASM heap are read in place", () => {
  const k = wasmKernels()!;
  const rng = new Rng(5);
  const shape = [64, 9, 9, 16], n = 64 * 9 * 9 * 16;
  const x = k.heap.alloc(n)!, dy = k.heap.alloc(n)!;
  try {
    x.set(values(n, rng, false, 1));
    dy.set(values(n, rng, false));
    const g: [Float32Array, number[]] = [values(16, rng, false), [16]];
    for (
      const [op, inputs] of [
        ["batchNormTrain", [[x, shape], g, g]],
        ["batchNormInputGrad", [[x, shape], [dy, shape], g, stats(16, rng)]],
        ["batchNormGradStats", [[x, shape], [dy, shape]]],
      ] as [string, [Float32Array, number[]][]][]
    ) {
      assertClose(execOp(fast, op, inputs, eps), execOp(reference, op, inputs, eps), op);
    }
  } finally {
    k.heap.release(x);
    k.heap.release(dy);
  }
});
