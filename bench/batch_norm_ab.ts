/**
 * The fused training batch norm (`batchNormTrain` and its two gradient ops) against the
 * composition it replaced (`mean`, `batchVariance`, `batchNormApply`, their gradients through
 * autograd), measured in one process:
 * `deno run -A bench/batch_norm_ab.ts [--workload W5] [--blocks 8] [--steps 5]`.
 * Alternates blocks of `--steps` training steps of a bench workload on the CPU, so this shared
 * machine's slow and fast spells fall on both alike; prints the 25th percentile, the median and
 * the range of each one's step time (ms), and the median CPU time of its steps (the process's
 * user + system time, all threads: what the load average does not stretch as much).
 */
import process from "node:process";
import { cliFlags } from "../experiment/main.ts";
import { helperReady } from "../kernels/cpu/parallel/helper.ts";
import { setDevice } from "../kernels/device.ts";
import { noGrad } from "../kernels/engine.ts";
import { add, batchNormApply, batchVariance, mean, mul } from "../kernels/ops/mod.ts";
import { Rng } from "../kernels/random.ts";
import type { Tensor } from "../kernels/tensor.ts";
import { BatchNorm } from "../layers/batch_norm.ts";
import type { CallContext } from "../layers/module.ts";
import { makeCase } from "./run_one.ts";

/** The training call before the fused op: statistics as ops, autograd through them. */
function composedCall(this: BatchNorm, x: Tensor, ctx: CallContext): Tensor {
  if (!ctx.training) return fusedCall.call(this, x, ctx);
  const m = mean(x, [...Array(x.rank - 1).keys()]);
  const v = batchVariance(x, m);
  noGrad(() => {
    const mo = this.momentum;
    this.movingMean!.assign(add(mul(this.movingMean!, mo), mul(m, 1 - mo)));
    this.movingVar!.assign(add(mul(this.movingVar!, mo), mul(v, 1 - mo)));
  });
  return batchNormApply(x, m, v, this.gamma!, this.beta!, this.epsilon);
}
const fusedCall = BatchNorm.prototype.call;

/** Step-time percentiles of the two variants (ms). */
export async function compareBatchNorm(workload: string, blocks: number, steps: number) {
  const c = makeCase(workload, new Rng(1));
  const step = () => c.step().dispose();
  const variants = { fused: fusedCall, composed: composedCall };
  step();
  await helperReady(); // the conv passes' helper thread, as in bench/split_ab.ts
  const times: Record<string, number[]> = {};
  const cpu: Record<string, number[]> = {};
  try {
    for (let b = 0; b < blocks; b++) {
      for (const [name, call] of Object.entries(variants)) {
        BatchNorm.prototype.call = call;
        step(); // the first step after a switch pays for it
        for (let i = 0; i < steps; i++) {
          const t0 = performance.now(), c0 = process.cpuUsage();
          step();
          (times[name] ??= []).push(performance.now() - t0);
          const dc = process.cpuUsage(c0);
          (cpu[name] ??= []).push((dc.user + dc.system) / 1000);
        }
      }
    }
  } finally {
    BatchNorm.prototype.call = fusedCall;
    c.dispose();
  }
  const ms: Record<
    string,
    { p25: number; median: number; min: number; max: number; cpuMedian: number }
  > = {};
  const median = (t: number[]) => t.sort((a, b) => a - b)[Math.floor((t.length - 1) / 2)];
  for (const [name, t] of Object.entries(times)) {
    t.sort((a, b) => a - b);
    const at = (q: number) => t[Math.floor(q * (t.length - 1))];
    const cpuMedian = median(cpu[name]);
    ms[name] = { p25: at(0.25), median: at(0.5), min: t[0], max: t[t.length - 1], cpuMedian };
  }
  return { workload, steps: blocks * steps, ms };
}

if (import.meta.main) {
  const values = cliFlags(
    {
      workload: { type: "string", help: "bench workload with batch norm", default: "W5" },
      blocks: { type: "integer", help: "alternated blocks per variant", default: 8 },
      steps: { type: "integer", help: "training steps per block", default: 5 },
    },
    Deno.args,
    {
      command: "deno run -A bench/batch_norm_ab.ts",
      description: "Training step time with the fused batch norm and with the composed one.",
    },
  );
  await setDevice("cpu");
  const r = await compareBatchNorm(values.workload, values.blocks, values.steps);
  console.log(`${r.workload}: ${r.steps} steps per variant, alternating blocks`);
  for (const [name, t] of Object.entries(r.ms)) {
    console.log(
      `${name.padEnd(8)} p25 ${t.p25.toFixed(1)} ms, median ${t.median.toFixed(1)} ms ` +
        `(range ${t.min.toFixed(1)}–${t.max.toFixed(1)}), CPU time median ${
          t.cpuMedian.toFixed(1)
        } ms`,
    );
  }
}
