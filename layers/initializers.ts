import { allocArray, type DType } from "../kernels/dtype.ts";
import type { Rng } from "../kernels/random.ts";
import { sizeOf } from "../kernels/shape.ts";
import { type Tensor, tensor } from "../kernels/tensor.ts";
import { orthogonal } from "./orthogonal.ts";

/** Weight initialisers (Keras names and formulas), drawn from a seeded host generator. */

/** Names accepted by layers' `kernelInitializer` / `biasInitializer`. */
export type InitializerName =
  | "glorotUniform"
  | "glorotNormal"
  | "heUniform"
  | "heNormal"
  | "zeros"
  | "ones"
  | "orthogonal"
  | "randomUniform"
  | "randomNormal";

/**
 * fan-in and fan-out like Keras: for a dense kernel [in, out] they are in and out; for a conv
 * filter [KH, KW, Cin, Cout] they are KH·KW·Cin and KH·KW·Cout.
 */
export function fans(shape: number[]): [number, number] {
  if (shape.length < 2) return [shape[0] ?? 1, shape[0] ?? 1];
  const receptive = sizeOf(shape.slice(0, -2));
  return [shape[shape.length - 2] * receptive, shape[shape.length - 1] * receptive];
}

/**
 * A tensor of `shape` drawn by `name`. Normal variants are truncated at 2σ and rescaled like
 * Keras (σ·0.8796 keeps the variance after truncation).
 * Example: `initialize("heNormal", [3, 3, 1, 32], rng)`.
 */
export function initialize(
  name: InitializerName,
  shape: number[],
  rng: Rng,
  dtype: DType = "float32",
): Tensor {
  const n = sizeOf(shape);
  const a = allocArray(dtype, n);
  const [fanIn, fanOut] = fans(shape);
  const uniform = (limit: number) => {
    for (let i = 0; i < n; i++) a[i] = (rng.uniform() * 2 - 1) * limit;
  };
  const truncNormal = (std: number) => {
    const s = std / 0.87962566103423978;
    for (let i = 0; i < n; i++) {
      let v: number;
      do v = rng.normal(); while (Math.abs(v) > 2);
      a[i] = v * s;
    }
  };
  switch (name) {
    case "glorotUniform":
      uniform(Math.sqrt(6 / (fanIn + fanOut)));
      break;
    case "glorotNormal":
      truncNormal(Math.sqrt(2 / (fanIn + fanOut)));
      break;
    case "heUniform":
      uniform(Math.sqrt(6 / fanIn));
      break;
    case "heNormal":
      truncNormal(Math.sqrt(2 / fanIn));
      break;
    case "zeros":
      break;
    case "ones":
      a.fill(1);
      break;
    case "orthogonal":
      a.set(orthogonal(shape, rng));
      break;
    // Keras' RandomUniform and RandomNormal defaults (Embedding's default is the uniform one).
    case "randomUniform":
      uniform(0.05);
      break;
    case "randomNormal":
      for (let i = 0; i < n; i++) a[i] = rng.normal() * 0.05;
      break;
    default:
      throw new Error(
        `unknown initializer "${name}"; use one of glorotUniform, glorotNormal, heUniform, heNormal, zeros, ones, ` +
          "orthogonal, randomUniform, randomNormal",
      );
  }
  return tensor(a, shape);
}
