import { createProgress, type Progress } from "../progress.ts";
import {
  currentJupyter,
  type JupyterApi,
  type JupyterLine,
  jupyterLine,
  settle,
} from "../../notebook/jupyter_progress.ts";
import type { EpochRecord } from "../history.ts";
import type { Callback } from "./callback.ts";

/** Callbacks every `fit` runs: the history, the NaN check and the progress line. */

/** Appends each epoch's record to `ctx.history` (what `fit` returns). */
export function historyRecorder(): Callback {
  return { onEpochEnd: (_e, logs, ctx) => void ctx.history.epochs.push(logs) };
}

/** The error `fit` throws when the loss stops being finite, saying what to do. */
export function divergedError(loss: number, epoch: number, step: number): Error {
  return new Error(
    `fit: the loss became ${loss} by epoch ${epoch}, step ${step}; training diverged. ` +
      `Lower the learning rate, check the inputs for NaN/Inf, or normalise them`,
  );
}

/** Throws {@link divergedError} as soon as a loss read back is NaN or infinite (the default). */
export function nanGuard(): Callback {
  return {
    onBatchEnd: (_s, logs) => {
      if (logs.loss !== undefined && !Number.isFinite(logs.loss)) {
        throw divergedError(logs.loss, logs.epoch, logs.batch + 1);
      }
    },
    onEpochEnd: (epoch, logs, ctx) => {
      if (!Number.isFinite(logs.loss)) throw divergedError(logs.loss, epoch, ctx.stepsPerEpoch);
    },
  };
}

/**
 * The per-epoch progress line (a redrawn bar on a terminal, one output line updated in place in
 * a Jupyter notebook, plain lines otherwise); `extra` adds values to the epoch's last line
 * (fit's metrics). `jupyter` is `Deno.jupyter` when running in `deno jupyter` (tests pass one).
 */
export function progressLogger(
  write?: (s: string) => void,
  extra: (rec: EpochRecord) => Record<string, number | undefined> = () => ({}),
  jupyter: JupyterApi | undefined = write ? undefined : currentJupyter(),
): Callback {
  let bar: Progress | undefined;
  let line: JupyterLine | undefined;
  return {
    onEpochBegin: (epoch, ctx) => {
      line = jupyter ? jupyterLine(jupyter) : undefined;
      bar = createProgress({
        total: ctx.stepsPerEpoch,
        label: `epoch ${epoch}/${ctx.epochs}`,
        write,
        line,
      });
    },
    onBatchEnd: (_s, logs) => {
      if (logs.loss === undefined) return;
      bar?.update(
        logs.batch + 1,
        logs.acc === undefined ? { loss: logs.loss } : {
          loss: logs.loss,
          acc: logs.acc,
        },
      );
    },
    onEpochEnd: async (_e, rec: EpochRecord) => {
      bar?.done(
        Object.fromEntries(
          Object.entries({
            loss: rec.loss,
            acc: rec.acc,
            valLoss: rec.valLoss,
            valAcc: rec.valAcc,
            ...extra(rec),
          })
            .filter(([, v]) => v !== undefined && !Number.isNaN(v)),
        ) as Record<string, number>,
      );
      await line?.flush();
    },
    // The kernel publishes the last line from a queue it does not drain before the cell ends.
    onTrainEnd: async () => {
      if (jupyter) await settle();
    },
  };
}
