/**
 * `startRun`: what every task does before its own work (parse the flags, make sure the output
 * folder can be written, pick the device, start the clock) and after it (the metrics header,
 * the results set, the closing line).
 * @module
 */
import { join } from "node:path";
import { setCheckNumerics } from "../kernels/check_numerics.ts";
import { type DeviceInfo, type DeviceName, setDevice } from "../kernels/device.ts";
import type { EpochRecord } from "../train/history.ts";
import { TaskError } from "./errors.ts";
import { type FlagSchema, type FlagValues, parseFlags, UsageError, usageText } from "./flags.ts";
import type { RunBody, RunHeader } from "./record.ts";
import { type RowContext, taskCommand } from "./checks.ts";
import { writeResults } from "./results.ts";
import type { Callback, TrainingContext } from "../train/callbacks/callback.ts";
import { resultsWriter } from "../train/callbacks/results_writer.ts";
import { historySummary } from "./summary.ts";

/** The flags every task takes (DESIGN.md). */
export const COMMON_FLAGS = {
  device: {
    type: "string",
    help: "where tensors live",
    default: "auto",
    choices: ["auto", "cpu", "cpu-reference", "webgpu"],
  },
  epochs: { type: "integer", help: "training epochs" },
  "batch-size": { type: "integer", help: "samples per step" },
  seed: { type: "integer", help: "seed of weights, shuffles and drawn data", default: 1, min: 0 },
  limit: { type: "integer", help: "use the first N training samples" },
  quick: { type: "boolean", help: "the CI version (below)" },
  out: { type: "string", help: "results folder" },
  "check-numerics": { type: "boolean", help: "stop at the first op giving NaN/Inf (slow; debug)" },
  resume: {
    type: "boolean",
    help: "continue an interrupted run from the checkpoint in its results folder",
  },
} as const satisfies FlagSchema;

/** The common flags as a task reads them. */
export interface TaskFlags {
  device: DeviceName;
  epochs?: number;
  batchSize?: number;
  seed: number;
  limit?: number;
  quick: boolean;
  out?: string;
  /** `--check-numerics`: every op's output checked for NaN/Inf. */
  checkNumerics?: boolean;
  /** `--resume`: training continues from the checkpoint in the results folder. */
  resume?: boolean;
}

/** The common flags of parsed `values`, camel-cased. */
export function taskFlags(values: FlagValues<typeof COMMON_FLAGS>): TaskFlags {
  return {
    device: values.device as DeviceName,
    epochs: values.epochs,
    batchSize: values["batch-size"],
    seed: values.seed,
    limit: values.limit,
    quick: values.quick,
    out: values.out,
    checkNumerics: values["check-numerics"],
    resume: values.resume,
  };
}

/** How a task describes itself to {@link startRun}. */
export interface RunSpec<S extends FlagSchema = Record<never, never>> {
  /** As in `deno task <name>`; also the default folder `results/<name>`. */
  task: string;
  description: string;
  /** What `--quick` does for this task, for `--help`. */
  quick?: string;
  /** The task's own flags (beside {@link COMMON_FLAGS}). */
  flags?: S;
  /** The results folder without `--out` (default `results/<task>`). */
  defaultOut?: (own: FlagValues<S>, flags: TaskFlags) => string;
  /**
   * A misuse the schema cannot see (two modes at once, a flag that needs another): the problem
   * in a sentence, reported as a usage error; undefined when the flags go together.
   */
  check?: (own: FlagValues<S>, flags: TaskFlags) => string | undefined;
  /** The task keeps a checkpoint and takes `--resume` (a usage error elsewhere). */
  resumable?: boolean;
  /** Defaults `--help` shows for common flags, e.g. `{ epochs: "12", "batch-size": "128" }`. */
  shownDefaults?: Record<string, string>;
}

/** What the results folder receives besides metrics.json. */
export interface RunFiles {
  history?: EpochRecord[];
  confusion?: number[][];
  classNames?: string[];
  /** Further files by relative name. */
  files?: Record<string, string | Uint8Array>;
  /** Where to write instead of the results folder: a sub-run's own (a variant's, a claim's). */
  dir?: string;
}

/** A started run: its flags, device, folder and clock, and how to record and finish it. */
export interface Run<S extends FlagSchema = Record<never, never>> {
  task: string;
  args: string[];
  /** `deno task <task> <args>`. */
  command: string;
  /** The common flags. */
  flags: TaskFlags;
  /** The task's own flags, by name. */
  own: FlagValues<S>;
  device: DeviceInfo;
  seed: number;
  quick: boolean;
  /** The results folder, created and known to be writable. */
  outDir: string;
  /** Seconds since the run started. */
  seconds(): number;
  /** The context of rows this run's checks give now: task, device, wall time so far, command. */
  rowContext(): RowContext;
  /**
   * metrics.json's contents: the header, `body`, and the wall time so far (or, for a sub-run
   * timed on its own, `body.wallSeconds`).
   */
  record<B extends RunBody>(body: B): RunHeader & RunBody & B & { wallSeconds: number };
  /** Writes `metrics` and `files` into the results folder as one set; returns the paths. */
  write(metrics: object, files?: RunFiles): Promise<string[]>;
  /**
   * A `fit` callback that writes this run's results folder after every epoch and when training
   * ends (metrics.json with the run's header, `partial: true` until training ends and
   * `epochsDone`; history.csv; curves.svg), so a killed or running task shows its progress;
   * `write`/`finish` replace the set with the final one. metrics.json's body is the epochs and
   * the history's summary as `ours`, with `body`'s fields over them.
   * Example: `fit(model, data, { ..., callbacks: [run.resultsCallback()] })`.
   */
  resultsCallback(body?: (ctx: TrainingContext) => Partial<RunBody>): Callback;
  /**
   * Prints the run's closing line, "<task>: <summary>; N s; results in <folder>/", with the wall
   * time so far (or `wallSeconds`).
   */
  done(summary?: string, wallSeconds?: number): void;
  /** {@link record}, {@link write}, and the closing line of {@link done}. */
  finish<B extends RunBody>(
    body: B,
    files?: RunFiles,
    summary?: string,
  ): Promise<RunHeader & RunBody & B & { wallSeconds: number }>;
}

/** A run whatever its own flags: what code that does not read them takes. */
export type StartedRun = Omit<Run, "own">;

/**
 * Creates `dir` and writes and removes a probe file in it, so a run that cannot save its
 * results fails before training, with the fix in the message.
 * Example: `await prepareOutDir("results/mnist-cnn")`.
 */
export async function prepareOutDir(dir: string): Promise<void> {
  const probe = join(dir, `.write-probe.${Deno.pid}.tmp`);
  try {
    await Deno.mkdir(dir, { recursive: true });
    await Deno.writeTextFile(probe, "");
    await Deno.remove(probe);
  } catch (e) {
    throw new TaskError(
      `cannot write the results folder ${dir} (${(e as Error).message.split("\n")[0]}); ` +
        `pass --out with a folder you can create and write`,
    );
  }
}

/**
 * The common flags and the task's own from `args`, checked (`spec.check` included) but with
 * nothing done: what startRun starts from, and what tests of a task's flags call.
 * Example: `parseRunArgs(PLAYGROUND_SPEC, ["--dataset", "xor"]).own.dataset` → "xor".
 */
export function parseRunArgs<S extends FlagSchema>(
  spec: RunSpec<S>,
  args: string[],
): { flags: TaskFlags; own: FlagValues<S> } {
  const schema = { ...COMMON_FLAGS, ...(spec.flags ?? {}) } as typeof COMMON_FLAGS & S;
  const text = {
    command: spec.task,
    description: spec.description,
    quick: spec.quick,
    // Every flag shows its default: the results folder and --limit have none in the schema.
    shownDefaults: {
      out: spec.defaultOut ? `under results/${spec.task}/` : `results/${spec.task}`,
      limit: "all",
      ...spec.shownDefaults,
    },
  };
  const all = parseFlags(schema, args, text);
  const flags = taskFlags(all);
  const own = all as FlagValues<S>;
  const problem = flags.resume && !spec.resumable
    ? `--resume: ${spec.task} keeps no checkpoint to resume from; run it without --resume`
    : spec.check?.(own, flags);
  if (problem) throw new UsageError(problem, usageText(schema, text));
  return { flags, own };
}

/**
 * Parses `args` (the common flags and `spec.flags`), prepares the results folder
 * (`--out`, default `results/<task>`), selects the device and starts the clock. Bad flags throw
 * a UsageError, an unwritable folder a TaskError, both before any work.
 * Example: `const run = await startRun({ task: "lowlevel", description: "…" }, Deno.args);`
 */
export async function startRun<S extends FlagSchema = Record<never, never>>(
  spec: RunSpec<S>,
  args: string[],
): Promise<Run<S>> {
  const { flags, own } = parseRunArgs(spec, args);
  const outDir = flags.out ?? spec.defaultOut?.(own, flags) ?? join("results", spec.task);
  await prepareOutDir(outDir);
  const t0 = performance.now();
  const device = await setDevice(flags.device);
  setCheckNumerics(flags.checkNumerics ?? false);
  console.log(
    `${spec.task}: device ${device.name} (${device.description})${
      device.note ? `; ${device.note}` : ""
    }`,
  );
  const command = taskCommand(spec.task, args);
  const seconds = () => (performance.now() - t0) / 1000;
  const record = <B extends RunBody>(body: B) => ({
    task: spec.task,
    command,
    quick: flags.quick,
    device,
    seed: flags.seed,
    ...body,
    wallSeconds: typeof body.wallSeconds === "number" ? body.wallSeconds : seconds(),
  });
  const done = (summary?: string, wallSeconds = seconds()) =>
    console.log(
      `${spec.task}: ${summary ? `${summary}; ` : ""}${wallSeconds.toFixed(1)} s; ` +
        `results in ${outDir}/`,
    );
  const write = (metrics: object, files: RunFiles = {}) =>
    writeResults(files.dir ?? outDir, {
      metrics: metrics as Record<string, unknown>,
      history: files.history,
      confusion: files.confusion,
      classNames: files.classNames,
      extraFiles: files.files,
    });
  return {
    task: spec.task,
    args,
    command,
    flags,
    own,
    device,
    seed: flags.seed,
    quick: flags.quick,
    outDir,
    seconds,
    rowContext: () => ({
      task: spec.task,
      device: device.description,
      wallSeconds: seconds(),
      command,
    }),
    record,
    write,
    resultsCallback: (body) =>
      resultsWriter({
        dir: outDir,
        metrics: (ctx) =>
          record({
            config: { epochs: ctx.epochs, stepsPerEpoch: ctx.stepsPerEpoch },
            ours: historySummary(ctx.history.epochs),
            ...(body?.(ctx) ?? {}),
          }),
      }),
    done,
    async finish(body, files, summary) {
      const metrics = record(body);
      await write(metrics, files);
      done(summary, metrics.wallSeconds);
      return metrics;
    },
  };
}
