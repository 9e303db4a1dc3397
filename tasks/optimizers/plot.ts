/**
 * The `optimizers` task's one figure: training loss and test accuracy per epoch, one line per
 * variant in each panel. Built from experiment/svg_plot.ts's single-panel charts placed side by side.
 * @module
 */
import { escapeXml, lineChartSvg, type Series } from "../../experiment/svg_plot.ts";
import type { EpochRecord } from "../../train/history.ts";

/** One variant's curves: its name and its per-epoch records. */
export interface VariantCurves {
  name: string;
  epochs: EpochRecord[];
}

/**
 * Places standalone SVG charts of equal height in one row. Each chart keeps its own `<svg>`
 * element (nested SVG is part of SVG 1.1, so this renders in browsers and on GitHub), moved
 * right by the widths before it.
 */
export function sideBySideSvg(charts: string[], title: string): string {
  let x = 0, height = 0;
  const parts = charts.map((c) => {
    const m = c.match(/^<svg [^>]*width="(\d+)" height="(\d+)"/);
    if (!m) throw new Error("sideBySideSvg: a chart does not start with <svg … width height>");
    const placed = c.replace(/^<svg /, `<svg x="${x}" y="0" `);
    x += Number(m[1]);
    height = Math.max(height, Number(m[2]));
    return placed.trimEnd();
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${x}" height="${height}" ` +
    `viewBox="0 0 ${x} ${height}" font-family="sans-serif">\n<title>${escapeXml(title)}</title>\n` +
    `${parts.join("\n")}\n</svg>\n`;
}

/** Training loss (left) and test accuracy (right) per epoch, one series per variant. */
export function comparisonSvg(curves: VariantCurves[], title: string): string {
  const series = (pick: (r: EpochRecord) => number | undefined): Series[] =>
    curves.map((c) => ({
      name: c.name,
      x: c.epochs.map((r) => r.epoch),
      y: c.epochs.map((r) => pick(r) ?? NaN),
    }));
  const size = { width: 520, height: 360 };
  const loss = lineChartSvg({
    ...size,
    title: `${title}: training loss`,
    xLabel: "epoch",
    yLabel: "mean training loss",
    series: series((r) => r.loss),
  });
  const acc = lineChartSvg({
    ...size,
    title: `${title}: test accuracy`,
    xLabel: "epoch",
    yLabel: "test accuracy",
    series: series((r) => r.valAcc),
  });
  return sideBySideSvg([loss, acc], title);
}
