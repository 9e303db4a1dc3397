import { type RowContext, rowContext } from "../experiment/checks.ts";
import type { RunHeader, RunOptions } from "../experiment/record.ts";

/**
 * The command-line arguments `deno task reproduce` passes to a task: `--quick` for the CI
 * version, the device and seed, and `--data-dir` when a CIFAR-10 folder is given. One place so
 * every row's `command` is written the same way.
 * Example: `[...reproductionArgs(o, true), "--out", o.outDir]`.
 */
export function reproductionArgs(o: RunOptions & { dataDir?: string }, quick: boolean): string[] {
  return [
    ...(quick ? ["--quick"] : []),
    "--device",
    o.device,
    "--seed",
    String(o.seed),
    ...(o.dataDir ? ["--data-dir", o.dataDir] : []),
  ];
}

/**
 * Runs a task as `deno task reproduce` does (its {@link reproductionArgs}, `extra`, and `--out`)
 * and returns its result, the flags its rows quote and the rows' context.
 * Example: `const { r, at } = await reproduceRun(o, true, runLowlevel);`
 */
export async function reproduceRun<R extends { metrics: RunHeader & { wallSeconds: number } }>(
  o: RunOptions & { dataDir?: string },
  quick: boolean,
  run: (args: string[]) => Promise<R>,
  extra: string[] = [],
): Promise<{ r: R; at: RowContext; args: string[] }> {
  const args = [...reproductionArgs(o, quick), ...extra];
  const r = await run([...args, "--out", o.outDir]);
  return { r, at: rowContext(r.metrics, args), args };
}
