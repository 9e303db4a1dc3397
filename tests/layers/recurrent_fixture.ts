/**
 * A host float64 reference of the recurrent cells (the formulas written out with loops, no
 * ops), and seeded inputs, for the recurrent layers' tests.
 * @module
 */
import { Rng } from "../../kernels/random.ts";
import { type Tensor, tensor } from "../../kernels/tensor.ts";
import * as layers from "../../layers/mod.ts";

/** `n` seeded values in [-scale, scale). */
export function values(n: number, seed: number, scale = 1): Float64Array {
  const rng = new Rng(seed);
  return Float64Array.from({ length: n }, () => (rng.uniform() * 2 - 1) * scale);
}

/** A seeded float64 tensor of `shape`. */
export function randomTensor(shape: number[], seed: number, scale = 1): Tensor {
  return tensor(values(shape.reduce((a, b) => a * b, 1), seed, scale), shape);
}

const sig = (v: number) => 1 / (1 + Math.exp(-v));

/** Which cell the reference runs. */
export type CellKind = "simple" | "lstm" | "gru";

/** Gates per cell: the kernels hold that many blocks of `units` columns. */
const GATES: Record<CellKind, number> = { simple: 1, lstm: 4, gru: 3 };

/** The layer of cell `kind` with `units` units. */
export function recurrentLayer(
  kind: CellKind,
  units: number,
  o: { returnSequences?: boolean; goBackwards?: boolean; returnState?: boolean } = {},
) {
  return kind === "simple"
    ? layers.simpleRNN({ units, ...o })
    : kind === "lstm"
    ? layers.lstm({ units, ...o })
    : layers.gru({ units, ...o });
}

/** Seeded weights of a `kind` cell: kernel [f, g·u], recurrent kernel [u, g·u], bias. */
export function cellWeights(kind: CellKind, features: number, units: number, seed: number) {
  const g = GATES[kind] * units;
  return {
    kernel: randomTensor([features, g], seed, 0.6),
    recurrentKernel: randomTensor([units, g], seed + 1, 0.6),
    bias: randomTensor(kind === "gru" ? [2, g] : [g], seed + 2, 0.3),
  };
}

/**
 * Runs the recurrence on host arrays: x [b, t, f], kernel [f, g·u], rec [u, g·u], bias [g·u]
 * ([2, 3u] for gru), optional initial states; returns every step's h and the final states.
 */
export function reference(
  kind: CellKind,
  x: Float64Array,
  [b, t, f]: number[],
  u: number,
  kernel: Float64Array,
  rec: Float64Array,
  bias: Float64Array,
  init?: Float64Array[],
  goBackwards = false,
  /** The LSTM's activation and recurrent activation (default tanh and sigmoid). */
  lstmActs: { act: (v: number) => number; rec: (v: number) => number } = {
    act: Math.tanh,
    rec: sig,
  },
): { hs: Float64Array[]; states: Float64Array[] } {
  const g = { simple: 1, lstm: 4, gru: 3 }[kind] * u;
  let h = init?.[0] ?? new Float64Array(b * u);
  let c = init?.[1] ?? new Float64Array(b * u);
  const hs: Float64Array[] = [];
  for (let s = 0; s < t; s++) {
    const step = goBackwards ? t - 1 - s : s;
    const nh = new Float64Array(b * u), nc = new Float64Array(b * u);
    for (let n = 0; n < b; n++) {
      const xw = new Float64Array(g), hu = new Float64Array(g);
      for (let j = 0; j < g; j++) {
        xw[j] = bias[j];
        for (let k = 0; k < f; k++) xw[j] += x[(n * t + step) * f + k] * kernel[k * g + j];
        hu[j] = kind === "gru" ? bias[g + j] : 0;
        for (let k = 0; k < u; k++) hu[j] += h[n * u + k] * rec[k * g + j];
      }
      for (let j = 0; j < u; j++) {
        const hp = h[n * u + j];
        if (kind === "simple") nh[n * u + j] = Math.tanh(xw[j] + hu[j]);
        else if (kind === "lstm") {
          const z = (q: number) => xw[q * u + j] + hu[q * u + j];
          const { act, rec } = lstmActs;
          const cc = rec(z(1)) * c[n * u + j] + rec(z(0)) * act(z(2));
          nc[n * u + j] = cc;
          nh[n * u + j] = rec(z(3)) * act(cc);
        } else {
          const z = sig(xw[j] + hu[j]), r = sig(xw[u + j] + hu[u + j]);
          const hh = Math.tanh(xw[2 * u + j] + r * hu[2 * u + j]);
          nh[n * u + j] = z * hp + (1 - z) * hh;
        }
      }
    }
    h = nh;
    c = nc;
    hs.push(h);
  }
  return { hs, states: kind === "lstm" ? [h, c] : [h] };
}
