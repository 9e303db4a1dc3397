/**
 * The `optimizers` task's one figure: training loss and test accuracy per epoch, one line per
 * variant in each panel, side by side.
 * @module
 */
import { epochSeries, lineChartSvg } from "../../experiment/svg_plot.ts";
import { sideBySideSvg } from "../../experiment/svg_stack.ts";
import type { EpochRecord } from "../../train/history.ts";

/** One variant's curves: its name and its per-epoch records. */
export interface VariantCurves {
  name: string;
  epochs: EpochRecord[];
}

/** Training loss (left) and test accuracy (right) per epoch, one series per variant. */
export function comparisonSvg(curves: VariantCurves[], title: string): string {
  const chart = (what: string, yLabel: string, pick: (e: EpochRecord) => number | undefined) =>
    lineChartSvg({
      width: 520,
      height: 360,
      title: `${title}: ${what}`,
      xLabel: "epoch",
      yLabel,
      series: epochSeries(curves, pick),
    });
  return sideBySideSvg([
    chart("training loss", "mean training loss", (e) => e.loss),
    chart("test accuracy", "test accuracy", (e) => e.valAcc),
  ], title);
}
