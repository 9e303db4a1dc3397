/**
 * `deno task playground`: TensorFlow-Playground-style 2-D classification (course exercise A).
 * One run with the given flags writes results/playground/ (metrics.json, history.csv,
 * curves.svg, boundary.svg); `--claims` checks every claim of the report instead and writes one
 * combined table (claims.md, claims.csv, claims.svg, metrics.json, claims/<id>/).
 *
 * Example: `deno task playground --dataset xor --features x1x2 --layers 2 --epochs 300`.
 * @module
 */
import "../kernels/tensor_methods.ts";
import { reproductionOf } from "../experiment/checks.ts";
import type { RunBody, RunHeader } from "../experiment/record.ts";
import { startRun } from "../experiment/run.ts";
import type { Reproduction, ReproductionRow, RunOptions } from "./reproduce_types.ts";
import { reproductionArgs } from "./reproduce_args.ts";
import { PLAYGROUND_SPEC, playgroundCli } from "./playground/config.ts";
import { runClaims } from "./playground/claims.ts";
import { trainPlayground } from "./playground/train.ts";
import { writeRun } from "./playground/write_run.ts";
import { runMain } from "../experiment/main.ts";

/** Seeds of the full claims check: the first decides, the others show how robust it is. */
export const FULL_SEEDS = [1, 2, 3, 4, 5];

/** What a CLI run returns (tests read it). */
export interface PlaygroundOutcome {
  outDir: string;
  metrics?: RunHeader & RunBody & { wallSeconds: number };
  rows?: ReproductionRow[];
}

/** Runs the task as the command line asks. */
export async function runPlayground(args: string[]): Promise<PlaygroundOutcome> {
  const r = await startRun(PLAYGROUND_SPEC, args);
  const cli = playgroundCli(r.flags, r.own);
  const outDir = r.outDir;
  if (cli.claims) {
    const seeds = cli.quick ? [cli.config.seed] : FULL_SEEDS.map((s) => s + cli.config.seed - 1);
    const { rows } = await runClaims(r, seeds);
    console.log(`playground claims: results in ${outDir}/claims.md`);
    return { outDir, rows };
  }
  const run = await trainPlayground(cli.config);
  try {
    const metrics = await writeRun(run, r);
    console.log(
      `playground ${cli.config.dataset}: test loss ${run.test.loss.toFixed(4)}, ` +
        `train loss ${run.train.loss.toFixed(4)}, test acc ${run.test.acc.toFixed(3)}; ` +
        `results in ${outDir}/`,
    );
    return { outDir, metrics };
  } finally {
    run.dispose();
  }
}

function claimsArgs(o: RunOptions, quick: boolean): string[] {
  return ["--claims", ...reproductionArgs(o, quick), "--out", o.outDir];
}

/** `deno task reproduce`: quick = every claim with fewer epochs; full = every claim, 5 seeds. */
export const reproduction: Reproduction = reproductionOf(
  "playground",
  async (o, quick) => (await runPlayground(claimsArgs(o, quick))).rows!,
);

if (import.meta.main) await runMain(() => runPlayground(Deno.args));
