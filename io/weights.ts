/**
 * Named weights ↔ safetensors files: the level below models and modules. Anything with
 * `weights()` (a list of `{ name, tensor }`) saves with {@link saveWeights} and loads back with
 * {@link loadWeightsInto}, which checks every name, shape and dtype before touching a tensor.
 * @module
 */
import type { DType, TypedArray } from "../kernels/dtype.ts";
import { noGrad } from "../kernels/engine.ts";
import { fmtShape, sameShape } from "../kernels/shape.ts";
import { type Tensor, tensor } from "../kernels/tensor.ts";
import { readWeightsFile } from "./checkpoint_convert.ts";
import {
  type SafetensorsArray,
  type SafetensorsFile,
  type SafetensorsTensor,
  writeSafetensors,
} from "./safetensors.ts";

/** A tensor and the name it is stored under (a layer's `NamedTensor` is one). */
export interface WeightEntry {
  /** The key the tensor is stored under ("dense_1/kernel"). */
  name: string;
  /** The tensor itself. */
  tensor: Tensor;
}

/** Options of {@link loadWeightsInto}. */
export interface LoadWeightsOptions {
  /** Refuse tensors in the file that no entry asks for (default true, like PyTorch's strict). */
  strict?: boolean;
}

/** Host copies of `weights`, keyed by name, ready for {@link writeSafetensors}. */
export async function weightsToHost(
  weights: readonly WeightEntry[],
): Promise<Record<string, { shape: number[]; data: SafetensorsArray }>> {
  const out: Record<string, { shape: number[]; data: SafetensorsArray }> = {};
  for (const w of weights) {
    if (w.name in out) throw new Error(`saveWeights: two tensors are named ${w.name}`);
    out[w.name] = { shape: [...w.tensor.shape], data: await w.tensor.data() };
  }
  return out;
}

/**
 * Saves named tensors to a safetensors file (atomically). Non-finite values are refused: a model
 * that diverged is not worth keeping over a good file. Example:
 * `await saveWeights(model.weights(), "runs/net/weights.safetensors");`
 */
export async function saveWeights(
  weights: readonly WeightEntry[],
  path: string,
  metadata?: Record<string, string>,
): Promise<void> {
  const host = await weightsToHost(weights);
  for (const [name, t] of Object.entries(host)) {
    if (t.data instanceof Float32Array || t.data instanceof Float64Array) {
      if (t.data.some((v) => !Number.isFinite(v))) {
        throw new Error(`saveWeights: ${name} holds NaN or Infinity; refusing to save it`);
      }
    }
  }
  await writeSafetensors(path, host, metadata);
}

/**
 * The host array for a tensor of `dtype` from a stored one: float kinds convert among
 * themselves (F16/BF16 arrive as float32), integer kinds among themselves (I64 within int32).
 */
export function hostArrayFor(
  dtype: DType,
  t: SafetensorsTensor,
  fail: (why: string) => never,
): TypedArray {
  const d = t.data;
  const isFloat = d instanceof Float32Array || d instanceof Float64Array;
  if (dtype === "int32") {
    if (isFloat) fail(`stored as ${t.dtype} but the model holds int32`);
    if (d instanceof BigInt64Array) {
      const out = new Int32Array(d.length);
      for (let i = 0; i < d.length; i++) {
        if (d[i] > 2147483647n || d[i] < -2147483648n) fail(`value ${d[i]} does not fit int32`);
        out[i] = Number(d[i]);
      }
      return out;
    }
    return d instanceof Int32Array ? d : Int32Array.from(d as Uint8Array);
  }
  if (!isFloat) fail(`stored as ${t.dtype} but the model holds ${dtype}`);
  if (dtype === "float32") {
    return d instanceof Float32Array ? d : Float32Array.from(d as Float64Array);
  }
  return d instanceof Float64Array ? d : Float64Array.from(d as Float32Array);
}

/**
 * Checks that `file` has exactly the tensors `weights` need, with their shapes, and returns the
 * host array for each entry; throws naming the first missing, mis-shaped or (strict) extra one.
 */
export function matchWeights(
  weights: readonly WeightEntry[],
  file: SafetensorsFile,
  source: string,
  opts: LoadWeightsOptions = {},
): TypedArray[] {
  const fail = (why: string): never => {
    throw new Error(`loadWeights: ${source}: ${why}`);
  };
  const wanted = new Set(weights.map((w) => w.name));
  const missing = weights.filter((w) => !file.tensors.has(w.name)).map((w) => w.name);
  if (missing.length) {
    const held = [...file.tensors.keys()];
    fail(
      `no tensor named ${missing.join(", ")} (the file holds ${
        held.length ? held.join(", ") : "none"
      })`,
    );
  }
  const extra = [...file.tensors.keys()].filter((n) => !wanted.has(n));
  if ((opts.strict ?? true) && extra.length) {
    fail(
      `tensors the model does not have: ${extra.join(", ")} (pass { strict: false } to skip them)`,
    );
  }
  return weights.map((w) => {
    const t = file.tensors.get(w.name)!;
    if (!sameShape(t.shape, w.tensor.shape)) {
      fail(
        `${w.name} is ${t.dtype}${fmtShape(t.shape)} in the file but ${w.tensor.dtype}${
          fmtShape(w.tensor.shape)
        } in the model`,
      );
    }
    return hostArrayFor(w.tensor.dtype, t, (why) => fail(`${w.name}: ${why}`));
  });
}

/** Replaces each entry's values with `arrays[i]` (same order), outside autograd. */
export function assignWeights(weights: readonly WeightEntry[], arrays: TypedArray[]): void {
  noGrad(() => {
    weights.forEach((w, i) => {
      const t = tensor(arrays[i], [...w.tensor.shape], w.tensor.dtype);
      w.tensor.assign(t);
      t.dispose();
    });
  });
}

/**
 * Loads a safetensors file (or an old `DLTKCKP1` checkpoint, with a note) into named tensors:
 * all or nothing (every check runs before the first assignment). Example: `await loadWeightsInto(model.weights(), "weights.safetensors");`
 */
export async function loadWeightsInto(
  weights: readonly WeightEntry[],
  path: string,
  opts: LoadWeightsOptions = {},
): Promise<SafetensorsFile> {
  const file = await readWeightsFile(path);
  assignWeights(weights, matchWeights(weights, file, path, opts));
  return file;
}
