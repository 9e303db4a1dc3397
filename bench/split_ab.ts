/**
 * How much the conv passes gain from the helper thread, measured in one process:
 * `deno run -A bench/split_ab.ts [--workload W3] [--blocks 10] [--steps 40] [--json]`.
 * Alternates blocks of `--steps` training steps of a bench workload on the CPU under three
 * settings, so that this shared machine's slow and fast spells fall on all of them alike:
 * - `helper`: conv passes split in halves, the second half on the helper thread (the default);
 * - `alone`: split in halves, both on the main thread (`DL_HELPER=off`; the same numbers);
 * - `single`: the single-threaded passes (`setConvSplit(false)`; big GEMMs on OpenBLAS's threads).
 * Prints the 25th percentile and the median step time of each (ms) and the split passes the
 * helper ran; `--json` prints the same as JSON.
 */
import { cliFlags } from "../experiment/main.ts";
import { setConvSplit } from "../kernels/cpu/conv2d_split.ts";
import { helperReady, helperStats, setHelperEnabled } from "../kernels/cpu/parallel/helper.ts";
import { setDevice } from "../kernels/device.ts";
import { Rng } from "../kernels/random.ts";
import { makeCase } from "./run_one.ts";

/** The settings compared, each a switch of the two toggles. */
export const SETTINGS: Record<string, { split: boolean; helper: boolean }> = {
  helper: { split: true, helper: true },
  alone: { split: true, helper: false },
  single: { split: false, helper: false },
};

/** Step-time percentiles per setting, from `compareSplit`. */
export interface SplitTimes {
  workload: string;
  steps: number;
  ms: Record<string, { p25: number; median: number }>;
  helperRan: number;
}

/** Runs the comparison (see the module comment); the device must be the CPU. */
export async function compareSplit(
  workload: string,
  blocks: number,
  steps: number,
): Promise<SplitTimes> {
  const c = makeCase(workload, new Rng(1));
  const step = () => c.step().dispose();
  step();
  await helperReady();
  const times: Record<string, number[]> = {};
  const ran = helperStats.onHelper;
  try {
    for (let b = 0; b < blocks; b++) {
      for (const [name, s] of Object.entries(SETTINGS)) {
        setConvSplit(s.split);
        setHelperEnabled(s.helper);
        step(); // the first step after a switch pays for it
        for (let i = 0; i < steps; i++) {
          const t0 = performance.now();
          step();
          (times[name] ??= []).push(performance.now() - t0);
        }
      }
    }
  } finally {
    setConvSplit(true);
    setHelperEnabled(true);
    c.dispose();
  }
  const ms: SplitTimes["ms"] = {};
  for (const [name, t] of Object.entries(times)) {
    t.sort((a, b) => a - b);
    ms[name] = { p25: t[Math.floor(t.length / 4)], median: t[Math.floor(t.length / 2)] };
  }
  return { workload, steps: blocks * steps, ms, helperRan: helperStats.onHelper - ran };
}

if (import.meta.main) {
  const values = cliFlags(
    {
      workload: { type: "string", help: "bench workload", default: "W3" },
      blocks: { type: "integer", help: "alternated blocks per setting", default: 10 },
      steps: { type: "integer", help: "training steps per block", default: 40 },
      json: { type: "boolean", help: "print the result as JSON" },
    },
    Deno.args,
    {
      command: "deno run -A bench/split_ab.ts",
      description: "Conv step time with the helper thread, without it, and single-threaded.",
    },
  );
  await setDevice("cpu");
  const r = await compareSplit(values.workload, values.blocks, values.steps);
  if (values.json) console.log(JSON.stringify(r));
  else {
    console.log(`${r.workload}: ${r.steps} steps per setting, alternating blocks`);
    for (const [name, t] of Object.entries(r.ms)) {
      console.log(`${name.padEnd(7)} p25 ${t.p25.toFixed(2)} ms, median ${t.median.toFixed(2)} ms`);
    }
    console.log(`split passes the helper ran: ${r.helperRan}`);
  }
}
