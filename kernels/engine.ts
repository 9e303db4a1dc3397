import type { Backend } from "./backend.ts";
import { CpuBackend } from "./cpu/backend.ts";
import type { DType, TypedArray } from "./dtype.ts";
import { sizeOf } from "./shape.ts";
import type { OpDef } from "./op.ts";
import { DataRef, Tensor } from "./tensor.ts";

/**
 * The engine: the current backend, the scopes that free intermediate tensors, the live-tensor
 * counters, and op dispatch with gradient recording.
 */
interface Scope {
  tensors: Set<Tensor>;
}

const state = {
  backend: undefined as Backend | undefined,
  scopes: [] as Scope[],
  gradEnabled: true,
  liveTensors: 0,
  liveBytes: 0,
};

/** Installs the backend new tensors are created on (used by `setDevice`). */
export function setBackend(b: Backend): void {
  state.backend = b;
}

/** The current backend. */
export function backend(): Backend {
  // The CPU is the default until setDevice() picks another device.
  state.backend ??= new CpuBackend(true);
  return state.backend;
}

/** Number of tensors not yet disposed, and their bytes (views count once per tensor). */
export function memory(): { tensors: number; bytes: number } {
  return { tensors: state.liveTensors, bytes: state.liveBytes };
}

/** Called by the Tensor constructor. */
export function trackTensor(t: Tensor, bytes: number): void {
  state.liveTensors++;
  state.liveBytes += bytes;
  const scope = state.scopes[state.scopes.length - 1];
  if (scope) scope.tensors.add(t);
}

/** Called by Tensor.dispose. */
export function untrackTensor(t: Tensor, bytes: number): void {
  state.liveTensors--;
  state.liveBytes -= bytes;
  const scope = state.scopes[state.scopes.length - 1];
  scope?.tensors.delete(t);
}

/** Removes `t` from every open scope so `tidy` does not free it (parameters, optimiser state). */
export function keep<T extends Tensor>(t: T): T {
  for (const s of state.scopes) s.tensors.delete(t);
  return t;
}

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
  const scope: Scope = { tensors: new Set() };
  state.scopes.push(scope);
  let result: T;
  try {
    result = fn();
    if (result instanceof Promise) {
      throw new Error("tidy(fn): fn returned a Promise; tidy only takes synchronous functions");
    }
  } finally {
    state.scopes.pop();
  }
  const kept = new Set<Tensor>();
  collectTensors(result, kept);
  for (const t of scope.tensors) if (!kept.has(t)) t.dispose();
  const parent = state.scopes[state.scopes.length - 1];
  if (parent) { for (const t of kept) if (!t.isDisposed) parent.tensors.add(t); }
  return result;
}

/**
 * Submits the work queued on the device (WebGPU batches a whole training step into one submit;
 * the CPU runs eagerly, so this is a no-op there).
 */
export function flush(): void {
  state.backend?.flush?.();
}

/** Runs `fn` with gradient recording off (evaluation, optimiser updates). */
export function noGrad<T>(fn: () => T): T {
  const prev = state.gradEnabled;
  state.gradEnabled = false;
  try {
    return fn();
  } finally {
    state.gradEnabled = prev;
  }
}

/** True while ops record the graph for autograd. */
export function gradEnabled(): boolean {
  return state.gradEnabled;
}

/** Creates a tensor from host data on the current backend. */
export function fromHost(data: TypedArray, shape: number[], dtype: DType): Tensor {
  const b = backend();
  return new Tensor(shape, dtype, new DataRef(b, b.upload(data)));
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
  for (const i of def.mutates ?? []) {
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
  if (state.gradEnabled && def.grad && inputs.some((t) => t.requiresGrad)) {
    out.requiresGrad = true;
    out.node = { def: def as OpDef, inputs, attrs };
  }
  return out;
}

/** Checks that a shape is made of non-negative integers; used by creation functions. */
export function checkShape(shape: number[], where: string): number {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new Error(`${where}: shape [${shape}] must hold non-negative integers`);
    }
  }
  return sizeOf(shape);
}
