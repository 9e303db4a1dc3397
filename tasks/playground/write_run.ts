/**
 * The results folder of one Playground run: metrics.json, history.csv, curves.svg (train and
 * test, the test split in the "validation" columns) and boundary.svg.
 * @module
 */
import type { DeviceInfo } from "../../kernels/device.ts";
import { writeResults } from "../../experiment/results.ts";
import { decisionBoundarySvg, gridPoints } from "./boundary_svg.ts";
import type { PlaygroundRun } from "./train.ts";

/** The Playground row of the course exercises, stored beside our numbers. */
export const PLAYGROUND_REPORTED = {
  claims: "circle and xor reach loss < 0.01 with 2 hidden neurons; gauss immediately; spiral " +
    "with x1,x2 only stays near 0.5 with a tiny net; the right features give spiral test loss " +
    "< 0.1 with one hidden layer of 3 neurons",
};

/** Choices the report leaves open, shared by every run. */
export const PLAYGROUND_CHOICES: Record<string, string> = {
  loss: "½(out − y)² with labels ±1, mean over points: the Playground's 'square' error, which " +
    "is the loss it displays (an output of 0 everywhere scores 0.5)",
  output: "one tanh neuron, as the Playground's classification output",
  optimizer: "plain SGD on the batch mean, lr 0.03 and batch 10 by default (the Playground's)",
  regularisation: "l1·Σ|w| + l2·½Σw² over weights only, not biases (the Playground's " +
    "derivatives sign(w) and w); added to the training loss, not to the reported losses",
  initialisation: "the Playground's: weights U(−0.5, 0.5), biases 0.1 (tensorflow/playground " +
    "src/nn.ts; --init glorot for the toolkit's Glorot-uniform weights and zero biases)",
  order: "the training points in one fixed order, shuffled once when the data is made, as the " +
    "Playground's oneStep (src/playground.ts); --shuffle reshuffles every epoch",
  data: "500 points (the Playground's), 50% train; the test split is the 'validation' column " +
    "of history.csv and curves.svg",
  lossReadout: "after every epoch, on all train and all test points, as the Playground's readout",
};

/** Grid of the boundary picture: the Playground's domain [−6, 6]², 60 cells a side. */
const EXTENT = 6, RESOLUTION = 60;

/** metrics.json contents of a run (also embedded in the claims table). */
export function runMetrics(
  run: PlaygroundRun,
  extra: { device: DeviceInfo; command: string; wallSeconds: number },
): Record<string, unknown> {
  const c = run.config;
  return {
    task: "playground",
    command: extra.command,
    device: extra.device,
    seed: c.seed,
    config: { ...c, params: run.params, choices: PLAYGROUND_CHOICES },
    data: { train: run.data.train.y.length, test: run.data.test.y.length },
    reported: PLAYGROUND_REPORTED,
    ours: {
      testLoss: run.test.loss,
      trainLoss: run.train.loss,
      testAcc: run.test.acc,
      trainAcc: run.train.acc,
      minTestLoss: Math.min(...run.history.map((h) => h.valLoss!)),
    },
    history: run.history,
    wallSeconds: extra.wallSeconds,
  };
}

/** The boundary picture of a trained run. */
export function runBoundarySvg(run: PlaygroundRun, title: string): string {
  return decisionBoundarySvg({
    title,
    extent: EXTENT,
    resolution: RESOLUTION,
    values: run.outputAt(gridPoints(EXTENT, RESOLUTION)),
    train: { points: run.data.train.points, labels: run.data.train.y },
    test: { points: run.data.test.points, labels: run.data.test.y },
  });
}

/** Writes a run's folder; returns its metrics. */
export async function writeRun(
  dir: string,
  run: PlaygroundRun,
  extra: { device: DeviceInfo; command: string; wallSeconds: number },
): Promise<Record<string, unknown>> {
  const c = run.config;
  const metrics = runMetrics(run, extra);
  const title = `${c.dataset}: [${c.features.join(", ")}] → ${
    c.layers.length ? c.layers.join("-") + " " + c.activation + " → " : ""
  }1 tanh; test loss ${run.test.loss.toFixed(4)}`;
  await writeResults(dir, {
    metrics,
    history: run.history,
    extraFiles: { "boundary.svg": runBoundarySvg(run, title) },
  });
  return metrics;
}
