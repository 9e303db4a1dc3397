/**
 * The helper thread's program (see helper.ts): its own instance of the WASM kernels on the main
 * thread's shared memory and its own handle on the same OpenBLAS, then a loop that runs posted
 * command lists. It never returns to its event loop, so it needs no messages after the start.
 */
import { workerData } from "node:worker_threads";
import { heapGemm, runCommands } from "./commands.ts";
import {
  COUNT,
  type HelperData,
  IDLE_EXIT_MS,
  JOB_CLOSED,
  JOB_COMING,
  JOB_DONE,
  JOB_FAILED,
  JOB_IDLE,
  JOB_POSTED,
  READY,
  READY_FAILED,
  READY_YES,
  STATE,
} from "./protocol.ts";
import { instantiateKernels, type KernelExports } from "../wasm/module.ts";
import { loadOpenBlas } from "../openblas.ts";

/**
 * How long the helper polls for the next job (after a job, or after one is announced) before it
 * sleeps on the futex: a training step posts jobs a fraction of a millisecond apart, and waking
 * a sleeping thread costs tens of µs.
 */
const SPIN_MS = 0.5;

const { memory, control, commands, blasPath } = workerData as HelperData;

function start(): { fn: KernelExports; gemm: ReturnType<typeof heapGemm> } | undefined {
  try {
    const fn = instantiateKernels(memory).exports as unknown as KernelExports;
    const { blas } = loadOpenBlas(blasPath);
    return blas ? { fn, gemm: heapGemm(memory, blas.sgemm) } : undefined;
  } catch {
    return undefined;
  }
}

/** Returns true once a job is posted, false when the helper closed itself for being idle. */
function awaitJob(): boolean {
  const idleSince = performance.now();
  let until = idleSince + SPIN_MS;
  for (let i = 0;; i++) {
    const seen = Atomics.load(control, STATE);
    if (seen === JOB_POSTED) return true;
    if ((i & 255) !== 0) continue;
    if (seen === JOB_COMING && i === 0) until = performance.now() + SPIN_MS;
    if (performance.now() > until) {
      // DONE or FAILED until the main thread takes the outcome, which it does without a wake-up.
      const idle = seen === JOB_IDLE || seen === JOB_COMING;
      const woke = Atomics.wait(control, STATE, seen, idle ? IDLE_EXIT_MS : 1);
      if (woke === "timed-out" && idle && performance.now() - idleSince >= IDLE_EXIT_MS) {
        // Closed only if no job was posted meanwhile.
        if (Atomics.compareExchange(control, STATE, seen, JOB_CLOSED) === seen) return false;
      }
      // Woken: by a post, or by a job announced ahead (JOB_COMING), which is polled for again.
      i = -1;
    }
  }
}

const kernels = start();
Atomics.store(control, READY, kernels ? READY_YES : READY_FAILED);
Atomics.notify(control, READY);
while (kernels && awaitJob()) {
  let outcome = JOB_DONE;
  try {
    runCommands(commands.subarray(0, Atomics.load(control, COUNT)), kernels.fn, kernels.gemm);
  } catch {
    outcome = JOB_FAILED;
  }
  Atomics.store(control, STATE, outcome);
  Atomics.notify(control, STATE);
}
