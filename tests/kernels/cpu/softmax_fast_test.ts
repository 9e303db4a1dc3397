import { CpuBackend } from "../../../kernels/cpu/backend.ts";
import { Rng } from "../../../kernels/random.ts";
import { execOp, sameBits } from "./wasm/helpers.ts";

/**
 * The fast softmaxGrad (kernels/cpu/softmax_fast.ts) against the reference kernel bit for bit on
 * an attention-sized input with NaN, ±∞ and ±0, and on rows of one value. The fast softmax is
 * tested in tests/kernels/cpu/wasm/softmax_wasm_test.ts.
 */

const reference = new CpuBackend(false);
const fast = new CpuBackend(true);

Deno.test("fast softmaxGrad: the reference's bits", () => {
  const rng = new Rng(5);
  const special = [NaN, Infinity, -Infinity, 0, -0];
  for (const [rows, c] of [[16384, 64], [100, 1], [7, 13]]) {
    const n = rows * c;
    const y = Float32Array.from(
      { length: n },
      (_, i) => i % 97 === 0 ? special[i % 5] : rng.uniform(),
    );
    const dy = Float32Array.from(
      { length: n },
      (_, i) => i % 89 === 0 ? special[i % 5] : rng.normal(),
    );
    const inputs: [Float32Array, number[]][] = [[y, [rows, c]], [dy, [rows, c]]];
    sameBits(
      execOp(fast, "softmaxGrad", inputs, {}),
      execOp(reference, "softmaxGrad", inputs, {}),
      `softmaxGrad ${rows}x${c}`,
    );
  }
});
