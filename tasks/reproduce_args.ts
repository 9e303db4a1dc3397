import type { RunOptions } from "./reproduce_types.ts";

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
