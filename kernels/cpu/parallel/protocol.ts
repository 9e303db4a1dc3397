/**
 * The shared control words between the main thread and the helper thread (helper.ts,
 * helper_worker.ts): an Int32Array over a SharedArrayBuffer, read and written with Atomics.
 */

/** Index of the job state: one of the JOB_* values. */
export const STATE = 0;
/** Index of the start-up state: one of the READY_* values. */
export const READY = 1;
/** Index of the number of float64 values of the posted command list. */
export const COUNT = 2;
/** Words in the control array. */
export const CONTROL_WORDS = 4;

/** No job; the helper waits for one. */
export const JOB_IDLE = 0;
/** A job is posted; the helper runs it. */
export const JOB_POSTED = 1;
/** A job is coming: the helper wakes up and polls (hides the wake-up behind the job's setup). */
export const JOB_COMING = 4;
/**
 * The helper has exited after IDLE_EXIT_MS without a job (set by the helper, from JOB_IDLE or
 * JOB_COMING, with a compare-and-swap so that a job posted meanwhile wins); the main thread starts
 * a new one when it needs one.
 */
export const JOB_CLOSED = 5;
/**
 * How long an idle helper waits before it exits. A helper blocked on the futex cannot be stopped
 * from outside (terminate() does not interrupt it), so one whose isolate has ended (a test module,
 * a user's worker) must stop by itself; in training, jobs come milliseconds apart.
 */
export const IDLE_EXIT_MS = 2000;
/** The helper finished the job. */
export const JOB_DONE = 2;
/** The helper could not run the job (the main thread runs it instead). */
export const JOB_FAILED = 3;

/** The helper is still starting. */
export const READY_STARTING = 0;
/** The helper waits for jobs. */
export const READY_YES = 1;
/** The helper could not start (no WASM kernels or no OpenBLAS in the worker). */
export const READY_FAILED = 2;

/** What the main thread hands the worker at start. */
export interface HelperData {
  memory: WebAssembly.Memory;
  control: Int32Array;
  commands: Float64Array;
  blasPath: string;
}
