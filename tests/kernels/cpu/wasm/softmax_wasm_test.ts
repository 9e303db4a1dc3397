import assert from "node:assert/strict";
import { CpuBackend } from "../../../../kernels/cpu/backend.ts";
import { softmaxWasm } from "../../../../kernels/cpu/wasm/softmax_wasm.ts";
import { setWasmKernels, wasmKernels } from "../../../../kernels/cpu/wasm/module.ts";
import {
  helperReady,
  helperStats,
  setHelperEnabled,
} from "../../../../kernels/cpu/parallel/helper.ts";
import { Rng } from "../../../../kernels/random.ts";
import { execOp, sameBits } from "./helpers.ts";

/**
 * The WASM softmax (one exponential per value) against the reference kernel: within one float32
 * ulp on few elements, NaN where the reference has NaN (a NaN or +∞ in the row, a row of −∞),
 * for row lengths with every tail, rows longer than one scratch chunk and logits far apart
 * (exponentials that underflow); the same bits with the helper thread on and off and from the
 * fast backend with WASM off as from the reference (it falls back to the reference kernel).
 */

const reference = new CpuBackend(false);
const fast = new CpuBackend(true);

/** Normal logits at scale 5, with one NaN, one +∞ and one −∞ row in the first rows. */
function logits(rows: number, c: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  const x = Float32Array.from({ length: rows * c }, () => rng.normal() * 5);
  if (rows >= 4) {
    x[1] = NaN;
    x[c + c - 1] = Infinity;
    x.fill(-Infinity, 2 * c, 3 * c);
    x[3 * c] = -Infinity; // one −∞ among finite values: exactly 0
    x[3 * c + 1] = 800; // the rest of its row underflows to 0
  }
  return x;
}

function closeTo(a: Float32Array, b: Float32Array, label: string): void {
  const ia = new Int32Array(a.buffer, a.byteOffset, a.length);
  const ib = new Int32Array(b.buffer, b.byteOffset, b.length);
  let differ = 0;
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(b[i]) || Number.isNaN(a[i])) {
      assert.ok(Number.isNaN(a[i]) && Number.isNaN(b[i]), `${label}: ${i}: ${a[i]} vs ${b[i]}`);
      continue;
    }
    if (a[i] === b[i]) continue;
    differ++;
    assert.ok(Math.abs(ia[i] - ib[i]) <= 1, `${label}: element ${i}: ${a[i]} vs ${b[i]}`);
  }
  assert.ok(differ <= Math.max(2, 1e-4 * a.length), `${label}: ${differ} of ${a.length} differ`);
}

Deno.test("WASM softmax: within one ulp of the reference, NaN rows as the reference", () => {
  assert.ok(wasmKernels());
  // c: under one vector, odd, W7's 64, longer than one 4096-value chunk of rows.
  for (const [rows, c] of [[300, 1], [100, 3], [64, 7], [40, 17], [16384, 64], [4, 5000]]) {
    const x = logits(rows, c, rows + c);
    const got = execOp(fast, "softmax", [[x, [rows, c]]], {});
    closeTo(got, execOp(reference, "softmax", [[x, [rows, c]]], {}), `${rows}x${c}`);
    if (rows >= 4 && c >= 2) {
      assert.ok(Number.isNaN(got[0]) && Number.isNaN(got[c]) && Number.isNaN(got[2 * c]));
      assert.ok(Object.is(got[3 * c], 0) && got[3 * c + 1] === 1);
    }
  }
});

Deno.test("WASM softmax: declines small or empty inputs; WASM off gives the reference's bits", () => {
  assert.equal(softmaxWasm(new Float32Array(255), 5, new Float32Array(255)), false);
  assert.equal(softmaxWasm(new Float32Array(0), 0, new Float32Array(0)), false);
  const x = logits(50, 9, 3);
  const want = execOp(reference, "softmax", [[x, [50, 9]]], {});
  const was = setWasmKernels(false);
  try {
    sameBits(execOp(fast, "softmax", [[x, [50, 9]]], {}), want, "softmax, WASM off", true);
  } finally {
    setWasmKernels(was);
  }
});

Deno.test("WASM softmax: the same bits on one thread or two", async () => {
  for (const [rows, c] of [[16384, 64], [1001, 33]]) {
    const x = logits(rows, c, 9), one = new Float32Array(rows * c);
    const two = new Float32Array(rows * c);
    const was = setHelperEnabled(false);
    try {
      assert.ok(softmaxWasm(x, c, one));
    } finally {
      setHelperEnabled(was);
    }
    const helped = await helperReady(), ran = helperStats.onHelper;
    assert.ok(softmaxWasm(x, c, two));
    if (helped) assert.ok(helperStats.onHelper > ran, "the helper ran no half");
    sameBits(two, one, `${rows}x${c}`, true);
  }
});
