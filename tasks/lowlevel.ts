/**
 * `deno task lowlevel`: the lab's stand-alone CNN functions (tasks/lowlevel/functions.ts)
 * checked against hand-computed examples and against the toolkit's ops on random inputs, on
 * the chosen device. Writes metrics.json, checks.csv and pipeline.svg (a digit through the
 * functions, stage by stage).
 * @module
 */
import { loadMnistArrays } from "../datasets/mnist.ts";
import { checkRow, reproductionOf } from "../experiment/checks.ts";
import { recordsCsv } from "../experiment/records_csv.ts";
import { startRun } from "../experiment/run.ts";
import { makeMaps, type Maps } from "./lowlevel/functions.ts";
import { HAND_EXAMPLES, runHandExample } from "./lowlevel/hand_examples.ts";
import { demoPipeline, pipelineSvg } from "./lowlevel/pipeline_svg.ts";
import { comparisonDtype, toolkitChecks } from "./lowlevel/toolkit_checks.ts";
import { markdownTable } from "../experiment/markdown.ts";
import type { Reproduction, ReproductionRow, RunOptions } from "./reproduce_types.ts";
import { reproduceRun } from "./reproduce_args.ts";
import { runMain } from "../experiment/main.ts";

const TASK = "lowlevel";
const REPORTED = "shapes and values checked against hand-computed examples";

const HAND_TOL = 1e-12;
/** Random draws the full run checks against the toolkit (quick: one). */
const FULL_SEEDS = 5;

/** A 28×28 digit: the first MNIST training image, or a drawn "7" when MNIST is unavailable. */
async function digit(): Promise<{ image: Maps; source: string }> {
  try {
    const raw = await loadMnistArrays({ limitTrain: 1, limitTest: 0 });
    const px = raw.train.images;
    return {
      image: makeMaps(28, 28, 1, (r, q) => px[r * 28 + q] / 255),
      source: `MNIST training image 0 (label ${raw.train.labels[0]}) from ${raw.source}`,
    };
  } catch (e) {
    // The checks do not need real data; the picture just looks less familiar without it.
    const seven = (r: number, q: number) =>
      (r >= 5 && r <= 7 && q >= 6 && q <= 21) ||
      (r > 7 && r <= 23 && Math.abs(q - (21 - (r - 7) * 0.6)) < 1.6);
    return {
      image: makeMaps(28, 28, 1, (r, q) => (seven(r, q) ? 1 : 0)),
      source: `a drawn "7" (MNIST unavailable: ${(e as Error).message.split("\n")[0]})`,
    };
  }
}

/** Runs every check, prints the table and writes the results folder; returns metrics.json's contents and the folder. */
export async function runLowlevel(args: string[]) {
  const run = await startRun({
    task: TASK,
    description:
      "Checks the lab's stand-alone convolution, ReLU, max pooling, normalisation, fully connected " +
      "and softmax functions against hand-computed examples and against the toolkit's ops.\n" +
      "--epochs, --batch-size and --limit do not apply (nothing is trained). --seed draws the " +
      `random inputs; the full run checks ${FULL_SEEDS} draws (seed … seed+${FULL_SEEDS - 1}).`,
    quick: "one random draw instead of five",
    shownDefaults: { epochs: "none (nothing is trained)", "batch-size": "none", limit: "none" },
  }, args);
  const flags = run.flags;

  const lines = HAND_EXAMPLES.map((e) => runHandExample(e, HAND_TOL));
  const seeds = flags.quick ? 1 : FULL_SEEDS;
  for (let s = flags.seed; s < flags.seed + seeds; s++) lines.push(...await toolkitChecks(s));
  console.log(markdownTable(
    "kind | function | against | in | out | max |Δ| | tol | pass",
    lines.map((l) => [
      l.kind,
      l.fn,
      l.against,
      l.shapeIn,
      l.shapeOut,
      l.maxAbsDiff.toExponential(2),
      l.tolerance.toExponential(1),
      l.pass ? "pass" : "FAIL",
    ]),
  ));

  const { image, source } = await digit();
  const demo = demoPipeline(image);
  const passed = lines.filter((l) => l.pass).length;
  const metrics = await run.finish({
    config: {
      randomDraws: seeds,
      toolkitDtype: comparisonDtype(),
      handTolerance: HAND_TOL,
      choices: {
        layout: "maps as [row][col][channel] (NHWC without the batch axis, like the toolkit); " +
          "filter stacks as [filter][row][col][channel]",
        convolution: "cross-correlation (no filter flip) as CNN libraries compute it; same zero " +
          "padding (F−1)/2 on each side, stride 1; even F rejected",
        pooling: "no padding; (W − F)/S must be whole (the lab's formula), otherwise an error",
        normalisation: "population standard deviation (÷ H·W), no epsilon; a constant map → 0",
        fullyConnected: "flattened in row, column, channel order (Keras Flatten on NHWC); " +
          "weights inputs × outputs",
        toolkitTolerance: "max |ours − toolkit| ≤ 1e-10 (float64, CPU) or 1e-4 (float32, " +
          "WebGPU) × max(1, largest |output|)",
        randomInputs: "standard normal from Rng(seed)",
      },
    },
    reported: { lowlevel: REPORTED },
    ours: {
      checks: lines.length,
      passed,
      failed: lines.length - passed,
      demo: {
        image: source,
        stages: demo.stages.map((s) => ({
          name: s.name,
          shape: [s.maps.length, s.maps[0].length, s.maps[0][0].length],
        })),
        untrainedProbabilities: demo.probabilities,
      },
    },
    checks: lines,
  }, {
    files: {
      "checks.csv": recordsCsv(lines, [
        "kind",
        ["function", "fn"],
        "against",
        "shapeIn",
        "shapeOut",
        "maxAbsDiff",
        "tolerance",
        "pass",
      ]),
      "pipeline.svg": pipelineSvg(
        demo.stages,
        `Low-level functions on ${source.split(" from ")[0]}`,
      ),
    },
  }, `${passed}/${lines.length} checks pass`);
  return { metrics, outDir: run.outDir };
}

async function rows(o: RunOptions, quick: boolean): Promise<ReproductionRow[]> {
  const { r, at } = await reproduceRun(o, quick, runLowlevel);
  return r.metrics.checks.map((c) =>
    checkRow(at, {
      check: `${c.kind}: ${c.fn} — ${c.against}`,
      reported: c.kind === "hand" ? REPORTED : "agrees with the toolkit's op",
      ours: `out ${c.shapeOut}, max |Δ| ${c.maxAbsDiff.toExponential(2)}`,
      tolerance: `≤ ${c.tolerance.toExponential(1)}`,
      pass: c.pass,
    })
  );
}

/** For `deno task reproduce`: one row per check (hand examples and toolkit agreement). */
export const reproduction: Reproduction = reproductionOf(TASK, rows);

if (import.meta.main) await runMain(() => runLowlevel(Deno.args));
