import type { DType } from "../dtype.ts";
import { backend, keep } from "../engine.ts";
import { scalar, type Tensor } from "../tensor_core.ts";

/**
 * Kept scalar constants, one per backend, dtype and value, for gradients that need a 0 (where,
 * pow) and the layers' mask constants: a new scalar per step would be an upload per training
 * step on WebGPU. Internal to the toolkit: not re-exported by ops/all.ts. Give it only fixed
 * values (each one is kept for good).
 */
const cache = new WeakMap<object, Map<string, Tensor>>();

/** The scalar `value` of `dtype` on the current backend, created once and kept. */
export function cachedScalar(value: number, dtype: DType): Tensor {
  const b = backend();
  let byKey = cache.get(b);
  if (!byKey) cache.set(b, byKey = new Map());
  const key = `${dtype}:${Object.is(value, -0) ? "-0" : value}`;
  let t = byKey.get(key);
  if (!t || t.isDisposed) byKey.set(key, t = keep(scalar(value, dtype)));
  return t;
}
