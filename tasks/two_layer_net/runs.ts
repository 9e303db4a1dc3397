/**
 * The task's four modes, each writing its own results: the toy check (`toy/`), the default
 * CIFAR-10 run (the task folder itself), one grid shard (`grid/trial-NNN.json`), and the merge
 * with the layer-module retrain of the best trial (`grid_summary/`).
 * @module
 */
import { join } from "node:path";
import type { StartedRun } from "../../experiment/run.ts";
import { type Results, writeResults } from "../../experiment/results.ts";
import { standInWarning } from "../cifar10_common.ts";
import type { CifarSplits } from "./cifar_data.ts";
import { CHOICES, DEFAULT_RUN, REPORTED, TASK } from "./config.ts";
import { type GridSpec, runShard, type TrialParams, type TrialSettings } from "./grid.ts";
import { type LayerRun, trainWithLayers } from "./layer_modules.ts";
import { gridCsv, gridSvg, gridTrialsSvg, mergeGrid } from "./merge.ts";
import { mergeProblems, type ShardReport } from "../../experiment/trials.ts";
import type { Shard } from "../../experiment/shards.ts";
import { initNet } from "./net.ts";
import { runToyCheck, toySeedSweep } from "./toy_check.ts";
import { evaluateHost, type HostTraining, type SgdConfig, trainHost } from "./train_host.ts";

/** What the modes read of the started run (tests pass their own). */
export type RunContext = Pick<StartedRun, "outDir" | "seed" | "quick" | "command" | "device">;

/**
 * Writes one part's results into `dir` and returns its metrics.json: what ran, how, where, then
 * `body`.
 */
async function writePart<D, B extends object>(
  ctx: RunContext,
  dir: string,
  head: { part: string; device: D },
  body: B,
  files: Omit<Results, "metrics">,
) {
  const metrics = {
    task: TASK,
    part: head.part,
    command: ctx.command,
    quick: ctx.quick,
    device: head.device,
    seed: ctx.seed,
    reported: REPORTED,
    ...body,
  };
  await writeResults(dir, { metrics, ...files });
  return metrics;
}

/** The toy part's metrics.json (the rows read its `ours` and `wallSeconds`). */
export type ToyRun = Awaited<ReturnType<typeof runToy>>;

/** The toy check plus a 20-instance sweep, written to `toy/`. Switches the device to the CPU. */
export async function runToy(ctx: RunContext) {
  const t0 = performance.now();
  const report = await runToyCheck();
  const sweep = toySeedSweep(20);
  const wallSeconds = (performance.now() - t0) / 1000;
  const history = report.training.losses.map((loss, i) => ({
    epoch: i + 1,
    loss,
    acc: NaN,
    seconds: 0,
    samplesPerSecond: 0,
  }));
  const sorted = [...sweep.finalLosses].sort((a, b) => a - b);
  const { seed: _seed, training: _training, ...checks } = report;
  const metrics = await writePart(ctx, join(ctx.outDir, "toy"), {
    part: "toy check (history.csv: one row per iteration, not per epoch)",
    device: "host float64 (autograd comparison: toolkit CPU device, float64)",
  }, {
    seed: report.seed,
    note: "The assignment's reference scores and loss come from its own fixed NumPy init, " +
      "which cannot be reproduced bit for bit; ours are checked against an independent " +
      "float64 computation (per-sample loops, textbook softmax) instead.",
    ours: { ...checks, finalLoss: report.training.finalLoss },
    config: report.training.config,
    sweep: {
      ...sweep,
      finalLossMedian: sorted[Math.floor(sorted.length / 2)],
      finalLossBelow005: sweep.finalLosses.filter((l) => l < 0.05).length,
    },
    choices: { toy: CHOICES.toy },
    wallSeconds,
  }, { history });
  console.log(
    `toy: grad rel errors ${JSON.stringify(report.numericRelErrors)}; autograd vs hand max ` +
      `${Math.max(...Object.values(report.autogradRelErrors)).toExponential(2)}; final loss ` +
      `${report.training.finalLoss.toFixed(4)} (reported ${REPORTED.toyFinalLoss})`,
  );
  return metrics;
}

/** Data facts every CIFAR-10 metrics.json carries. */
function dataFacts(s: CifarSplits) {
  return {
    ...standInWarning(s),
    data: {
      source: s.source,
      standIn: s.standIn,
      train: s.train.n,
      validation: s.val.n,
      test: s.test.n,
    },
  };
}

/** A host net of `hp.hidden` units from the assignment's init, trained and scored. */
function trainAndScore(
  s: CifarSplits,
  hp: SgdConfig & { hidden: number; initStd: number },
  log?: (line: string) => void,
): { training: HostTraining; valAcc: number; testAcc: number } {
  const net = initNet(s.train.d, hp.hidden, 10, { seed: hp.seed, std: hp.initStd });
  const training = trainHost(net, s.train, s.val, hp, { log });
  return {
    training,
    valAcc: evaluateHost(net, s.val, hp.reg).acc,
    testAcc: evaluateHost(net, s.test, hp.reg).acc,
  };
}

/** The default run's metrics.json. */
export type DefaultRun = Awaited<ReturnType<typeof runDefault>>;

/**
 * The assignment's default hyperparameters on the host float64 net (iterations overridable),
 * written to the task folder: metrics.json, history.csv, curves.svg.
 */
export async function runDefault(
  ctx: RunContext,
  s: CifarSplits,
  o: { iterations: number; batchSize?: number },
) {
  const t0 = performance.now();
  const hp = {
    ...DEFAULT_RUN,
    iterations: o.iterations,
    batchSize: o.batchSize ?? DEFAULT_RUN.batchSize,
  };
  const { training, valAcc, testAcc } = trainAndScore(s, { ...hp, seed: ctx.seed }, console.log);
  const wallSeconds = (performance.now() - t0) / 1000;
  const metrics = await writePart(ctx, ctx.outDir, {
    part: "default hyperparameters, host float64 net",
    device: "host float64 (TypeScript loops; the device flag applies to the layer modules)",
  }, {
    ...dataFacts(s),
    config: { ...hp, epochLength: training.epochLength, choices: CHOICES },
    ours: { valAcc, testAcc, finalLoss: training.finalLoss },
    history: training.history,
    wallSeconds,
  }, { history: training.history });
  console.log(
    `default run: val acc ${valAcc.toFixed(4)} (reported ${REPORTED.defaultValAcc}), ` +
      `test ${testAcc.toFixed(4)}, final loss ${training.finalLoss.toFixed(4)}`,
  );
  return metrics;
}

/** The settings a grid run's trial files carry (and merge checks). */
export function gridSettings(
  ctx: RunContext,
  s: { numTrain: number; numVal: number; numTest: number },
  iterations: number,
): Omit<TrialSettings, "source"> {
  return {
    iterations,
    learningRateDecay: DEFAULT_RUN.learningRateDecay,
    initStd: DEFAULT_RUN.initStd,
    seed: ctx.seed,
    numTrain: s.numTrain,
    numVal: s.numVal,
    numTest: s.numTest,
  };
}

/** Runs one shard of `spec`, one host-net training per trial, into `grid/`. */
export async function runGridShard(
  ctx: RunContext,
  s: CifarSplits,
  spec: GridSpec,
  shard: Shard,
  common: Omit<TrialSettings, "source">,
): Promise<ShardReport> {
  const settings: TrialSettings = { ...common, source: s.source };
  const run = (p: TrialParams) => {
    const t0 = performance.now();
    const { training: tr, valAcc, testAcc } = trainAndScore(s, { ...settings, ...p });
    return Promise.resolve({
      valAcc,
      testAcc,
      trainAcc: tr.history[tr.history.length - 1].acc,
      finalLoss: tr.finalLoss,
      seconds: (performance.now() - t0) / 1000,
      history: tr.history,
    });
  };
  const r = await runShard({
    dir: join(ctx.outDir, "grid"),
    spec,
    shard,
    settings,
    run,
    log: console.log,
  });
  console.log(
    `grid shard ${shard.index}/${shard.count}: ran ${r.ran.length}, skipped ` +
      `${r.skipped.length} already done`,
  );
  return r;
}

/** The merge's metrics.json: `complete`, `missing`, `duplicates`, the best and its retrain. */
export type MergeRun = Awaited<ReturnType<typeof runMerge>>;

/**
 * Merges the grid into `grid_summary/` (grid.csv, grid.svg, grid_trials.svg, metrics.json with
 * missing and duplicated trials and the best) and, when complete, retrains the best trial with
 * the layer modules (history.csv and curves.svg are that run's). A grid with trials missing or
 * duplicated is refused: named in the log and metrics.json, no best, no retrain.
 * `splits` is only loaded when needed.
 */
export async function runMerge(
  ctx: RunContext,
  spec: GridSpec,
  settings: Omit<TrialSettings, "source">,
  splits: () => Promise<CifarSplits>,
) {
  const t0 = performance.now();
  const merge = await mergeGrid(join(ctx.outDir, "grid"), spec, settings);
  const problems = mergeProblems(merge);
  if (problems) console.log(`grid merge refused: ${problems}`);
  let layers: LayerRun | undefined;
  let data: ReturnType<typeof dataFacts> | undefined;
  if (merge.complete && merge.best) {
    const s = await splits();
    if (s.source !== merge.source) {
      throw new Error(
        `grid merge: trials ran on "${merge.source}", this machine has "${s.source}"`,
      );
    }
    data = dataFacts(s);
    layers = await trainWithLayers(s, merge.best.params, settings, !ctx.quick);
  }
  const wallSeconds = (performance.now() - t0) / 1000;
  // A refused merge names no best trial: one picked from part of the grid is not its result.
  const best = merge.complete ? merge.best : undefined;
  const metrics = await writePart(ctx, join(ctx.outDir, "grid_summary"), {
    part: "grid merge; history.csv/curves.svg: the best trial retrained with layer modules",
    device: ctx.device,
  }, {
    ...(data ?? {}),
    config: { grid: spec, settings, choices: CHOICES },
    complete: merge.complete,
    total: merge.total,
    finished: merge.trials.length,
    missing: merge.missing,
    duplicates: merge.duplicates,
    source: merge.source ?? null,
    ours: {
      best: best
        ? (({ settings: _s, trainAcc: _a, seconds: _t, history: _h, ...b }) => b)(best)
        : null,
      layerModules: layers
        ? (({ epochLength: _e, history: _h, params: _p, ...l }) => l)(layers)
        : null,
    },
    wallSeconds,
  }, {
    history: layers?.history ?? [],
    extraFiles: {
      "grid.csv": gridCsv(merge.trials),
      "grid.svg": gridSvg(merge.trials, spec),
      "grid_trials.svg": gridTrialsSvg(merge.trials, spec),
    },
  });
  if (best) {
    const accs = `val ${best.valAcc.toFixed(4)} test ${best.testAcc.toFixed(4)}`;
    console.log(
      `grid best: ${JSON.stringify(best.params)} ${accs} ` +
        `(reported ${REPORTED.gridBest}: val ${REPORTED.gridBestValAcc})`,
    );
  }
  if (layers) {
    console.log(
      `layer modules: val ${layers.valAcc.toFixed(4)} test ${layers.testAcc.toFixed(4)} ` +
        `(reported ${REPORTED.layerModulesValAcc} / ${REPORTED.layerModulesTestAcc})`,
    );
  }
  return metrics;
}
