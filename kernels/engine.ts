import {
  backend,
  creatingGraph,
  currentBackend,
  gradEnabled,
  popScope,
  pushScope,
} from "./context.ts";
import { checkNumericsEnabled, checkOp } from "./check_numerics.ts";
import { mutatedInputs, type OpDef } from "./op.ts";
import { DataRef, Tensor } from "./tensor_core.ts";

/**
 * The engine: the scopes that free intermediate tensors and op dispatch with gradient recording.
 * Its state (current backend, scopes, counters) lives in context.ts; the names are re-exported
 * here so callers import the engine alone.
 */
export {
  backend,
  gradEnabled,
  keep,
  memory,
  noGrad,
  setBackend,
  setDefaultBackend,
  setLeakWarning,
  trackTensor,
  untrackTensor,
} from "./context.ts";
export { fromHost } from "./tensor_core.ts";
export { checkShape } from "./shape.ts";

function collectTensors(value: unknown, out: Set<Tensor>, depth = 0): void {
  if (depth > 4 || value === null || typeof value !== "object") return;
  if (value instanceof Tensor) {
    out.add(value);
    return;
  }
  if (Array.isArray(value)) {
    for (const v of value) collectTensors(v, out, depth + 1);
    return;
  }
  if (Object.getPrototypeOf(value) === Object.prototype) {
    for (const v of Object.values(value)) collectTensors(v, out, depth + 1);
  }
}

/**
 * Runs `fn` and disposes every tensor it created except those it returns (found in a returned
 * tensor, array or plain object) and those passed to `keep`. Like tf.tidy: a training step in a
 * tidy leaves no tensors behind, so memory stays flat across steps.
 * `fn` must be synchronous: awaiting inside would let other work's tensors into the scope.
 * Example: `const y = tidy(() => x.mul(2).add(1));`
 */
export function tidy<T>(fn: () => T): T {
  const scope = pushScope();
  let result: T;
  let parent;
  try {
    result = fn();
    if (result instanceof Promise) {
      throw new Error("tidy(fn): fn returned a Promise; tidy only takes synchronous functions");
    }
  } finally {
    parent = popScope();
  }
  const kept = new Set<Tensor>();
  collectTensors(result, kept);
  for (const t of scope.tensors) if (!kept.has(t)) t.dispose();
  if (parent) { for (const t of kept) if (!t.isDisposed) parent.tensors.add(t); }
  return result;
}

/**
 * Submits the work queued on the device (WebGPU batches a whole training step into one submit;
 * the CPU runs eagerly, so this is a no-op there).
 */
export function flush(): void {
  currentBackend()?.flush?.();
}

/**
 * Runs a registered op on the current backend: checks inputs, infers the output, executes, and
 * records the graph node when any input requires a gradient.
 */
export function runOp<A>(def: OpDef<A>, inputs: Tensor[], attrs: A): Tensor {
  const b = backend();
  for (const [i, t] of inputs.entries()) {
    if (t.isDisposed) {
      throw new Error(`${def.name}: input ${i} was disposed (used outside the tidy that made it?)`);
    }
    if (t.ref.backend !== b) {
      throw new Error(
        `${def.name}: input ${i} lives on "${t.ref.backend.name}" but the device is "${b.name}"; ` +
          `create tensors after setDevice() or copy them with .to()`,
      );
    }
  }
  for (const i of mutatedInputs(def, attrs, inputs.length)) {
    const t = inputs[i];
    if (t && t.ref.refs !== 1) {
      throw new Error(
        `${def.name}: input ${i} is updated in place but its storage is shared (a view or an ` +
          `assigned tensor); pass a tensor that owns its storage`,
      );
    }
  }
  const info = def.infer(inputs.map((t) => ({ shape: t.shape, dtype: t.dtype })), attrs);
  const handle = b.exec(
    def as OpDef,
    inputs.map((t) => ({ handle: t.ref.handle, shape: t.shape, dtype: t.dtype })),
    attrs,
    info.shape,
    info.dtype,
  );
  const out = new Tensor(info.shape, info.dtype, new DataRef(b, handle));
  if (gradEnabled() && inputs.some((t) => t.requiresGrad)) {
    if (def.grad) {
      out.requiresGrad = true;
      out.node = { def: def as OpDef, inputs, attrs };
    } else if (def.gradOf && creatingGraph()) {
      // A second derivative through it would silently miss its terms: refuse it instead.
      throw new Error(
        `${def.name} (the gradient op of ${def.gradOf}) has no gradient of its own, so a ` +
          `second derivative through ${def.gradOf} is not supported; use createGraph only ` +
          `with twice-differentiable ops`,
      );
    }
  }
  if (checkNumericsEnabled()) checkOp(def as OpDef, inputs, out);
  return out;
}
