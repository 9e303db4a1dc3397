import { writeFileAtomic } from "../atomic_write.ts";
import { historyCsv } from "../../experiment/results.ts";
import type { Callback } from "./callback.ts";

/**
 * Writes history.csv (the results-folder format) after every epoch, so a killed run keeps its
 * curve so far; Keras' `CSVLogger`. It writes the run's history, so a resumed run's file holds
 * the epochs before the resume too. Example: `callbacks.csvLogger({ path: "runs/a/history.csv" })`.
 */
export function csvLogger(opts: { path: string }): Callback {
  return {
    onEpochEnd: async (_e, _logs, ctx) => {
      await writeFileAtomic(opts.path, new TextEncoder().encode(historyCsv(ctx.history.epochs)));
    },
  };
}
