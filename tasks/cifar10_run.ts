/**
 * A single-model CIFAR-10 task (cifar10-cnn, cifar10-starter) on top of runClassificationTask:
 * adds `--data-dir`, the stand-in fallback, input preparation, a quick-run optimiser, and the
 * task's `reproduction`.
 * @module
 */
import type { Optimizer } from "../train/optimizers.ts";
import { startRun } from "../experiment/run.ts";
import {
  classificationSpec,
  type ClassificationTask,
  type TaskResult,
  trainClassifier,
} from "./common.ts";
import {
  CIFAR_FLAGS,
  type CifarData,
  loadCifar,
  standInHead,
  warnAgainIfStandIn,
} from "./cifar10_common.ts";
import type { Splits } from "./cifar10_preprocess.ts";
import {
  type CifarReproduction,
  type CifarRunOptions,
  fullCheckRow,
  quickFloorRow,
  type QuickFloors,
} from "./cifar10_rows.ts";
import { reproduceRun } from "./reproduce_args.ts";
import type { ReproductionRow } from "./reproduce_types.ts";

/** A CIFAR-10 classification task: a ClassificationTask whose data the wrapper provides. */
export interface CifarTaskSpec extends Omit<ClassificationTask, "data"> {
  /** Training samples when no `--limit` is given (default: all 50000). */
  defaultLimit?: number;
  /** Turns loaded splits (pixels / 255) into the model's inputs; records what it did. */
  prepare?: (s: Splits) => Promise<Record<string, unknown>>;
  /** The optimiser of quick runs, when the recipe's learns too little in a few dozen steps. */
  quickOptimizer?: () => Optimizer;
  /** Batch size of quick runs when not the recipe's (smaller: more steps in the same time). */
  quickBatchSize?: number;
  /** Quick floors: on CIFAR-10 and on stand-in data. */
  floors: QuickFloors;
  /** Full-run checks: field of metrics.ours, label, reported value, tolerance. */
  fullChecks: { field: string; check: string; reported: number; tol: number }[];
}

/** What {@link runCifarTask} returns. */
export interface CifarTaskResult extends TaskResult {
  standIn: boolean;
  notice?: string;
}

/** Runs `spec` with command-line `args` (the common flags plus `--data-dir`). */
export async function runCifarTask(spec: CifarTaskSpec, args: string[]): Promise<CifarTaskResult> {
  const run = await startRun({ ...classificationSpec(spec), flags: CIFAR_FLAGS }, args);
  const flags = run.flags;
  let loaded: CifarData | undefined;
  let prepared: Record<string, unknown> = {};
  const quickOptimizer = flags.quick ? spec.quickOptimizer : undefined;
  const task: ClassificationTask = {
    ...spec,
    optimizer: quickOptimizer ?? spec.optimizer,
    choices: {
      ...spec.choices,
      ...(quickOptimizer ? { quickOptimizer: JSON.stringify(quickOptimizer().config()) } : {}),
    },
    // A quick batch size of its own; an explicit --batch-size still wins.
    recipe: {
      ...spec.recipe,
      batchSize: (flags.quick && spec.quickBatchSize) || spec.recipe.batchSize,
    },
    data: async (f) => {
      loaded = await loadCifar({
        dataDir: run.own["data-dir"],
        limit: f.limit ?? spec.defaultLimit,
        limitTest: f.quick ? spec.quick.testLimit : undefined,
        seed: f.seed,
      });
      const s = { train: loaded.train, test: loaded.test };
      prepared = spec.prepare ? await spec.prepare(s) : {};
      return { train: s.train, test: s.test, source: loaded.source };
    },
  };
  const r = await trainClassifier(task, run, (m) => ({
    ...standInHead(loaded!),
    ...m,
    config: { ...m.config, preprocessing: prepared },
  }));
  warnAgainIfStandIn(loaded!);
  return { ...r, standIn: loaded!.standIn, notice: loaded!.notice };
}

/** The `reproduction` of a task made by {@link runCifarTask}. */
export function cifarTaskReproduction(spec: CifarTaskSpec): CifarReproduction {
  const run = (o: CifarRunOptions, quick: boolean) =>
    reproduceRun(o, quick, (args) => runCifarTask(spec, args));
  return {
    task: spec.name,
    requires: "cifar10",
    async runQuick(o: CifarRunOptions): Promise<ReproductionRow[]> {
      const { r, at } = await run(o, true);
      return [quickFloorRow(at, r.standIn, {
        check: `test accuracy, quick run (${spec.quick.limit} train, ${spec.quick.testLimit} test)`,
        reported: String(spec.reported.testAcc ?? spec.reported.finalAcc ?? "—"),
        value: r.metrics.ours.testAcc,
      }, spec.floors)];
    },
    async runFull(o: CifarRunOptions): Promise<ReproductionRow[]> {
      const { r, at } = await run(o, false);
      const ours = r.metrics.ours as unknown as Record<string, number>;
      return spec.fullChecks.map((c) =>
        fullCheckRow(at, r.standIn, {
          check: c.check,
          reported: String(c.reported),
          value: ours[c.field],
          target: c.reported,
          tol: c.tol,
        })
      );
    },
  };
}
