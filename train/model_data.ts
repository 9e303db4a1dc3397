import { keep } from "../kernels/engine.ts";
import { gather } from "../kernels/ops/mod.ts";
import { fmtShape } from "../kernels/shape.ts";
import type { Tensor } from "../kernels/tensor.ts";
import type { Shape } from "../layers/layer.ts";

/**
 * What fit, evaluate and predict take: a {@link Dataset}, or one with several inputs
 * (`x: [xa, xb]`, one tensor per model input, all with the same number of samples).
 * @module
 */

/** Samples for a model: x one tensor per input (or one tensor), y class ids or targets. */
export interface ModelData {
  /** The inputs: one tensor [N, …], or one per model input. */
  x: Tensor | Tensor[];
  /** Int32 class ids [N], or a target tensor (one-hot, regression values). */
  y: Int32Array | Tensor;
  /** Class names, for reports and confusion matrices. */
  classNames?: string[];
  /**
   * A weight per sample (Keras' `sample_weight`): the loss is Σ wᵢℓᵢ / N in fit and evaluate,
   * validation samples keep theirs.
   */
  sampleWeight?: Float32Array;
}

/** The inputs as a list. */
export function inputList(x: Tensor | Tensor[]): Tensor[] {
  return Array.isArray(x) ? x : [x];
}

/** Number of samples of `x`, checking every input agrees. */
export function inputCount(x: Tensor | Tensor[]): number {
  const xs = inputList(x);
  if (xs.length === 0) throw new Error("data: x is an empty list; give one tensor per input");
  const n = xs[0].shape[0];
  xs.forEach((t, i) => {
    if (t.shape[0] !== n) {
      throw new Error(
        `data: input ${i} has ${t.shape[0]} samples (${fmtShape(t.shape)}) but input 0 has ${n}`,
      );
    }
  });
  return n;
}

/** Number of samples, checking x and y agree. */
export function sampleCount(d: ModelData): number {
  const n = inputCount(d.x);
  const ny = d.y instanceof Int32Array ? d.y.length : d.y.shape[0];
  if (n !== ny) {
    throw new Error(
      `dataset: x has ${n} samples (${inputList(d.x).map((t) => fmtShape(t.shape)).join(" ")}) ` +
        `but y has ${ny} labels`,
    );
  }
  if (d.sampleWeight && d.sampleWeight.length !== n) {
    throw new Error(
      `dataset: sampleWeight has ${d.sampleWeight.length} values for ${n} samples; give one ` +
        "weight per sample",
    );
  }
  return n;
}

/** Shapes of one sample of each input, as `Layer.build` takes them. */
export function sampleShapes(x: Tensor | Tensor[]): Shape {
  return Array.isArray(x) ? x.map((t) => t.shape.slice(1)) : x.shape.slice(1);
}

/** Rows `idx` of each input (same structure as `x`). */
export function gatherInputs(x: Tensor | Tensor[], idx: Tensor | Int32Array): Tensor | Tensor[] {
  return Array.isArray(x) ? x.map((t) => gather(t, idx)) : gather(x, idx);
}

/** The samples `idx` of `d` as new data (copied on the device). */
export function subsetData(d: ModelData, idx: Int32Array): ModelData {
  const x = gatherInputs(d.x, idx);
  inputList(x).forEach((t) => keep(t));
  return {
    x,
    y: d.y instanceof Int32Array
      ? Int32Array.from(idx, (i) => (d.y as Int32Array)[i])
      : keep(gather(d.y, idx)),
    classNames: d.classNames,
    ...(d.sampleWeight ? { sampleWeight: Float32Array.from(idx, (i) => d.sampleWeight![i]) } : {}),
  };
}

/** Frees the tensors of `d` (inputs, and y when it is a tensor). */
export function disposeData(d: ModelData): void {
  for (const t of inputList(d.x)) t.dispose();
  if (!(d.y instanceof Int32Array)) d.y.dispose();
}
