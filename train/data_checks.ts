/**
 * The checks `fit`, `evaluate` and `predict` run on their data before the first step: inputs
 * free of NaN and Infinity, class labels that are whole numbers inside the model's outputs, and
 * labels of a usable type. Each runs once per tensor (remembered in a WeakSet), never per step,
 * so training does not pay for it: on the CPU it scans the host copy; on WebGPU it costs one
 * readback of the tensor when it is first checked (the start of `fit`, the first `evaluate`).
 * @module
 */
import { noGrad } from "../kernels/engine.ts";
import { sliceRows } from "../kernels/ops/mod.ts";
import { fmtShape } from "../kernels/shape.ts";
import { Tensor } from "../kernels/tensor.ts";
import type { Shape } from "../layers/layer.ts";
import { inputList, type ModelData, sampleShapes } from "./model_data.ts";

/** What the checks need of a model (any Layer): its output width (the number of classes). */
export interface CheckedModel {
  ensureBuilt(inputShape: Shape): unknown;
  outputShape(inputShape: Shape): Shape;
}

const finiteTensors = new WeakSet<Tensor>();
/** Values read per slice (64 MB of float32). */
const CHUNK = 16 << 20;
const labelArrays = new WeakMap<Int32Array, number>();

/**
 * `data` ready for `where` ("fit", "evaluate"): x checked for NaN/Infinity (naming the first
 * sample and position), y converted to an Int32Array when it is a plain array or another typed
 * array of whole numbers, and class labels checked against the model's output width (naming the
 * sample's index in `data`). Throws an Error that says what is wrong and how to fix it.
 * Example: `data = await checkedData("fit", data, model);`
 */
export async function checkedData<D extends ModelData>(
  where: string,
  data: D,
  model: CheckedModel,
): Promise<D> {
  const xs = Array.isArray(data.x) ? data.x : [data.x];
  if (xs.length === 0 || xs.some((t) => !(t instanceof Tensor))) {
    throw new Error(
      `${where}: x must be a tensor [samples, ...] (or a list of them, one per model input); ` +
        `wrap arrays with tensor(data, shape)`,
    );
  }
  const y = labelsOf(where, data.y);
  for (const [i, t] of inputList(data.x).entries()) {
    await checkFinite(where, Array.isArray(data.x) ? `x[${i}]` : "x", t);
  }
  if (!(y instanceof Int32Array)) {
    await checkFinite(where, "y", y);
    return { ...data, y };
  }
  if (y.length !== xs[0].shape[0]) return { ...data, y }; // sampleCount names the mismatch
  const shapes = sampleShapes(data.x);
  model.ensureBuilt(shapes);
  const classes = (model.outputShape(shapes) as number[]).at(-1) ?? 0;
  if (labelArrays.get(y) !== classes) {
    const bad = y.findIndex((v) => v < 0 || v >= classes);
    if (bad >= 0) {
      throw new Error(
        `${where}: y[${bad}] is ${y[bad]}, but the model has ${classes} outputs, so class ids ` +
          `must be in [0, ${classes}); check the labels or give the last layer more units`,
      );
    }
    labelArrays.set(y, classes);
  }
  return { ...data, y };
}

/**
 * Checks `x` for NaN and Infinity once (what `predict` calls); the error names the first
 * sample and its position. Example: `await checkFinite("predict", "x", x);`
 */
export async function checkFinite(where: string, what: string, t: Tensor): Promise<void> {
  if (finiteTensors.has(t) || t.dtype === "int32") return;
  const n = t.shape[0] ?? 1, per = t.size / Math.max(n, 1);
  // Read in slices of rows so a large set (CIFAR-10: 600 MB) is never copied whole.
  const rows = t.rank <= 1 ? n : Math.max(1, Math.floor(CHUNK / Math.max(per, 1)));
  for (let start = 0; start < n; start += rows) {
    const count = Math.min(rows, n - start);
    const part = count === n ? t : noGrad(() => sliceRows(t, start, count));
    const values = part.ref.backend.readSync ? part.dataSync() : await part.data();
    if (part !== t) part.dispose();
    const bad = values.findIndex((v) => !Number.isFinite(v));
    if (bad < 0) continue;
    const sample = start + Math.floor(bad / per);
    const pos = unravel(bad % per, t.shape.slice(1));
    throw new Error(
      `${where}: ${what} holds ${values[bad]} at sample ${sample}, position ${fmtShape(pos)} ` +
        `(${what} is ${fmtShape(t.shape)}); NaN or Infinity in the data turns the weights into ` +
        `NaN: replace or drop those samples`,
    );
  }
  finiteTensors.add(t);
}

function unravel(i: number, shape: number[]): number[] {
  const out = new Array<number>(shape.length);
  for (let a = shape.length - 1; a >= 0; a--) {
    out[a] = i % shape[a];
    i = Math.floor(i / shape[a]);
  }
  return out;
}

/** y as Int32Array class ids (converted from other arrays of whole numbers) or a target tensor. */
function labelsOf(where: string, y: unknown): Int32Array | Tensor {
  if (y instanceof Int32Array) return y;
  if (y instanceof Tensor) return y;
  const isArray = Array.isArray(y) || (ArrayBuffer.isView(y) && !(y instanceof DataView));
  if (!isArray) {
    throw new Error(
      `${where}: y must be class ids (an Int32Array, or an array of whole numbers) or a target ` +
        `tensor; got ${y === null ? "null" : typeof y}`,
    );
  }
  const arr = y as ArrayLike<number | bigint>;
  for (let i = 0; i < arr.length; i++) {
    const v = Number(arr[i]);
    if (!Number.isInteger(v) || v < -(2 ** 31) || v >= 2 ** 31) {
      throw new Error(
        `${where}: y[${i}] is ${String(arr[i])}, not a class id: class labels must be whole ` +
          `numbers (for regression targets pass y as a float tensor)`,
      );
    }
  }
  return Int32Array.from(arr as ArrayLike<number>, Number);
}
