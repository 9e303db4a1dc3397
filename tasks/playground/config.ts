/**
 * The settings of one Playground run and how they come from the command line. Defaults are the
 * TensorFlow Playground's own (learning rate 0.03, batch 10, tanh, noise 0, train ratio 50%).
 * @module
 */
import { type FeatureName, PLAYGROUND_FEATURES, type PlaygroundKind } from "../../datasets/toy.ts";
import type { DeviceName } from "../../kernels/device.ts";
import {
  type FlagSchema,
  type FlagValues,
  nonNegativeNumber,
  numberIn,
  positiveNumber,
} from "../../experiment/flags.ts";
import { parseRunArgs, type RunSpec, type TaskFlags } from "../../experiment/run.ts";

/** Hidden activations the Playground offers. */
export type PlaygroundActivation = "linear" | "relu" | "tanh" | "sigmoid";

const KINDS: readonly PlaygroundKind[] = ["circle", "xor", "gauss", "spiral"];
const ACTIVATIONS: readonly PlaygroundActivation[] = ["linear", "relu", "tanh", "sigmoid"];

/** Everything one Playground run needs. */
export interface PlaygroundConfig {
  dataset: PlaygroundKind;
  features: FeatureName[];
  /** Hidden layer widths; empty = the features feed the output neuron directly. */
  layers: number[];
  activation: PlaygroundActivation;
  /** The Playground's noise slider / 100, in [0, 0.5]. */
  noise: number;
  trainRatio: number;
  lr: number;
  l1: number;
  l2: number;
  batchSize: number;
  epochs: number;
  seed: number;
  /** Number of points generated (train + test); the Playground's 500, or `--limit / ratio`. */
  points: number;
  /**
   * "playground": weights U(−0.5, 0.5), biases 0.1 (tensorflow/playground src/nn.ts);
   * "glorot": the toolkit's dense layer (Glorot-uniform weights, zero biases).
   */
  init: PlaygroundInit;
  /**
   * Reshuffle the training points every epoch (false: the Playground's fixed order, shuffled
   * once when the data is made, src/playground.ts oneStep).
   */
  shuffle: boolean;
}

/** How the weights start: the Playground's own rule, or the toolkit's dense-layer default. */
export type PlaygroundInit = "playground" | "glorot";

/** The Playground's defaults (its own network, 4 and 2 tanh neurons on x1, x2). */
export const PLAYGROUND_DEFAULTS: PlaygroundConfig = {
  dataset: "circle",
  features: ["x1", "x2"],
  layers: [4, 2],
  activation: "tanh",
  noise: 0,
  trainRatio: 0.5,
  lr: 0.03,
  l1: 0,
  l2: 0,
  batchSize: 10,
  epochs: 200,
  seed: 1,
  points: 500,
  init: "playground",
  shuffle: false,
};

/** Quick (CI) runs: fewer epochs. */
export const QUICK_EPOCHS = 60;

/** Parsed command line: the run's settings, and what to do with them. */
export interface PlaygroundCli {
  config: PlaygroundConfig;
  device: DeviceName;
  quick: boolean;
  /** Check every course-exercise claim instead of one run. */
  claims: boolean;
  out?: string;
}

/** The Playground's own flags, beside the common ones. */
export const PLAYGROUND_FLAGS = {
  dataset: { type: "string", help: "the data set", default: "circle", choices: KINDS },
  features: {
    type: "string",
    help: `comma-separated, any of ${PLAYGROUND_FEATURES.join(",")} (x1^2 may be written x1²)`,
    default: "x1,x2",
  },
  layers: { type: "string", help: 'hidden widths, e.g. 4,2; "" = no hidden layer', default: "4,2" },
  activation: { type: "string", help: "hidden activation", default: "tanh", choices: ACTIVATIONS },
  noise: numberIn("the Playground's 0–50% noise", 0, [0, 0.5]),
  "train-ratio": numberIn("fraction of points used for training", 0.5, [0, 1], true),
  lr: positiveNumber("learning rate (plain SGD)", 0.03),
  l1: nonNegativeNumber("L1 rate on the weights", 0),
  l2: nonNegativeNumber("L2 rate on the weights", 0),
  init: {
    type: "string",
    help: "playground (U(−0.5, 0.5) weights, biases 0.1) or glorot (Glorot-uniform, zero biases)",
    default: "playground",
    choices: ["playground", "glorot"],
  },
  shuffle: { type: "boolean", help: "reshuffle the training points every epoch" },
  claims: { type: "boolean", help: "check every course-exercise claim (one combined table)" },
} as const satisfies FlagSchema;

/** How the Playground describes itself to startRun and --help. */
export const PLAYGROUND_SPEC: RunSpec<typeof PLAYGROUND_FLAGS> = {
  task: "playground",
  description:
    "TensorFlow-Playground-style 2-D classification: tanh output neuron, loss ½(out − y)² with " +
    "labels ±1 (the Playground's), plain SGD. --claims checks the course exercise's claims.",
  quick: `${QUICK_EPOCHS} epochs instead of ${PLAYGROUND_DEFAULTS.epochs}; with --claims, one ` +
    "seed instead of five",
  flags: PLAYGROUND_FLAGS,
  shownDefaults: {
    epochs: String(PLAYGROUND_DEFAULTS.epochs),
    "batch-size": String(PLAYGROUND_DEFAULTS.batchSize),
    limit: `${PLAYGROUND_DEFAULTS.points * PLAYGROUND_DEFAULTS.trainRatio} training points`,
  },
};

/** "x1²" and "x1*x2" are accepted for the Playground's "x1^2" and "x1x2". */
export function parseFeatures(s: string): FeatureName[] {
  const names = s.split(",").map((f) =>
    f.trim().replace("²", "^2").replace("*", "").replace("·", "").replace(/^sin(?=x)/, "sin ")
  ).filter((f) => f !== "");
  if (names.length === 0) throw new Error("--features: give at least one feature");
  for (const f of names) {
    if (!(PLAYGROUND_FEATURES as readonly string[]).includes(f)) {
      throw new Error(`--features: unknown "${f}"; use ${PLAYGROUND_FEATURES.join(", ")}`);
    }
  }
  if (new Set(names).size !== names.length) throw new Error("--features: a feature is repeated");
  return names as FeatureName[];
}

/** "4,2" → [4, 2]; "" or "none" → []. */
export function parseLayers(s: string): number[] {
  const t = s.trim();
  if (t === "" || t === "none") return [];
  return t.split(",").map((w) => {
    const n = Number(w);
    if (w.trim() === "" || !Number.isInteger(n) || n < 1) {
      throw new Error(`--layers: widths must be integers ≥ 1, got "${w}"`);
    }
    return n;
  });
}

/** The run's settings from the parsed common flags and the Playground's own. */
export function playgroundCli(
  common: TaskFlags,
  own: FlagValues<typeof PLAYGROUND_FLAGS>,
): PlaygroundCli {
  const quick = common.quick;
  const config: PlaygroundConfig = {
    dataset: own.dataset as PlaygroundKind,
    features: parseFeatures(own.features),
    layers: parseLayers(own.layers),
    activation: own.activation as PlaygroundActivation,
    noise: own.noise,
    trainRatio: own["train-ratio"],
    lr: own.lr,
    l1: own.l1,
    l2: own.l2,
    batchSize: common.batchSize ?? PLAYGROUND_DEFAULTS.batchSize,
    epochs: common.epochs ?? (quick ? QUICK_EPOCHS : PLAYGROUND_DEFAULTS.epochs),
    seed: common.seed,
    points: PLAYGROUND_DEFAULTS.points,
    init: own.init as PlaygroundInit,
    shuffle: own.shuffle,
  };
  // --limit counts training samples (as in every task); the test split keeps the same ratio.
  if (common.limit !== undefined) {
    config.points = Math.max(2, Math.round(common.limit / config.trainRatio));
  }
  return { config, device: common.device, quick, claims: own.claims, out: common.out };
}

/** Parses the Playground's flags and the common task flags (no device, no folder: tests). */
export function parsePlaygroundArgs(args: string[]): PlaygroundCli {
  const { flags, own } = parseRunArgs(PLAYGROUND_SPEC, args);
  return playgroundCli(flags, own);
}
