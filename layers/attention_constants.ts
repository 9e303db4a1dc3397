import { backend, keep } from "../kernels/engine.ts";
import { type Tensor, tensor } from "../kernels/tensor.ts";

/**
 * Causal masks, kept once per backend and shape: a new mask per call would be an upload in
 * every training step on WebGPU (the steady state uploads nothing). Kept: do not dispose them.
 */
const cache = new WeakMap<object, Map<string, Tensor>>();

function kept(key: string, make: () => Tensor): Tensor {
  const b = backend();
  let byKey = cache.get(b);
  if (!byKey) cache.set(b, byKey = new Map());
  let t = byKey.get(key);
  if (!t || t.isDisposed) byKey.set(key, t = keep(make()));
  return t;
}

/**
 * Keras' causal mask as [1, 1, T, S] float32 (1 kept, 0 masked): row t keeps the columns
 * s ≤ t, counted from the top left. Example: `causalKeep(5, 5)`.
 */
export function causalKeep(t: number, s: number): Tensor {
  return kept(`causal ${t}x${s}`, () => {
    const tri = new Float32Array(t * s).map((_, i) => (i % s <= Math.floor(i / s) ? 1 : 0));
    return tensor(tri, [1, 1, t, s], "float32");
  });
}
