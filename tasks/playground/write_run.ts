/**
 * The results folder of one Playground run: metrics.json, history.csv, curves.svg (train and
 * test, the test split in the "validation" columns) and boundary.svg.
 * @module
 */
import type { RunBody, RunHeader } from "../../experiment/record.ts";
import type { StartedRun } from "../../experiment/run.ts";
import { decisionBoundarySvg, gridPoints } from "../../experiment/svg_boundary.ts";
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

/** Writes a Playground run's folder (`dir`, default the results folder); returns its metrics. */
export async function writeRun(
  pg: PlaygroundRun,
  run: StartedRun,
  o: { dir?: string; wallSeconds?: number } = {},
): Promise<RunHeader & RunBody & { wallSeconds: number }> {
  const c = pg.config;
  const metrics = run.record({
    config: { ...c, params: pg.params, choices: PLAYGROUND_CHOICES },
    data: { train: pg.data.train.y.length, test: pg.data.test.y.length },
    reported: PLAYGROUND_REPORTED,
    ours: {
      testLoss: pg.test.loss,
      trainLoss: pg.train.loss,
      testAcc: pg.test.acc,
      trainAcc: pg.train.acc,
      minTestLoss: Math.min(...pg.history.map((h) => h.valLoss!)),
    },
    history: pg.history,
    ...(o.wallSeconds === undefined ? {} : { wallSeconds: o.wallSeconds }),
  });
  const title = `${c.dataset}: [${c.features.join(", ")}] → ${
    c.layers.length ? c.layers.join("-") + " " + c.activation + " → " : ""
  }1 tanh; test loss ${pg.test.loss.toFixed(4)}`;
  await run.write(metrics, {
    dir: o.dir,
    history: pg.history,
    files: { "boundary.svg": runBoundarySvg(pg, title) },
  });
  return metrics;
}
