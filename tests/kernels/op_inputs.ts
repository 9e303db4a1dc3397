import type { DType } from "../../kernels/dtype.ts";
import type { OpTestCase } from "../../kernels/op.ts";
import { Rng } from "../../kernels/random.ts";
import { sizeOf } from "../../kernels/shape.ts";
import { type Tensor, tensor } from "../../kernels/tensor.ts";

/** Host data for one registry test case: random, seeded, respecting each input's constraints. */
export function caseData(c: OpTestCase<unknown>, seed: number): Float64Array[] | Int32Array[] {
  const rng = new Rng(seed);
  return c.inputs.map((spec) => {
    const n = sizeOf(spec.shape);
    if (spec.int !== undefined) {
      return Int32Array.from({ length: n }, () => rng.int(spec.int!));
    }
    if (spec.distinct) {
      // A shuffled grid keeps values ≥ 0.05 apart, so max/argmax never sit on a tie.
      const p = rng.permutation(n);
      return Float64Array.from(p, (v) => (v - n / 2) * 0.05 + rng.uniform() * 0.01);
    }
    if (spec.positive) return Float64Array.from({ length: n }, () => 0.5 + rng.uniform());
    return Float64Array.from({ length: n }, () => rng.normal());
  }) as Float64Array[];
}

/** Tensors for a case, float inputs in `dtype`. */
export function caseTensors(
  c: OpTestCase<unknown>,
  data: ArrayLike<number>[],
  dtype: DType,
): Tensor[] {
  return c.inputs.map((spec, i) =>
    spec.int !== undefined
      ? tensor(Int32Array.from(data[i]), spec.shape)
      : tensor(Float64Array.from(data[i]), spec.shape, dtype)
  );
}
