/**
 * The combined results of a cifar10-improve ladder: one table (CSV and markdown) with each
 * variant's reported accuracy beside ours, and one chart with every variant's test-accuracy
 * curve.
 * @module
 */
import type { EpochRecord } from "../train/history.ts";
import { markdownTable } from "../experiment/markdown.ts";
import { csvTable } from "../experiment/results.ts";
import { epochSeries, lineChartSvg } from "../experiment/svg_plot.ts";
import { IMPROVEMENTS, type Variant } from "./cifar10_improve_ladder.ts";

/** One trained variant, as the table and chart need it. */
export interface VariantResult {
  variant: Variant;
  testAcc: number;
  testLoss: number;
  /** Per epoch; `valAcc`/`valLoss` are on the test split (the homework's curves). */
  history: EpochRecord[];
  wallSeconds: number;
}

/** Columns of ladder.csv, in order. */
export const LADDER_COLUMNS = [
  "variant",
  "improvements",
  "reported_test_acc",
  "test_acc",
  "test_loss",
  "final_train_acc",
  "best_test_acc",
  "best_epoch",
  "epochs",
  "wall_seconds",
] as const;

function cells(r: VariantResult): (string | number)[] {
  const best = r.history.reduce(
    (b, e) => ((e.valAcc ?? -1) > (b.valAcc ?? -1) ? e : b),
    r.history[0],
  );
  const on = IMPROVEMENTS.filter((i) => r.variant.improvements[i.key]).map((i) => i.label);
  return [
    r.variant.label,
    on.length ? on.join("+") : "none",
    r.variant.reported ?? "",
    r.testAcc,
    r.testLoss,
    r.history[r.history.length - 1].acc,
    best.valAcc ?? "",
    best.epoch,
    r.history.length,
    r.wallSeconds,
  ];
}

/** ladder.csv: a header of {@link LADDER_COLUMNS}, then one row per variant in run order. */
export function ladderCsv(results: VariantResult[]): string {
  return csvTable(LADDER_COLUMNS, results.map(cells));
}

/** The same table in markdown, numbers rounded for reading (ladder.csv keeps them in full). */
export function ladderMarkdown(results: VariantResult[], note?: string): string {
  const f = (v: string | number) => (typeof v === "number" ? v.toFixed(4) : v || "—");
  const table = markdownTable(
    "variant | reported test acc | our test acc | test loss | final train acc | " +
      "best test acc (epoch)",
    results.map((r) => {
      const c = cells(r);
      const [label, reported] = [r.variant.label, r.variant.reportedText];
      return [label, reported, f(c[3]), f(c[4]), f(c[5]), `${f(c[6])} (${c[7]})`];
    }),
  );
  return note ? `${table}\n${note}\n` : table;
}

/**
 * One chart of every variant's test accuracy (or, with `metric: "loss"`, test loss: the report
 * notes the base net's rising after ≈ epoch 10) per epoch, each labelled with its reported number.
 */
export function ladderSvg(
  results: VariantResult[],
  title: string,
  metric: "accuracy" | "loss" = "accuracy",
): string {
  return lineChartSvg({
    title,
    xLabel: "epoch",
    yLabel: `test ${metric}`,
    width: 640,
    height: 400,
    series: epochSeries(
      results.map((r) => ({
        name: `${r.variant.label} (reported ${r.variant.reportedText})`,
        epochs: r.history,
      })),
      (e) => metric === "accuracy" ? e.valAcc : e.valLoss,
    ),
  });
}
