/**
 * The settings of one Playground run and how they come from the command line. Defaults are the
 * TensorFlow Playground's own (learning rate 0.03, batch 10, tanh, noise 0, train ratio 50%).
 * @module
 */
import { type FeatureName, PLAYGROUND_FEATURES, type PlaygroundKind } from "../../datasets/toy.ts";
import type { DeviceName } from "../../kernels/device.ts";
import { type ExtraFlag, numberFlag, parseWithExtras } from "../extra_flags.ts";

/** Hidden activations the Playground offers. */
export type PlaygroundActivation = "linear" | "relu" | "tanh" | "sigmoid";

const KINDS: PlaygroundKind[] = ["circle", "xor", "gauss", "spiral"];
const ACTIVATIONS: PlaygroundActivation[] = ["linear", "relu", "tanh", "sigmoid"];

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
  /** Check every EXERCISES.md claim instead of one run. */
  claims: boolean;
  out?: string;
}

const EXTRA: Record<string, ExtraFlag> = {
  dataset: { type: "string", help: "circle | xor | gauss | spiral", default: "circle" },
  features: {
    type: "string",
    help: `comma-separated, any of ${PLAYGROUND_FEATURES.join(",")} (x1^2 may be written x1²)`,
    default: "x1,x2",
  },
  layers: { type: "string", help: 'hidden widths, e.g. 4,2; "" = no hidden layer', default: "4,2" },
  activation: { type: "string", help: "linear | relu | tanh | sigmoid", default: "tanh" },
  noise: { type: "string", help: "0 to 0.5 (the Playground's 0–50%)", default: "0" },
  "train-ratio": { type: "string", help: "fraction of points used for training", default: "0.5" },
  lr: { type: "string", help: "learning rate (plain SGD)", default: "0.03" },
  l1: { type: "string", help: "L1 rate on the weights", default: "0" },
  l2: { type: "string", help: "L2 rate on the weights", default: "0" },
  init: {
    type: "string",
    help: "playground (U(−0.5, 0.5) weights, biases 0.1) | glorot (Glorot-uniform, zero biases)",
    default: "playground",
  },
  shuffle: { type: "boolean", help: "reshuffle the training points every epoch" },
  claims: { type: "boolean", help: "check every EXERCISES.md claim (one combined table)" },
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
  return t.split(",").map((w) => numberFlag("layers", w, (n) => Number.isInteger(n) && n >= 1));
}

/** Parses the Playground's flags and the common task flags. */
export function parsePlaygroundArgs(args: string[]): PlaygroundCli {
  const { common, extra } = parseWithExtras(
    args,
    "playground",
    "TensorFlow-Playground-style 2-D classification: tanh output neuron, loss ½(out − y)² with " +
      "labels ±1 (the Playground's), plain SGD. --claims checks the EXERCISES.md claims.",
    EXTRA,
  );
  const s = (k: string) => extra[k] as string;
  const dataset = s("dataset") as PlaygroundKind;
  if (!KINDS.includes(dataset)) throw new Error(`--dataset: use ${KINDS.join(", ")}`);
  const activation = s("activation") as PlaygroundActivation;
  if (!ACTIVATIONS.includes(activation)) {
    throw new Error(`--activation: use ${ACTIVATIONS.join(", ")}`);
  }
  const init = s("init") as PlaygroundInit;
  if (init !== "playground" && init !== "glorot") throw new Error("--init: use playground, glorot");
  const quick = common.quick;
  const config: PlaygroundConfig = {
    dataset,
    features: parseFeatures(s("features")),
    layers: parseLayers(s("layers")),
    activation,
    noise: numberFlag("noise", s("noise"), (n) => n >= 0 && n <= 0.5),
    trainRatio: numberFlag("train-ratio", s("train-ratio"), (n) => n > 0 && n < 1),
    lr: numberFlag("lr", s("lr"), (n) => n > 0),
    l1: numberFlag("l1", s("l1"), (n) => n >= 0),
    l2: numberFlag("l2", s("l2"), (n) => n >= 0),
    batchSize: common.batchSize ?? PLAYGROUND_DEFAULTS.batchSize,
    epochs: common.epochs ?? (quick ? QUICK_EPOCHS : PLAYGROUND_DEFAULTS.epochs),
    seed: common.seed,
    points: PLAYGROUND_DEFAULTS.points,
    init,
    shuffle: (extra.shuffle as boolean | undefined) ?? false,
  };
  // --limit counts training samples (as in every task); the test split keeps the same ratio.
  if (common.limit !== undefined) {
    config.points = Math.max(2, Math.round(common.limit / config.trainRatio));
  }
  if (config.batchSize < 1) throw new Error("--batch-size must be ≥ 1");
  if (config.epochs < 1) throw new Error("--epochs must be ≥ 1");
  return { config, device: common.device, quick, claims: extra.claims as boolean, out: common.out };
}
