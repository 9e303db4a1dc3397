/**
 * Where a training step's time goes, op by op, on the CPU backend:
 * `deno run -A bench/profile_ops.ts [--workload W2] [--steps 20] [--device cpu] [--cpu-time]`.
 * Wraps the backend's `exec` with a timer, runs warm-up steps, then times `--steps` steps and
 * prints each op's share of the step (calls and backend dispatches per step, ms per step, %; an
 * op dispatches more than once for split-K or a chunked input) and the time spent outside kernels
 * (autograd, allocation, the optimiser's bookkeeping). On WebGPU `exec` only records commands,
 * so that table shows encoding cost there; when the device has the `timestamp-query` feature a
 * second table gives each op's GPU time from timestamp queries (kernels/webgpu/timestamps.ts: a
 * compute pass per dispatch, so the wall time of a profiled step is not the bench's), and
 * without it the output says so. With `--cpu-time` every time is the process's CPU time (user +
 * system, all threads) instead of wall time: on a machine other jobs load, wall times stretch
 * with the load, CPU time much less (a thread spinning for the helper counts, a descheduled
 * one does not).
 */
import { cpuUsage } from "node:process";
import { cliFlags } from "../experiment/main.ts";
import { deviceFlag } from "../experiment/flags.ts";
import { type DeviceName, setDevice } from "../kernels/device.ts";
import { backend } from "../kernels/engine.ts";
import type { WebGpuBackend } from "../kernels/webgpu/backend.ts";
import {
  type KernelTime,
  KernelTimer,
  timestampsUnavailable,
} from "../kernels/webgpu/timestamps.ts";
import { Rng } from "../kernels/random.ts";
import { makeCase } from "./run_one.ts";
import { helperStats } from "../kernels/cpu/parallel/helper.ts";
import { WORKLOADS } from "./workloads.ts";

const values = cliFlags(
  {
    workload: {
      type: "string",
      help: "bench workload",
      default: "W2",
      choices: WORKLOADS.map((w) => w.name),
    },
    steps: { type: "integer", help: "timed steps", default: 20 },
    device: deviceFlag("cpu"),
    "cpu-time": {
      type: "boolean",
      help: "time by the process's CPU time (user + system) instead of wall time",
    },
  },
  Deno.args,
  {
    command: "profile",
    description: "Where a training step's time goes, op by op (and GPU time with timestamp-query).",
  },
);
const wl = WORKLOADS.find((w) => w.name === values.workload);
if (!wl) throw new Error(`unknown workload ${values.workload}; use W1–W7`);
const dev = await setDevice(values.device as DeviceName);
const steps = values.steps;
/** Milliseconds on the chosen clock: wall, or this process's CPU time. */
const clock = values["cpu-time"]
  ? () => {
    const u = cpuUsage();
    return (u.user + u.system) / 1000;
  }
  : () => performance.now();

const c = makeCase(wl.name, new Rng(1));
const step = () => {
  const r = c.step();
  r.dispose();
};

const be = backend();
const gpu = be.name === "webgpu" ? (be as WebGpuBackend) : undefined;
const noTimestamps = gpu ? timestampsUnavailable(gpu.device) : undefined;
const timer = gpu && !noTimestamps ? new KernelTimer(gpu.device) : undefined;
const original = be.exec.bind(be);
const stats = new Map<string, { calls: number; ms: number; dispatches: number }>();
let recording = false;
be.exec = (op, inputs, attrs, shape, dtype) => {
  if (!recording) return original(op, inputs, attrs, shape, dtype);
  const key = `${op.name} [${inputs.map((i) => i.shape.join("×")).join(", ")}]`;
  if (timer) timer.label = key;
  const t0 = clock(), d0 = be.counters.dispatches;
  const out = original(op, inputs, attrs, shape, dtype);
  const s = stats.get(key) ?? { calls: 0, ms: 0, dispatches: 0 };
  s.calls++;
  s.ms += clock() - t0;
  s.dispatches += be.counters.dispatches - d0;
  stats.set(key, s);
  // Dispatches outside an op's exec (none today) would show under this label.
  if (timer) timer.label = "outside exec";
  return out;
};

for (let i = 0; i < 3; i++) step();
await be.sync();
if (gpu && timer) gpu.timer = timer;
recording = true;
const t0 = clock();
for (let i = 0; i < steps; i++) step();
await be.sync();
const total = clock() - t0;
recording = false;
if (gpu) gpu.timer = undefined;

const rows = [...stats.entries()].sort((a, b) => b[1].ms - a[1].ms);
const dispatches = rows.reduce((s, [, v]) => s + v.dispatches, 0);
const inKernels = rows.reduce((s, [, v]) => s + v.ms, 0);
console.log(
  `${wl.name} on ${dev.description}: ${(total / steps).toFixed(2)} ms/step` +
    `${values["cpu-time"] ? " of CPU time" : ""}, ` +
    `${(wl.batchSize * steps / total * 1000).toFixed(0)} ` +
    `${values["cpu-time"] ? "samples per CPU second" : "samples/s"}, ` +
    `${dispatches / steps} dispatches/step`,
);
for (const [k, v] of rows) {
  console.log(
    `${(v.ms / steps).toFixed(3).padStart(9)} ms ${(100 * v.ms / total).toFixed(1).padStart(5)}%` +
      `  ×${v.calls / steps}  ${k}  (${v.dispatches / steps} dispatches)`,
  );
}
console.log(
  `${((total - inKernels) / steps).toFixed(3).padStart(9)} ms ` +
    `${(100 * (total - inKernels) / total).toFixed(1).padStart(5)}%  outside kernels`,
);
if (helperStats.pairs > 0) {
  console.log(
    `split passes: ${helperStats.pairs}, of which the helper thread ran its half: ` +
      `${helperStats.onHelper}`,
  );
}
if (gpu) {
  if (!timer) console.log(`GPU time per kernel: not measured: ${noTimestamps}`);
  else printGpuTimes(await timer.collect(), timer.dropped);
}

/** The GPU time table: per op, ms per step and share of the summed kernel time. */
function printGpuTimes(times: Map<string, KernelTime>, dropped: number) {
  const rows = [...times.entries()].sort((a, b) => b[1].ns - a[1].ns);
  const sumMs = rows.reduce((s, [, t]) => s + t.ns, 0) / 1e6;
  console.log(
    `GPU time per kernel (timestamp-query; each dispatch in its own pass; ×: dispatches per ` +
      `step): ` +
      `${(sumMs / steps).toFixed(3)} ms/step in kernels`,
  );
  for (const [k, t] of rows) {
    const ms = t.ns / 1e6;
    console.log(
      `${(ms / steps).toFixed(3).padStart(9)} ms ${(100 * ms / sumMs).toFixed(1).padStart(5)}%` +
        `  ×${t.dispatches / steps}  ${k}` +
        (t.invalid ? `  (${t.invalid} invalid timestamps)` : ""),
    );
  }
  if (dropped) console.log(`${dropped} dispatches untimed: more than 2048 in one submit`);
}
