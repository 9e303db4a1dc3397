/**
 * The low-level functions against the toolkit's own ops (conv2d, relu, maxPool2d, mean/sqrt,
 * matmul, softmax) on seeded random inputs, on whatever device is current.
 * @module
 */
import type { DType } from "../../kernels/dtype.ts";
import { backend, tidy } from "../../kernels/engine.ts";
import { add, div, relu as reluOp, sqrt, square, sub } from "../../kernels/ops/elementwise.ts";
import { conv2d } from "../../kernels/ops/conv2d.ts";
import { matmul } from "../../kernels/ops/matmul.ts";
import { maxPool2d } from "../../kernels/ops/pool.ts";
import { transpose } from "../../kernels/ops/shape_ops.ts";
import { mean } from "../../kernels/ops/reduce_derived.ts";
import { softmax as softmaxOp } from "../../kernels/ops/softmax.ts";
import { Rng } from "../../kernels/random.ts";
import { type Tensor, tensor } from "../../kernels/tensor.ts";
import { maxAbsDiff } from "../../train/finite_differences.ts";
import {
  convolve,
  type FilterStack,
  fullyConnected,
  makeMaps,
  type Maps,
  mapsShape,
  maxPool,
  normalizeMaps,
  type Output,
  outputOf,
  relu,
  softmax,
} from "./functions.ts";
import type { CheckLine } from "./hand_examples.ts";

/**
 * Tolerance per unit of output magnitude. float64 (CPU) leaves only summation-order rounding;
 * float32 (WebGPU) rounds every input and product to 24 bits, so ~1e-6 per value, a few
 * dozen terms per output.
 */
const REL_TOL: Record<"float32" | "float64", number> = { float64: 1e-10, float32: 1e-4 };

/** The dtype the toolkit side runs in: float64 where the device has it (CPU), else float32. */
export function comparisonDtype(): "float32" | "float64" {
  // Only the CPU backends read synchronously, and only they implement float64 kernels.
  return backend().readSync ? "float64" : "float32";
}

function toTensor(maps: Maps, dtype: DType): Tensor {
  const [h, w, c] = mapsShape(maps);
  return tensor(Float64Array.from(maps.flat(2)), [1, h, w, c], dtype);
}

/** Filter stack [K][F][F][C] in the toolkit's [F, F, C, K] layout. */
function filterTensor(filters: FilterStack, dtype: DType): Tensor {
  const [f, , c] = mapsShape(filters[0]);
  const stack = tensor(Float64Array.from(filters.flat(3)), [filters.length, f, f, c], dtype);
  return transpose(stack, [1, 2, 3, 0]);
}

/**
 * Compares a host function's output with a toolkit computation (run inside `tidy` on the current
 * device): shapes must match up to axes of size 1, values within the dtype's tolerance.
 */
export async function compareWithToolkit(
  fn: string,
  against: string,
  shapeIn: number[],
  ours: Output,
  theirs: () => Tensor,
): Promise<CheckLine> {
  const dtype = comparisonDtype();
  const t = tidy(theirs);
  const ref = await t.data();
  const refShape = [...t.shape];
  t.dispose();
  // The toolkit keeps a leading batch axis of 1 that the host functions do not have.
  const same = ref.length === ours.values.length &&
    refShape.filter((d) => d !== 1).join() === ours.shape.filter((d) => d !== 1).join();
  const diff = same ? maxAbsDiff(ours.values, ref) : Infinity;
  const scale = same ? Array.from(ref).reduce((m, v) => Math.max(m, Math.abs(v)), 1) : 1;
  const tolerance = REL_TOL[dtype] * scale;
  return {
    kind: "toolkit",
    fn,
    against,
    shapeIn: shapeIn.join("×"),
    shapeOut: ours.shape.join("×"),
    maxAbsDiff: diff,
    tolerance,
    pass: diff <= tolerance,
  };
}

/**
 * Every function against its toolkit counterpart on random inputs drawn from `seed`; same seed,
 * same inputs. Inputs are standard normal so negatives, ties-free maxima and mixed signs occur.
 */
export async function toolkitChecks(seed: number): Promise<CheckLine[]> {
  const rng = new Rng(seed);
  const dtype = comparisonDtype();
  const randMaps = (h: number, w: number, c: number) => makeMaps(h, w, c, () => rng.normal());
  const out: CheckLine[] = [];
  const check = async (
    fn: string,
    toolkit: string,
    input: Maps | number[],
    ours: Maps | number[],
    theirs: () => Tensor,
  ) => {
    const against = `${toolkit} (${dtype}, seed ${seed})`;
    out.push(await compareWithToolkit(fn, against, outputOf(input).shape, outputOf(ours), theirs));
  };
  const host = (v: number[], shape: number[]) => tensor(Float64Array.from(v), shape, dtype);

  for (const [h, w, c, k, f] of [[8, 8, 3, 4, 3], [7, 9, 2, 3, 5]]) {
    const image = randMaps(h, w, c);
    const filters = Array.from({ length: k }, () => randMaps(f, f, c));
    const bias = Array.from({ length: k }, () => rng.normal());
    const padded = () =>
      conv2d(toTensor(image, dtype), filterTensor(filters, dtype), { padding: "same" });
    await check(
      `convolve ${f}×${f}`,
      "conv2d(same) + bias",
      image,
      convolve(image, filters, bias),
      () => add(padded(), host(bias, [k])),
    );
  }

  const pre = randMaps(6, 6, 4);
  await check("relu", "relu", pre, relu(pre), () => reluOp(toTensor(pre, dtype)));

  for (const [h, f, s] of [[8, 2, 2], [9, 3, 2], [7, 3, 1]]) {
    const m = randMaps(h, h, 3);
    await check(
      `maxPool F=${f} S=${s}`,
      "maxPool2d",
      m,
      maxPool(m, f, s),
      () => maxPool2d(toTensor(m, dtype), { poolSize: f, strides: s }),
    );
  }

  // Shifted and scaled per channel so normalisation has real work to undo.
  const raw = makeMaps(6, 5, 3, (_r, _q, ch) => 3 * ch - 2 + (ch + 1) * rng.normal());
  await check(
    "normalizeMaps",
    "(x − mean)/sqrt(mean((x − mean)²))",
    raw,
    normalizeMaps(raw),
    () => {
      const x = toTensor(raw, dtype);
      const centred = sub(x, mean(x, [1, 2], true));
      return div(centred, sqrt(mean(square(centred), [1, 2], true)));
    },
  );

  const maps = randMaps(4, 4, 3), units = 10, inputs = 48;
  const weights = Array.from(
    { length: inputs },
    () => Array.from({ length: units }, () => rng.normal()),
  );
  const fcBias = Array.from({ length: units }, () => rng.normal());
  await check(
    "fullyConnected",
    "flatten → matmul + bias",
    maps,
    fullyConnected(maps, weights, fcBias),
    () =>
      add(
        matmul(toTensor(maps, dtype).reshape([1, inputs]), host(weights.flat(), [inputs, units])),
        host(fcBias, [units]),
      ),
  );

  const scores = Array.from({ length: 10 }, () => 5 * rng.normal());
  await check(
    "softmax",
    "softmax",
    scores,
    softmax(scores),
    () => softmaxOp(host(scores, [1, 10])),
  );
  return out;
}
