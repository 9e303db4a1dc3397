import { writeResults } from "../../experiment/results.ts";
import type { Callback, TrainingContext } from "./callback.ts";

/** Options of {@link resultsWriter}. */
export interface ResultsWriterOptions {
  /** The results folder (created if missing). */
  dir: string;
  /**
   * metrics.json's contents for the run so far (default: the last epoch's record as `last`);
   * `partial` (true until training ends) and `epochsDone` are added.
   */
  metrics?: (ctx: TrainingContext) => Record<string, unknown>;
  /** More files to write with each set, by relative name. */
  files?: (ctx: TrainingContext) => Record<string, string | Uint8Array>;
  /** Write after every `every`-th epoch (default 1); the end of training always writes. */
  every?: number;
}

/**
 * Writes the results folder (metrics.json, history.csv, curves.svg, manifest.json: the
 * experiment/results.ts format, as one set) after every epoch and when training ends, so a
 * killed or still running job shows its curves and numbers so far, never a mix of two writes.
 * A task's own final write (with its test numbers) replaces the set afterwards.
 * Example: `fit(model, data, { ..., callbacks: [callbacks.resultsWriter({ dir: "results/net" })] })`.
 */
export function resultsWriter(opts: ResultsWriterOptions): Callback {
  if (typeof opts?.dir !== "string" || !opts.dir) {
    throw new Error('resultsWriter: give a folder, e.g. { dir: "results/my-run" }');
  }
  const every = opts.every ?? 1;
  if (!(Number.isInteger(every) && every >= 1)) {
    throw new Error(`resultsWriter: every must be a whole number ≥ 1, got ${opts.every}`);
  }
  const write = (ctx: TrainingContext, partial: boolean) => {
    const epochs = ctx.history.epochs;
    const metrics = opts.metrics?.(ctx) ?? { last: epochs.at(-1) ?? null };
    return writeResults(opts.dir, {
      metrics: { ...metrics, partial, epochsDone: epochs.length },
      history: epochs,
      extraFiles: opts.files?.(ctx),
    });
  };
  return {
    onEpochEnd: async (epoch, _logs, ctx) => {
      if (epoch % every === 0) await write(ctx, true);
    },
    onTrainEnd: async (ctx) => void await write(ctx, false),
  };
}
