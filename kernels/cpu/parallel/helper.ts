import { Worker } from "node:worker_threads";
import { type CommandList, heapGemm, runCommands } from "./commands.ts";
import {
  CONTROL_WORDS,
  COUNT,
  type HelperData,
  JOB_CLOSED,
  JOB_COMING,
  JOB_DONE,
  JOB_IDLE,
  JOB_POSTED,
  READY,
  READY_FAILED,
  READY_YES,
  STATE,
} from "./protocol.ts";
import { type WasmKernels, wasmKernels } from "../wasm/module.ts";
import { openBlasPath, singleThreadSgemm } from "../gemm_dispatch.ts";
import { readEnv } from "../openblas.ts";

/**
 * The second core for the fast CPU kernels: a helper thread (a worker, helper_worker.ts) that
 * shares the WASM kernels' memory and runs command lists (commands.ts) while the main thread
 * runs its own. A kernel that splits its work in two builds both halves as command lists and
 * calls `runPair`; the helper takes the second half when it is up, else the main thread runs
 * both, one after the other. The numbers are the same either way: the same calls run on the
 * same values, only on another thread. GEMMs run on one OpenBLAS thread on each side.
 *
 * The worker starts on first use, in the background (the call that starts it runs both halves
 * itself), is unref'd so it never keeps a script from exiting, and closes itself after
 * IDLE_EXIT_MS without a job (the next pair starts another). `DL_HELPER=off` in the
 * environment, or `setHelperEnabled(false)`, keeps everything on the main thread (for A/B
 * timing: the numbers do not change).
 */

/** Float64 values a posted command list may have (a conv pass needs a few hundred). */
const COMMAND_CAPACITY = 1 << 16;

/**
 * How long the main thread polls for the helper to finish before it sleeps on the futex. Halves
 * are built to take the same time, so the helper is usually done within microseconds.
 */
const SPIN_MS = 0.2;
/**
 * A helper that has not finished after this long is given up on: the main thread runs the half
 * itself and stops using the helper (a stuck or dead worker must not hang training).
 */
const GIVE_UP_MS = 30_000;

interface Running {
  control: Int32Array;
  commands: Float64Array;
}

/** undefined = not started; "off" = not available in this process. */
let helper: Running | "off" | undefined;
/** null = follow DL_HELPER; true/false = set by `setHelperEnabled`. */
let enabled: boolean | null = null;

function envEnabled(): boolean {
  const v = readEnv("DL_HELPER")?.toLowerCase();
  return !(v === "off" || v === "0" || v === "false" || v === "no");
}

/** Switches the helper thread on or off (on by default); returns the previous setting. */
export function setHelperEnabled(on: boolean): boolean {
  const was = enabled ?? envEnabled();
  enabled = on;
  return was;
}

function start(k: WasmKernels): Running | "off" {
  const blasPath = openBlasPath();
  if (!blasPath || (navigator.hardwareConcurrency ?? 1) < 2) return "off";
  try {
    const control = new Int32Array(new SharedArrayBuffer(4 * CONTROL_WORDS));
    const commands = new Float64Array(new SharedArrayBuffer(8 * COMMAND_CAPACITY));
    const data: HelperData = { memory: k.heap.memory, control, commands, blasPath };
    // Started from a one-line module that imports the program: node:worker_threads takes only
    // file: and data: URLs, and the toolkit may have been imported over https.
    const program = new URL("./helper_worker.ts", import.meta.url).href;
    const worker = new Worker(`import(${JSON.stringify(program)});`, {
      eval: true,
      workerData: data,
    });
    worker.unref();
    const running = { control, commands };
    // A helper that closed itself for being idle is replaced on next use; one that failed to load
    // or died is not (one that dies mid-job answers no job: awaitHelper gives up on it).
    const gone = () => {
      if (helper !== running) return;
      helper = Atomics.load(control, STATE) === JOB_CLOSED ? undefined : "off";
    };
    worker.on("error", gone);
    worker.on("exit", gone);
    return running;
  } catch {
    return "off";
  }
}

/** The helper when it is up and idle, starting it on first use. */
function readyHelper(k: WasmKernels): Running | undefined {
  enabled ??= envEnabled();
  if (!enabled) return undefined;
  if (
    helper !== undefined && helper !== "off" && Atomics.load(helper.control, STATE) === JOB_CLOSED
  ) {
    helper = undefined; // closed itself after an idle spell: start another
  }
  helper ??= start(k);
  if (helper === "off") return undefined;
  const ready = Atomics.load(helper.control, READY);
  if (ready === READY_FAILED) helper = "off";
  return ready === READY_YES ? helper as Running : undefined;
}

/**
 * Starts the helper thread if it is not running and resolves once it takes jobs: true, or false
 * when it is off, unavailable or not up within `timeoutMs`. Kernels never wait for it (they run
 * both halves themselves meanwhile); benchmarks do, so that they time the steady state.
 */
export async function helperReady(timeoutMs = 10_000): Promise<boolean> {
  const k = wasmKernels();
  const t0 = performance.now();
  while (k && performance.now() - t0 < timeoutMs) {
    if (readyHelper(k)) return true;
    if (helper === "off" || !enabled) return false;
    await new Promise((r) => setTimeout(r, 10));
  }
  return false;
}

/**
 * Tells the helper a `runPair` is coming, so that it is awake when the job is posted; a kernel
 * calls it before staging its operands. Does nothing when the helper is not up.
 */
export function announcePair(k: WasmKernels): void {
  const h = readyHelper(k);
  if (h && Atomics.compareExchange(h.control, STATE, JOB_IDLE, JOB_COMING) === JOB_IDLE) {
    Atomics.notify(h.control, STATE);
  }
}

/**
 * How conv passes run, for the backend's description: "im2col conv on 2 threads" when the
 * helper is (or will be) used, else "im2col conv on 1 thread (why)".
 */
export function helperStatus(k: WasmKernels | undefined): string {
  enabled ??= envEnabled();
  const why = !enabled
    ? "helper thread off"
    : !k || openBlasPath() === undefined
    ? "the helper needs WASM SIMD and OpenBLAS"
    : (navigator.hardwareConcurrency ?? 1) < 2
    ? "one core"
    : helper === "off"
    ? "the helper thread could not start"
    : "";
  return why ? `im2col conv on 1 thread (${why})` : "im2col conv on 2 threads";
}

/** Counts of `runPair` calls and of those whose second half the helper ran. */
export const helperStats = { pairs: 0, onHelper: 0 };

/**
 * Runs command list `a` on this thread and `b` on the helper when it is up (else `b` here after
 * `a`), and returns when both are done. GEMMs in either list run on one OpenBLAS thread.
 */
export function runPair(a: CommandList, b: CommandList, k: WasmKernels): void {
  const sgemm = singleThreadSgemm();
  if (!sgemm) throw new Error("runPair: needs OpenBLAS");
  const gemm = heapGemm(k.heap.memory, sgemm);
  helperStats.pairs++;
  const h = b.values.length <= COMMAND_CAPACITY ? readyHelper(k) : undefined;
  if (!h) {
    runCommands(a.values, k.fn, gemm);
    runCommands(b.values, k.fn, gemm);
    return;
  }
  h.commands.set(b.values);
  Atomics.store(h.control, COUNT, b.values.length);
  if (!post(h)) {
    helper = undefined; // it closed itself just now: both halves here, another helper next time
    runCommands(a.values, k.fn, gemm);
    runCommands(b.values, k.fn, gemm);
    return;
  }
  let done = false;
  try {
    runCommands(a.values, k.fn, gemm);
  } finally {
    // Wait even when `a` threw: the helper is still writing into memory the caller will reuse.
    done = awaitHelper(h);
  }
  if (done) helperStats.onHelper++;
  else runCommands(b.values, k.fn, gemm);
}

/** Posts the job written to h.commands; false when the helper has closed itself. */
function post(h: Running): boolean {
  for (const from of [JOB_IDLE, JOB_COMING]) {
    if (Atomics.compareExchange(h.control, STATE, from, JOB_POSTED) === from) {
      Atomics.notify(h.control, STATE);
      return true;
    }
  }
  return false;
}

/** Waits for the posted job; true when the helper did it, false when it failed or timed out. */
function awaitHelper(h: Running): boolean {
  const t0 = performance.now();
  let state = Atomics.load(h.control, STATE);
  while (state === JOB_POSTED) {
    const waited = performance.now() - t0;
    if (waited > GIVE_UP_MS) {
      helper = "off";
      return false;
    }
    if (waited > SPIN_MS) Atomics.wait(h.control, STATE, JOB_POSTED, 100);
    state = Atomics.load(h.control, STATE);
  }
  Atomics.compareExchange(h.control, STATE, state, JOB_IDLE);
  if (state !== JOB_DONE) helper = "off";
  return state === JOB_DONE;
}
