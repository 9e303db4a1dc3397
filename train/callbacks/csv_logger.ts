import { writeFileAtomic } from "../atomic_write.ts";
import type { EpochRecord } from "../history.ts";
import { historyCsv } from "../../experiment/results.ts";
import type { Callback } from "./callback.ts";

/**
 * Writes history.csv (the results-folder format) after every epoch, so a killed run keeps its
 * curve so far; Keras' `CSVLogger`. Example: `callbacks.csvLogger({ path: "runs/a/history.csv" })`.
 */
export function csvLogger(opts: { path: string }): Callback {
  const rows: EpochRecord[] = [];
  return {
    onTrainBegin: () => void (rows.length = 0),
    onEpochEnd: async (_e, logs) => {
      rows.push(logs);
      await writeFileAtomic(opts.path, new TextEncoder().encode(historyCsv(rows)));
    },
  };
}
