/**
 * `deno task two-layer-net`: the cs231n two-layer net assignment (course exercise E).
 *
 *   (no mode)            toy check, then the default-hyperparameter CIFAR-10 run
 *   --toy                toy check only (no CIFAR-10 needed)
 *   --grid --shard i/n   trials with index ≡ i (mod n) of the 144-trial grid, one file each;
 *                        resumable (finished trials are skipped); without --shard, the shard
 *                        of a Slurm job array task (SLURM_ARRAY_TASK_*), else the whole grid
 *   --merge              merge the trial files (refused, naming them, when trials are missing
 *                        or duplicated), pick the best, retrain it with the layer modules
 * @module
 */
import { setDevice } from "../kernels/device.ts";
import "../kernels/tensor_methods.ts";
import { reproductionOf } from "../experiment/checks.ts";
import type { FlagSchema } from "../experiment/flags.ts";
import { startRun } from "../experiment/run.ts";
import { runMain } from "../experiment/main.ts";
import { CIFAR_FLAGS } from "./cifar10_common.ts";
import { type CifarRunOptions, reproductionArgs } from "./cifar10_rows.ts";
import type { Reproduction, ReproductionRow } from "./reproduce_types.ts";
import { type CifarSplits, loadCifarSplits, type SplitSizes } from "./two_layer_net/cifar_data.ts";
import { DEFAULT_RUN, FULL, GRID_ITERATIONS, QUICK, TASK } from "./two_layer_net/config.ts";
import type { GridSpec } from "./two_layer_net/grid.ts";
import type { ShardReport } from "../experiment/trials.ts";
import { cifarRows, toyRows } from "./two_layer_net/rows.ts";
import { resolveShard } from "../experiment/shards.ts";
import {
  type DefaultRun,
  gridSettings,
  type MergeRun,
  runDefault,
  runGridShard,
  runMerge,
  runToy,
  type ToyRun,
} from "./two_layer_net/runs.ts";

const DESCRIPTION = [
  "cs231n two-layer net: FC → ReLU → FC → softmax, L2 reg·(‖W1‖² + ‖W2‖²), host float64 with a",
  "hand-written backward. Default: toy check + CIFAR-10 default run (hidden 50, lr 1e-4 ×0.95",
  "per epoch, reg 0.25, batch 200, 1000 iterations). Results in results/two-layer-net/.",
].join("\n");

const FLAGS = {
  ...CIFAR_FLAGS,
  toy: { type: "boolean", help: "toy check only" },
  grid: {
    type: "boolean",
    help: "run grid trials (--shard i/n; default: the Slurm array task's shard, else 0/1)",
  },
  shard: { type: "string", help: "i/n: run trials with index ≡ i (mod n)" },
  merge: { type: "boolean", help: "merge grid trial files, retrain the best with layers" },
  iters: {
    type: "integer",
    help: `iterations (default ${DEFAULT_RUN.iterations}; grid ${GRID_ITERATIONS}; --quick fewer)`,
  },
} as const satisfies FlagSchema;

/** What one invocation did (tests and the reproduction read it). */
export interface TwoLayerResult {
  outDir: string;
  toy?: ToyRun;
  default?: DefaultRun;
  shard?: ShardReport;
  merge?: MergeRun;
}

/** Parses `args` and runs the chosen mode. */
export async function runTwoLayerNet(args: string[]): Promise<TwoLayerResult> {
  const run = await startRun({
    task: TASK,
    description: DESCRIPTION,
    quick: `smaller splits (${QUICK.splits.numTrain} training images), fewer iterations ` +
      `(default run ${QUICK.defaultIterations}, grid ${QUICK.gridIterations}) and a smaller grid`,
    flags: FLAGS,
    shownDefaults: {
      epochs: "none (the net counts iterations: --iters)",
      "batch-size": `${DEFAULT_RUN.batchSize} in the default run; each grid trial its own`,
    },
    check: (own, f) =>
      [own.toy, own.grid, own.merge].filter(Boolean).length > 1
        ? "give one of --toy, --grid, --merge"
        : f.epochs !== undefined
        ? "two-layer-net counts iterations: use --iters N, not --epochs"
        : own.shard !== undefined && !own.grid
        ? "--shard needs --grid"
        : undefined,
  }, args);
  const { flags: f, own } = run;
  const modes = (["toy", "grid", "merge"] as const).filter((m) => own[m]);
  const mode: "toy" | "grid" | "merge" | "default" = modes.length ? modes[0] : "default";
  // --iters (no default) overrides each mode's own count.
  const iters = own.iters;
  const result: TwoLayerResult = { outDir: run.outDir };
  const base = f.quick ? QUICK.splits : FULL.splits;
  const split: SplitSizes = f.limit ? { ...base, numTrain: f.limit } : base;
  let loaded: CifarSplits | undefined;
  const load = async () =>
    loaded ??= await loadCifarSplits({ ...split, dataDir: own["data-dir"], seed: f.seed });
  const spec: GridSpec = f.quick ? QUICK.grid : FULL.grid;
  const settings = gridSettings(
    run,
    split,
    iters ?? (f.quick ? QUICK.gridIterations : GRID_ITERATIONS),
  );

  if (mode === "toy" || mode === "default") result.toy = await runToy(run);
  if (mode === "toy") return result;
  // The toy check leaves the CPU device selected; the layer modules use the requested one.
  const ctx = { ...run, device: await setDevice(f.device) };
  if (mode === "default") {
    result.default = await runDefault(ctx, await load(), {
      iterations: iters ?? (f.quick ? QUICK.defaultIterations : DEFAULT_RUN.iterations),
      batchSize: f.batchSize,
    });
  } else if (mode === "grid") {
    const { shard, source } = resolveShard(own.shard, Deno.env.toObject());
    console.log(`grid shard ${shard.index}/${shard.count} from ${source}`);
    result.shard = await runGridShard(ctx, await load(), spec, shard, settings);
  } else {
    result.merge = await runMerge(ctx, spec, settings, load);
  }
  return result;
}

/** Runs the whole recipe (toy, default, every grid shard in this process, merge) as rows. */
async function reproduce(o: CifarRunOptions, quick: boolean): Promise<ReproductionRow[]> {
  const args = reproductionArgs(o, quick);
  const base = [...args, "--out", o.outDir];
  const first = await runTwoLayerNet(base);
  const shards = quick ? QUICK.shards : 1;
  const t0 = performance.now();
  for (let i = 0; i < shards; i++) {
    await runTwoLayerNet([...base, "--grid", "--shard", `${i}/${shards}`]);
  }
  const shardSeconds = (performance.now() - t0) / 1000;
  const merged = await runTwoLayerNet([...base, "--merge"]);
  // The grid rows' time is the whole grid's: its shards plus the merge and retrain.
  const merge = { ...merged.merge!, wallSeconds: merged.merge!.wallSeconds + shardSeconds };
  const layerDevice = `${merge.device.name} (${merge.device.description})`;
  return [
    ...toyRows(first.toy!, args),
    ...cifarRows({
      default: first.default!,
      merge,
      standIn: first.default!.data.standIn,
      args,
      layerDevice,
      quick,
    }),
  ];
}

/** For `deno task reproduce`. */
export const reproduction: Reproduction = reproductionOf(TASK, reproduce, { requires: "cifar10" });

if (import.meta.main) {
  await runMain(async () => {
    const r = await runTwoLayerNet(Deno.args);
    // An incomplete grid is not a result: let scripts and CI see it.
    if (r.merge && !r.merge.complete) Deno.exitCode = 1;
  });
}
