import assert from "node:assert/strict";
import { tensor } from "../../../kernels/tensor.ts";
import type { Tensor } from "../../../kernels/tensor.ts";

/**
 * The inputs of the loss tests and what PyTorch (float64) computes for them: the values below
 * are printed by tests/layers/losses/torch_reference.py, which holds the same inputs.
 */

export const LOGITS = [[0.2, -1.3, 0.7, 2.1], [1.5, 0.3, -0.4, -2.2], [-0.6, 0.9, 0.05, 0.4]];
export const IDS = [3, 0, 1];
export const PROBS = [[0.1, 0.2, 0.3, 0.4], [0.7, 0.1, 0.15, 0.05], [0.25, 0.25, 0.4, 0.1]];
export const Q = [[0.25, 0.25, 0.25, 0.25], [0.6, 0.2, 0.1, 0.1], [0.3, 0.3, 0.3, 0.1]];
export const BIN_LOGITS = [[0.3, -1.2], [2.5, -0.7], [-3.1, 0.8]];
export const BIN_PROBS = [[0.8, 0.3], [0.65, 0.1], [0.2, 0.9]];
export const BIN_Y = [[1, 0], [0, 1], [1, 1]];
export const PRED = [[0.5, -1.0, 2.0], [1.5, 0.2, -0.3], [0.1, 0.1, 0.1]];
export const TARGET = [[0.0, 0.5, 2.8], [1.0, 1.2, -0.35], [2.0, -1.0, 0.4]];
export const W = [0.5, 2.0, 1.0];

/** torch_reference.py's output (torch 1.13, float64). */
export const TORCH = {
  categoricalLogits: 0.5201365472224273,
  categoricalLogitsSmooth01: 0.6563865472224273,
  categoricalProbs: 0.8864200123109259,
  categoricalProbsSmooth02: 1.0354003995838887,
  categoricalLogitsWeighted: 0.5902404517042291,
  binaryLogits: 1.3358130214784862,
  binaryProbs: 0.9411706901395988,
  binaryProbsSmooth02: 0.9449750010059482,
  binaryLogitsWeighted: 1.881355842690941,
  mae: 0.8500000000000001,
  huber1: 0.4573611111111111,
  huber05: 0.3134722222222222,
  huber05Weighted: 0.31222222222222223,
  kld: 0.06503511696042398,
};

/** A float64 tensor of nested rows. */
export const f64 = (rows: number[][] | number[]): Tensor =>
  tensor(
    rows.flat(),
    Array.isArray(rows[0]) ? [rows.length, (rows[0] as number[]).length] : [
      rows.length,
    ],
    "float64",
  );

/** int32 class ids. */
export const ids = (xs: number[]): Tensor => tensor(Int32Array.from(xs));

/** The scalar a loss tensor holds. */
export const value = (t: Tensor): number => t.dataSync()[0];

/** The mean of per-sample values weighted by `w` (Keras' sum over batch size). */
export const weightedMean = (perSample: number[], w = perSample.map(() => 1)): number =>
  perSample.reduce((s, x, i) => s + x * w[i], 0) / perSample.length;

/** Asserts |got − want| ≤ tol·max(1, |want|). */
export const near = (got: number, want: number, tol = 1e-12): void =>
  assert.ok(Math.abs(got - want) <= tol * Math.max(1, Math.abs(want)), `${got} vs ${want}`);
