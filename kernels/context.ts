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
  /** True while a backward pass records its own graph (`gradients(…, { createGraph })`). */
  creatingGraph: false,
  liveTensors: 0,
  /** Tensors released by the garbage collector without dispose(). */
  collectedTensors: 0,
  liveBytes: 0,
  /** The leak warning: growth (over the lowest live count) that triggers it, once. */
  leak: { threshold: 1000 as number | false, low: 0, warned: false },
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

/**
 * Live tensors (neither disposed nor garbage collected), the bytes of their storage (each buffer
 * counted once however many tensors share it: views, assigned tensors), and how many tensors the
 * garbage collector released without `dispose()` (leaked ones). `tensors + collected` only grows
 * with tensors made and not disposed, whenever the collector runs, so compare that sum to find
 * a leak. Example: `const { tensors, bytes, collected } = memory();`
 */
export function memory(): { tensors: number; bytes: number; collected: number } {
  return {
    tensors: state.liveTensors,
    bytes: state.liveBytes,
    collected: state.collectedTensors,
  };
}

/** Called by the Tensor constructor; warns once when tensors made outside `tidy` pile up. */
export function trackTensor(t: Tensor): void {
  state.liveTensors++;
  const scope = state.scopes[state.scopes.length - 1];
  if (scope) scope.tensors.add(t);
  else if (state.leak.threshold !== false && !state.leak.warned) {
    if (state.liveTensors - state.leak.low >= state.leak.threshold) warnLeak();
  }
}

function warnLeak(): void {
  state.leak.warned = true;
  console.warn(
    `warning: ${state.liveTensors - state.leak.low} more tensors are alive than before ` +
      `(${state.liveTensors} now, ${(state.liveBytes / 1e6).toFixed(1)} MB): tensors made ` +
      `outside tidy() live until dispose() or garbage collection. Wrap each step in ` +
      `tidy(() => ...) and keep() what must survive it (setLeakWarning(false) silences this)`,
  );
}

/**
 * Sets how many more live tensors than the lowest count so far trigger the one-time leak
 * warning (default 1000), or `false` for none; resets the warning. Example: `setLeakWarning(false)`.
 */
export function setLeakWarning(threshold: number | false): void {
  state.leak = { threshold, low: state.liveTensors, warned: false };
}

/** Called by Tensor.dispose and when an undisposed tensor is garbage collected. */
export function untrackTensor(t?: Tensor): void {
  state.liveTensors--;
  if (state.liveTensors < state.leak.low) state.leak.low = state.liveTensors;
  if (!t) {
    state.collectedTensors++;
    return;
  }
  const scope = state.scopes[state.scopes.length - 1];
  scope?.tensors.delete(t);
}

/** Adds (or, negative, removes) storage bytes when a buffer gets its first or loses its last holder. */
export function trackBytes(delta: number): void {
  state.liveBytes += delta;
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

/**
 * Runs `fn` (a backward pass) with gradient recording on, so its result can be differentiated
 * again (PyTorch's `create_graph=True`); `creatingGraph()` is true inside.
 */
export function withGraphCreation<T>(fn: () => T): T {
  const prev = [state.gradEnabled, state.creatingGraph];
  state.gradEnabled = true;
  state.creatingGraph = true;
  try {
    return fn();
  } finally {
    [state.gradEnabled, state.creatingGraph] = prev;
  }
}

/** True while a backward pass records its own graph (see {@link withGraphCreation}). */
export function creatingGraph(): boolean {
  return state.creatingGraph;
}

/** True while ops record the graph for autograd. */
export function gradEnabled(): boolean {
  return state.gradEnabled;
}
