/**
 * The homework's remarks on the circles MLP as measured runs (optimiser + fit, same seed and
 * init): lr 2 is unstable, batch 1 is noisy, batch 50 is slow, each against the recipe
 * (lr 0.07, batch 10). The measures are fixed here, before any run:
 * - unstable: some epoch's training loss rises by more than 0.1 over the previous epoch's, which
 *   the recipe never does (or the loss stops being finite);
 * - noisy: mean |Δ test loss| between consecutive epochs over the second half of training is
 *   larger than the recipe's;
 * - slow: the first epoch reaching test accuracy ≥ 0.9 comes later than the recipe's (or never).
 * @module
 */
import type { ToyData } from "../../datasets/toy.ts";
import type { CirclesConfig, CirclesCurves } from "./setup.ts";
import { trainOptimizerFit } from "./optimizer_fit.ts";

/** One run of the sweep and its measures. */
export interface SweepRun {
  label: string;
  lr: number;
  batchSize: number;
  /** Undefined when the run stopped with a non-finite loss. */
  curves?: CirclesCurves;
  error?: string;
  finalTestAcc: number;
  finalLoss: number;
  /** Largest rise of the training loss from one epoch to the next. */
  maxRise: number;
  /** Mean |Δ test loss| between consecutive epochs over the second half. */
  roughness: number;
  /** First epoch with test accuracy ≥ 0.9, or null. */
  epochTo90: number | null;
}

/** The sweep's settings: the recipe, then one change each. */
export const SWEEP: readonly SweepSetting[] = [
  { label: "recipe: lr 0.07, batch 10", lr: 0.07, batchSize: 10 },
  { label: "lr 2, batch 10", lr: 2, batchSize: 10 },
  { label: "lr 0.07, batch 1", lr: 0.07, batchSize: 1 },
  { label: "lr 0.07, batch 50", lr: 0.07, batchSize: 50 },
];

/** One setting of the sweep. */
export type SweepSetting = Pick<SweepRun, "label" | "lr" | "batchSize">;

/** The measures of a finished run. */
export function measure(s: SweepSetting, curves: CirclesCurves): SweepRun {
  const e = curves.epochs;
  let maxRise = -Infinity;
  for (let i = 1; i < e.length; i++) maxRise = Math.max(maxRise, e[i].loss - e[i - 1].loss);
  const half = Math.floor(e.length / 2);
  let rough = 0;
  for (let i = half + 1; i < e.length; i++) rough += Math.abs(e[i].testLoss - e[i - 1].testLoss);
  const last = e[e.length - 1];
  return {
    ...s,
    curves,
    finalTestAcc: last.testAcc,
    finalLoss: last.loss,
    maxRise: e.length > 1 ? maxRise : 0,
    roughness: e.length - half - 1 > 0 ? rough / (e.length - half - 1) : 0,
    epochTo90: e.find((r) => r.testAcc >= 0.9)?.epoch ?? null,
  };
}

/** Runs the four settings of {@link SWEEP} with `base`'s seed and epochs. */
export async function runSweep(data: ToyData, base: CirclesConfig): Promise<SweepRun[]> {
  const out: SweepRun[] = [];
  for (const s of SWEEP) {
    const c = { ...base, lr: s.lr, batchSize: s.batchSize };
    try {
      out.push(measure(s, await trainOptimizerFit(data.train, data.test, c)));
    } catch (e) {
      // fit stops when the loss is no longer finite: that is the instability itself.
      out.push({
        ...s,
        error: (e as Error).message,
        finalTestAcc: NaN,
        finalLoss: NaN,
        maxRise: Infinity,
        roughness: Infinity,
        epochTo90: null,
      });
    }
  }
  return out;
}

/** The three verdicts, each against the recipe run (`runs[0]`). */
export function sweepVerdicts(runs: SweepRun[]): { check: string; ours: string; pass: boolean }[] {
  const [base, lr2, b1, b50] = runs;
  const f = (v: number) => (Number.isFinite(v) ? v.toFixed(4) : String(v));
  return [
    {
      check: "lr 2 is unstable: an epoch's training loss rises > 0.1 (recipe: none does)",
      ours: `max epoch-to-epoch rise: lr 2 ${f(lr2.maxRise)}, recipe ${f(base.maxRise)}` +
        (lr2.error ? ` (lr 2 stopped: ${lr2.error.slice(0, 60)})` : ""),
      pass: lr2.maxRise > 0.1 && base.maxRise <= 0.1,
    },
    {
      check: "batch 1 is noisy: mean |Δ test loss| per epoch (2nd half) above the recipe's",
      ours: `batch 1 ${f(b1.roughness)}, recipe (batch 10) ${f(base.roughness)}`,
      pass: b1.roughness > base.roughness,
    },
    {
      check: "batch 50 is slow: reaches test acc ≥ 0.9 later than the recipe",
      ours: `first epoch with test acc ≥ 0.9: batch 50 ${b50.epochTo90 ?? "never"}, ` +
        `recipe ${base.epochTo90 ?? "never"}`,
      pass: base.epochTo90 !== null && (b50.epochTo90 === null || b50.epochTo90 > base.epochTo90),
    },
  ];
}
