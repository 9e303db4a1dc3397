/**
 * `checkNumerics` mode (TensorFlow's `enable_check_numerics`, PyTorch's anomaly mode): when on,
 * every op's float output is checked for NaN and Infinity, and the first op that produced one is
 * named with its layer and pass: "relu (forward, layer dense_1)" or "matmul (backward of dense's
 * matmul, layer dense_2)". Inputs that no checked op made (data, parameters) are checked once
 * when first used, so a NaN that came in with the data is named as such.
 * It is slow (every op's output is read back) and meant for debugging only. On the CPU the check
 * runs as the op returns and throws there; on WebGPU each output is copied to a staging buffer
 * as the op is queued and the error is thrown at the next readback (`await t.data()`).
 * @module
 */
import type { Backend } from "./backend.ts";
import type { DType, TypedArray } from "./dtype.ts";
import type { OpDef } from "./op.ts";
import { fmtShape } from "./shape.ts";
import type { Tensor } from "./tensor_core.ts";

const state = {
  enabled: false,
  /** Innermost last: "layer dense_1", "backward of relu". */
  where: [] as { layer?: string; backwardOf?: string }[],
  /** Storage already checked (a view or an assigned tensor shares it). */
  checked: new WeakSet<object>(),
  layerOf: new WeakMap<Tensor, string>(),
  pending: [] as { label: string; shape: number[]; dtype: DType; values: Promise<TypedArray> }[],
};

/**
 * Turns checkNumerics mode on or off (off by default; `--check-numerics` in tasks).
 * Example: `setCheckNumerics(true); await fit(model, data, opts); // throws at the first NaN`
 */
export function setCheckNumerics(on: boolean): void {
  state.enabled = on;
  if (!on) state.pending = [];
}

/** Whether checkNumerics mode is on. */
export function checkNumericsEnabled(): boolean {
  return state.enabled;
}

/** Runs `fn` as the forward pass of layer `name` (so its ops are named with it). */
export function inLayer<T>(name: string, fn: () => T): T {
  if (!state.enabled) return fn();
  state.where.push({ layer: name });
  try {
    return fn();
  } finally {
    state.where.pop();
  }
}

/** Runs `fn` as the gradient of the op that made `output` (autograd calls this). */
export function inBackward<T>(op: string, output: Tensor, fn: () => T): T {
  if (!state.enabled) return fn();
  state.where.push({ backwardOf: op, layer: state.layerOf.get(output) });
  try {
    return fn();
  } finally {
    state.where.pop();
  }
}

function describe(op: string): string {
  const w = state.where.at(-1);
  const layer = w?.layer ?? state.where.findLast((x) => x.layer)?.layer;
  const pass = w?.backwardOf ? `backward of ${w.backwardOf}` : "forward";
  return `${op} (${pass}${layer ? `, layer ${layer}` : ""})`;
}

function firstBad(values: TypedArray): number {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return i;
  return -1;
}

function message(label: string, shape: number[], dtype: DType, values: TypedArray, i: number) {
  return `checkNumerics: ${label} produced ${values[i]} at index ${i} of its ${dtype}` +
    `${fmtShape(shape)} output; this is the first op whose result is not finite`;
}

/** Queues or runs the check of one tensor on backend `b`. */
function check(b: Backend, t: Tensor, label: string, input: boolean): void {
  if (t.dtype === "int32" || t.size === 0) return;
  const shape = [...t.shape];
  if (b.readSync) {
    const values = b.readSync(t.ref.handle, t.dtype, t.size);
    const i = firstBad(values);
    if (i < 0) return;
    if (input) {
      throw new Error(
        `checkNumerics: ${label} holds ${values[i]} at index ${i} of ${t.dtype}` +
          `${fmtShape(shape)}; it came in with the data or a parameter, not from an op`,
      );
    }
    throw new Error(message(label, shape, t.dtype, values, i));
  }
  // WebGPU: the copy is queued now, so later ops cannot overwrite what is checked.
  const values = b.read(t.ref.handle, t.dtype, t.size);
  values.catch(() => {}); // a lost device is reported by the readback that settles the checks
  state.pending.push({
    label: input ? `${label} (data or a parameter, not made by an op)` : label,
    shape,
    dtype: t.dtype,
    values,
  });
}

/** Called by `runOp` after each op while the mode is on: checks new inputs and the output. */
export function checkOp(def: OpDef, inputs: Tensor[], out: Tensor): void {
  const b = out.ref.backend;
  const label = describe(def.name);
  inputs.forEach((t, i) => {
    if (state.checked.has(t.ref)) return;
    state.checked.add(t.ref);
    check(b, t, `input ${i} of ${label}`, true);
  });
  state.checked.add(out.ref);
  const layer = state.where.findLast((x) => x.layer)?.layer;
  if (layer) state.layerOf.set(out, layer);
  check(b, out, label, false);
}

/** Whether WebGPU checks wait for the next readback. */
export function numericChecksPending(): boolean {
  return state.pending.length > 0;
}

/** Waits for the queued WebGPU checks (in op order) and throws for the first non-finite one. */
export async function settleNumericChecks(): Promise<void> {
  const queued = state.pending;
  state.pending = [];
  for (const q of queued) {
    const values = await q.values;
    const i = firstBad(values);
    if (i >= 0) throw new Error(message(q.label, q.shape, q.dtype, values, i));
  }
}
