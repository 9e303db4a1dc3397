/**
 * Runs one benchmark case of ours on the current device and returns its record: throughput,
 * backend counters per steady-state step, and resident memory. `bench.ts --one NAME` calls it in
 * a fresh process per case, so the process's peak RSS (VmHWM) belongs to that case alone.
 */
import { helperReady, helperStats } from "../kernels/cpu/parallel/helper.ts";
import "../kernels/tensor_methods.ts";
import { gradients } from "../kernels/autograd.ts";
import type { BackendCounters } from "../kernels/backend.ts";
import { backend, flush, memory, tidy } from "../kernels/engine.ts";
import { conv2d, matmul, softmaxCrossEntropy, sum } from "../kernels/ops/mod.ts";
import { Rng } from "../kernels/random.ts";
import { type Tensor, tensor } from "../kernels/tensor.ts";
import { momentum } from "../train/optimizers.ts";
import { measure, type RssTrace, type StepResult } from "./measure.ts";
import { procMemory } from "./proc_memory.ts";
import { WORKLOADS } from "./workloads.ts";

/** Names `runOne` accepts, in the order `deno task bench` runs them. */
export const CASES = ["matmul", "conv", ...WORKLOADS.map((w) => w.name)];

/** One case's record in bench/results.json (`ours`). */
export interface CaseRecord {
  name: string;
  description: string;
  unit: string;
  /** Median, min and max rate over the timed repeats, in `unit`. */
  median: number;
  min: number;
  max: number;
  /** Steps per timed repeat. */
  steps: number[];
  /** Wall time of the second warm-up step with its readback (the first compiles pipelines). */
  warmupMs: number;
  /** GFLOP/s for matmul and conv (derived from the median). */
  gflops?: number;
  /** Steps between loss readbacks in the timed loop (10, fewer when one step is slow). */
  readEvery: number;
  /** Counter deltas of one steady-state step without a readback. */
  perStep: BackendCounters;
  /** Counter deltas of one steady-state step followed by its readback. */
  perReadbackStep: BackendCounters;
  /** Counter totals over all timed steps divided by their number. */
  perStepAverage: BackendCounters;
  /** Live tensors after the timed steps minus before (0 when a step leaks no tensor). */
  liveTensorsGrowth: number;
  /**
   * CPU conv passes split over two threads per timed step, and how many of them the helper
   * thread ran its half of (the rest ran both halves on the main thread).
   */
  splitPasses?: { perStep: number; onHelperPerStep: number };
  memory: RssTrace & {
    /** Peak resident memory of the whole process (VmHWM), read at its end. */
    peakRssMiB?: number;
  };
}

/** A case: a step maker, its unit and a description. */
export interface Case {
  description: string;
  unit: string;
  step: () => StepResult;
  /** FLOPs per unit, when the case is compute-bound. */
  flopsPerUnit?: number;
  dispose: () => void;
}

/** The case `name` (matmul, conv or W1–W7) on the current device, its inputs drawn from `rng`. */
export function makeCase(name: string, rng: Rng): Case {
  const random = (shape: number[]) =>
    tensor(
      Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.uniform()),
      shape,
    );
  if (name === "matmul") {
    const a = random([1024, 1024]), b = random([1024, 1024]);
    return {
      description: "matmul 1024×1024 · 1024×1024 fp32",
      unit: "GFLOP/s",
      step: () => {
        const c = matmul(a, b);
        flush();
        return { units: (2 * 1024 ** 3) / 1e9, read: () => c.data(), dispose: () => c.dispose() };
      },
      dispose: () => [a, b].forEach((t) => t.dispose()),
    };
  }
  if (name === "conv") {
    // mnist-cnn's second conv: [32,26,26,32] * [3,3,32,64], forward + both backprops.
    const x = random([32, 26, 26, 32]), w = random([3, 3, 32, 64]);
    x.requiresGrad = w.requiresGrad = true;
    return {
      description: "conv2d 3×3 32→64 on 26×26, batch 32, fwd+bwd",
      unit: "samples/s",
      flopsPerUnit: 3 * 2 * 24 * 24 * 64 * 3 * 3 * 32,
      step: () => {
        const gs = tidy(() => gradients(sum(conv2d(x, w)), [x, w]) as Tensor[]);
        flush();
        return {
          units: 32,
          read: () => Promise.all(gs.map((g) => g.data())),
          dispose: () => gs.forEach((g) => g.dispose()),
        };
      },
      dispose: () => [x, w].forEach((t) => t.dispose()),
    };
  }
  const wl = WORKLOADS.find((w) => w.name === name);
  if (!wl) throw new Error(`bench: unknown case "${name}"; use one of ${CASES.join(", ")}`);
  const model = wl.model();
  const params = model.parameters();
  const opt = momentum({ learningRate: 0.01, momentum: 0.9 });
  const x = random([wl.batchSize, ...wl.inputShape]);
  const y = tensor(Int32Array.from({ length: wl.batchSize }, () => rng.int(10)));
  return {
    description: wl.description,
    unit: "samples/s",
    // forward + backward + optimiser, one flush (one submit on WebGPU), no readback.
    step: () => {
      const loss = tidy(() => {
        const l = softmaxCrossEntropy(model.apply(x, { training: true }), y);
        opt.step(params, gradients(l, params));
        return l;
      });
      flush();
      return { units: wl.batchSize, read: () => loss.data(), dispose: () => loss.dispose() };
    },
    dispose: () => {
      model.dispose();
      opt.dispose();
      [x, y].forEach((t) => t.dispose());
    },
  };
}

function delta(a: BackendCounters, b: BackendCounters, per = 1): BackendCounters {
  return Object.fromEntries(
    Object.entries(b).map(([k, v]) => [k, (v - a[k as keyof BackendCounters]) / per]),
  ) as unknown as BackendCounters;
}

/**
 * Runs case `name` (matmul, conv, W1–W7) for `seconds` per repeat and at least
 * `minStepsPerRepeat` steps (default 2, 1 when a step is slower than a repeat); see the module
 * comment.
 */
export async function runOne(
  name: string,
  seconds: number,
  minStepsPerRepeat?: number,
): Promise<CaseRecord> {
  const c = makeCase(name, new Rng(7));
  const counters = () => ({ ...backend().counters });
  // Warm-up, two steps in the timed loop's pattern (a step's result is freed after the next is
  // queued): compiles pipelines, fills the buffer pool, creates the readback staging buffer.
  const s0 = c.step();
  // A split conv pass starts the CPU's helper thread in the background; the steady state has it
  // up (a case without one never starts it).
  if (helperStats.pairs > 0) await helperReady();
  const t = performance.now();
  const s = c.step();
  s0.dispose();
  await s.read();
  // Includes the tail of the first step on WebGPU: an over-estimate, so readEvery errs low.
  const warmupMs = performance.now() - t;
  // Queue at most ~1/3 of a repeat between readbacks, so a slow step cannot overshoot it tenfold.
  const readEvery = Math.max(1, Math.min(10, Math.floor((seconds * 1000) / 3 / warmupMs)));

  // One steady-state step without readback, then one with.
  const c0 = counters();
  const s1 = c.step();
  s.dispose();
  const c1 = counters();
  const s2 = c.step();
  s1.dispose();
  await s2.read();
  const c2 = counters();
  s2.dispose();

  const m0 = memory().tensors, cBefore = counters(), h0 = { ...helperStats };
  // A step slower than a repeat (W2 on a software adapter: ~20 s) is timed once per repeat.
  const minSteps = minStepsPerRepeat ?? (warmupMs > seconds * 1000 ? 1 : 2);
  const r = await measure(c.step, { seconds, readEvery, minSteps });
  const cAfter = counters(), m1 = memory().tensors;
  c.dispose();
  const totalSteps = r.steps.reduce((a, b) => a + b, 0);
  const { memory: trace, ...rates } = r;
  return {
    name: name === "matmul" ? "matmul1024" : name,
    description: c.description,
    unit: c.unit,
    ...rates,
    ...(c.flopsPerUnit ? { gflops: (r.median * c.flopsPerUnit) / 1e9 } : {}),
    readEvery,
    warmupMs,
    perStep: delta(c0, c1),
    perReadbackStep: delta(c1, c2),
    perStepAverage: delta(cBefore, cAfter, totalSteps),
    liveTensorsGrowth: m1 - m0,
    splitPasses: {
      perStep: (helperStats.pairs - h0.pairs) / totalSteps,
      onHelperPerStep: (helperStats.onHelper - h0.onHelper) / totalSteps,
    },
    memory: { ...trace, peakRssMiB: procMemory().peakRssMiB },
  };
}
