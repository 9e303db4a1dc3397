/**
 * Weights and inputs for the model-file tests: seeded uniforms in [−0.5, 0.5) and a scramble of
 * every weight, so a reload that ignored the file (same seed) would give other predictions.
 * @module
 */
import { noGrad } from "../../kernels/engine.ts";
import { Rng } from "../../kernels/random.ts";
import { type Tensor, tensor } from "../../kernels/tensor.ts";
import type { Layer } from "../../layers/layer.ts";

/** A float32 tensor of `shape` with seeded values in [−0.5, 0.5). */
export function uniforms(shape: number[], seed: number): Tensor {
  const rng = new Rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return tensor(Float32Array.from({ length: n }, () => rng.uniform() - 0.5), shape);
}

/** New values for every weight of `model` (variances shifted by 1 so they stay positive). */
export function scramble(model: Layer): void {
  model.weights().forEach((w, i) => {
    const t = uniforms(w.tensor.shape, 100 + i);
    const v = w.name.includes("variance") ? tensor(t.dataSync().map((x) => x + 1), t.shape) : t;
    noGrad(() => w.tensor.assign(v));
    t.dispose();
    if (v !== t) v.dispose();
  });
}
