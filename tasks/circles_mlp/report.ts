/**
 * The circles-mlp results folder besides metrics.json: history.csv and curves.svg (the
 * optimiser + fit way, test split as "validation"), four_ways.csv and four_ways.svg (every way's
 * curves), boundary.svg, and with the sweep sweep.csv and sweep.svg.
 * @module
 */
import type { ToyData } from "../../datasets/toy.ts";
import type { EpochRecord } from "../../train/history.ts";
import { csvTable } from "../../experiment/results.ts";
import { recordsCsv } from "../../experiment/records_csv.ts";
import type { RunFiles } from "../../experiment/run.ts";
import { lineChartSvg, type Series } from "../../experiment/svg_plot.ts";
import { decisionBoundarySvg, gridPoints } from "../../experiment/svg_boundary.ts";
import type { CirclesCurves, CirclesWeights } from "./setup.ts";
import { HIDDEN } from "./setup.ts";
import { scores } from "./manual.ts";
import type { SweepRun } from "./sweep.ts";

/** p(class 1) − p(class 0) ∈ [−1, 1] of the net at (x1, x2) points [n, 2]. */
export function classMargin(w: CirclesWeights, points: Float32Array): Float32Array {
  const h = new Float64Array(HIDDEN);
  return Float32Array.from({ length: points.length / 2 }, (_, i) => {
    const [z0, z1] = scores(w, points[2 * i], points[2 * i + 1], h);
    return Math.tanh((z1 - z0) / 2); // = p1 − p0 for a two-class softmax
  });
}

/** Epoch records of a way, for history.csv and curves.svg. */
export function asHistory(c: CirclesCurves): EpochRecord[] {
  return c.epochs.map((e) => ({
    epoch: e.epoch,
    loss: e.loss,
    acc: e.acc,
    valLoss: e.testLoss,
    valAcc: e.testAcc,
    seconds: NaN,
    samplesPerSecond: NaN,
  }));
}

/** four_ways.csv: per epoch, each way's training loss and test loss. */
export function fourWaysCsv(ways: CirclesCurves[]): string {
  const header = ["epoch", ...ways.flatMap((_, k) => [`loss_way${k + 1}`, `testLoss_way${k + 1}`])];
  const rows = ways[0].epochs.map((e, i) => [
    e.epoch,
    ...ways.flatMap((w) => [w.epochs[i].loss, w.epochs[i].testLoss]),
  ]);
  return csvTable(header, rows);
}

function curveSeries(
  label: string,
  c: CirclesCurves | undefined,
  key: "loss" | "testLoss",
): Series {
  const e = c?.epochs ?? [];
  return { name: label, x: e.map((r) => r.epoch), y: e.map((r) => r[key]) };
}

/** Every file besides metrics.json, as the run's `finish` writes them. */
export function circlesFiles(
  o: { ways: CirclesCurves[]; data: ToyData; sweep?: SweepRun[] },
): RunFiles {
  const fitWay = o.ways[o.ways.length - 1];
  const extent = 1.6, resolution = 64;
  const extra: Record<string, string> = {
    "four_ways.csv": fourWaysCsv(o.ways),
    "four_ways.svg": lineChartSvg({
      title: "circles MLP: training loss of the four ways (they overlap)",
      xLabel: "epoch",
      yLabel: "training loss",
      series: o.ways.map((w, k) => curveSeries(`${k + 1}: ${w.way}`, w, "loss")),
      width: 640,
      height: 380,
    }),
    "boundary.svg": decisionBoundarySvg({
      title: `circles: 2 → 4 tanh → 2 softmax, test acc ${
        fitWay.epochs[fitWay.epochs.length - 1].testAcc.toFixed(3)
      }`,
      extent,
      resolution,
      values: classMargin(fitWay.final, gridPoints(extent, resolution)),
      train: { points: o.data.train.points, labels: o.data.train.y },
      test: { points: o.data.test.points, labels: o.data.test.y },
    }),
  };
  if (o.sweep) {
    extra["sweep.csv"] = recordsCsv(o.sweep, [
      "label",
      "lr",
      "batchSize",
      "finalLoss",
      "finalTestAcc",
      "maxRise",
      "roughness",
      "epochTo90",
    ]);
    extra["sweep.svg"] = lineChartSvg({
      title: "circles MLP: lr and batch size (test loss per epoch)",
      xLabel: "epoch",
      yLabel: "test loss",
      logY: true,
      series: o.sweep.map((r) => curveSeries(r.label, r.curves, "testLoss")),
      width: 640,
      height: 380,
    });
  }
  return { history: asHistory(fitWay), files: extra };
}
