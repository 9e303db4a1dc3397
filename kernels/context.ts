import type { Backend } from "./backend.ts";
import type { Tensor } from "./tensor_core.ts";

/**
 * The engine's process-wide state: the current backend (and the factory of the default one),
 * the open `tidy` scopes, whether autograd records, and the live-tensor counters. Kept apart
 * from engine.ts, which constructs tensors, so that tensor_core.ts can track tensors without an
 * import cycle.
 */

/** What `tidy` collects: the tensors created while its scope is the innermost one. */
export interface Scope {
  tensors: Set<Tensor>;
}

const state = {
  backend: undefined as Backend | undefined,
  makeDefault: undefined as (() => Backend) | undefined,
  scopes: [] as Scope[],
  gradEnabled: true,
  liveTensors: 0,
  liveBytes: 0,
};

/** Installs the backend new tensors are created on (used by `setDevice`). */
export function setBackend(b: Backend): void {
  state.backend = b;
}

/**
 * Sets how the default backend is made when no device was chosen (kernels/device.ts installs
 * the fast CPU backend; the engine itself knows no backend class).
 */
export function setDefaultBackend(make: () => Backend): void {
  state.makeDefault = make;
}

/** The current backend. */
export function backend(): Backend {
  if (!state.backend) {
    if (!state.makeDefault) {
      throw new Error(
        "no backend: import the toolkit through mod.ts or kernels/tensor.ts (they install the " +
          "CPU default), or call setDevice() from kernels/device.ts first",
      );
    }
    state.backend = state.makeDefault();
  }
  return state.backend;
}

/** The backend in use when one has been made, without making the default. */
export function currentBackend(): Backend | undefined {
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

/** Opens a `tidy` scope; tensors created from now on are collected in it. */
export function pushScope(): Scope {
  const scope: Scope = { tensors: new Set() };
  state.scopes.push(scope);
  return scope;
}

/** Closes the innermost scope and returns the one around it, if any. */
export function popScope(): Scope | undefined {
  state.scopes.pop();
  return state.scopes[state.scopes.length - 1];
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
