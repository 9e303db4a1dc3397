import assert from "node:assert/strict";
import { setDevice } from "../../kernels/device.ts";
import { tidy } from "../../kernels/engine.ts";
import { mul, sum } from "../../kernels/ops/mod.ts";
import { Rng } from "../../kernels/random.ts";
import { type Tensor, tensor } from "../../kernels/tensor.ts";
import { gradcheck } from "../../train/gradcheck.ts";

/**
 * Registers a Deno test that checks autograd's gradient of `f` (a composition of ops, or a
 * layer's call) against central finite differences in float64 on the CPU reference: the
 * inputs are standard normals of `shapes`, and the output is projected on a fixed random tensor
 * so every output element's gradient counts.
 * Example: `float64Gradcheck("avgPool1d", [[2, 5, 3]], (x) => avgPool1d(x))`.
 */
export function float64Gradcheck(
  name: string,
  shapes: number[][],
  f: (...xs: Tensor[]) => Tensor,
  tolerance = 1e-6,
): void {
  Deno.test(`float64 gradcheck: ${name}`, async () => {
    await setDevice("cpu-reference");
    try {
      tidy(() => {
        const rng = new Rng(3);
        const normals = (n: number) => Float64Array.from({ length: n }, () => rng.normal());
        const xs = shapes.map((s) => tensor(normals(s.reduce((a, b) => a * b, 1)), s));
        let r: Float64Array | undefined; // drawn once: every call must see the same projection
        const projected = (...ins: Tensor[]) => {
          const y = f(...ins);
          return sum(mul(y, tensor(r ??= normals(y.size), y.shape)));
        };
        const res = gradcheck(projected, xs);
        assert.ok(res.maxRelError < tolerance, `${name}: ${res.maxRelError}`);
      });
    } finally {
      await setDevice("cpu");
    }
  });
}
