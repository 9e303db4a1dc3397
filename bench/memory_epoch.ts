/**
 * Resident memory across a whole epoch of training:
 * `deno run -A bench/memory_epoch.ts [--device cpu|webgpu] [--workload W2] [--steps 469]
 * [--every 10] [--out FILE]`.
 * Runs `--steps` training steps of a bench workload (W2 at batch 128: 469 steps are one MNIST
 * epoch), reads the loss back and samples RSS, live tensors and the backend's counters every
 * `--every` steps, and writes the series with its least-squares slope over the second half (after
 * the pools and caches have filled). A step that leaks shows as a positive slope and growing
 * live tensors; the garbage collector shows as swings without a trend.
 */
import { cliFlags } from "../experiment/main.ts";
import { deviceFlag } from "../experiment/flags.ts";
import { type DeviceName, setDevice } from "../kernels/device.ts";
import { backend, memory } from "../kernels/engine.ts";
import { Rng } from "../kernels/random.ts";
import { writeFileAtomic } from "../train/atomic_write.ts";
import { slope } from "./measure.ts";
import { procMemory } from "./proc_memory.ts";
import { makeCase } from "./run_one.ts";

const values = cliFlags(
  {
    device: deviceFlag("cpu"),
    workload: { type: "string", help: "bench workload (bench/workloads.ts)", default: "W2" },
    steps: {
      type: "integer",
      help: "training steps (469: one MNIST epoch of W2)",
      default: 469,
      min: 2,
    },
    every: { type: "integer", help: "steps between samples", default: 10 },
    out: { type: "string", help: "JSON file for the series; default none (printed only)" },
  },
  Deno.args,
  {
    command: "bench-memory",
    description: "Resident memory, live tensors and counters across an epoch of training steps.",
  },
);
const steps = values.steps, every = values.every;
const dev = await setDevice(values.device as DeviceName);
const c = makeCase(values.workload, new Rng(7));

/** One sample: after `step` steps. */
interface Sample {
  step: number;
  rssMiB: number | undefined;
  liveTensors: number;
  seconds: number;
}
const samples: Sample[] = [];
const t0 = performance.now();
let prev = c.step();
for (let i = 1; i <= steps; i++) {
  const s = c.step();
  prev.dispose();
  prev = s;
  if (i % every === 0 || i === steps) {
    await s.read();
    samples.push({
      step: i,
      rssMiB: procMemory().rssMiB,
      liveTensors: memory().tensors,
      seconds: (performance.now() - t0) / 1000,
    });
  }
}
prev.dispose();
c.dispose();

const half = samples.filter((s) => s.step > steps / 2 && s.rssMiB !== undefined);
const rss = samples.map((s) => s.rssMiB ?? NaN);
const result = {
  command: `deno run -A bench/memory_epoch.ts ${Deno.args.join(" ")}`.trim(),
  date: new Date().toISOString(),
  device: dev.description,
  workload: values.workload,
  steps,
  seconds: samples[samples.length - 1].seconds,
  rssFirstMiB: rss[0],
  rssLastMiB: rss[rss.length - 1],
  rssMinMiB: Math.min(...rss),
  rssMaxMiB: Math.max(...rss),
  /** Least-squares slope over the second half of the epoch, MiB per step. */
  rssSlopeSecondHalfMiBPerStep: slope(half.map((s) => [s.step, s.rssMiB!])),
  liveTensorsFirst: samples[0].liveTensors,
  liveTensorsLast: samples[samples.length - 1].liveTensors,
  peakRssMiB: procMemory().peakRssMiB,
  counters: backend().counters,
  samples,
};
console.log(
  `${values.workload} on ${dev.description}: ${steps} steps in ${result.seconds.toFixed(0)} s; ` +
    `RSS ${result.rssFirstMiB?.toFixed(0)} → ${result.rssLastMiB?.toFixed(0)} MiB ` +
    `(min ${result.rssMinMiB.toFixed(0)}, max ${result.rssMaxMiB.toFixed(0)}), slope over the ` +
    `second half ${result.rssSlopeSecondHalfMiBPerStep?.toFixed(3)} MiB/step, live tensors ` +
    `${result.liveTensorsFirst} → ${result.liveTensorsLast}`,
);
if (values.out) await writeFileAtomic(values.out, JSON.stringify(result, null, 2) + "\n");
