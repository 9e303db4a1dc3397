/**
 * Model files: a folder with `model.json` (the architecture as data, Keras-like) and
 * `model.safetensors` (the weights by name), so a model reloads without the code that built it.
 *
 * model.json is a graph, so functional models fit the same form:
 * `{ format, formatVersion, toolkitVersion, className, saveId, config: { seed, inputs: [{ name,
 * shape }], layers: [{ name, className, config }], nodes: [{ layer, inbound: [names] }],
 * outputs: [names] }, weights: [{ name, dtype, shape, trainable }] }`. A node's output is named
 * after its layer; a Sequential's nodes form a chain from its one input.
 *
 * Saving never leaves a mix of two saves: both files carry the same `saveId`; model.json is
 * written first as `model.json.pending`, then the weights, then the pending file is renamed.
 * A save killed before the rename leaves the old pair loadable, or (killed after the weights
 * landed) the pending description, which {@link loadModel} then uses.
 * @module
 */
import { join } from "node:path";
import denoJson from "../deno.json" with { type: "json" };
import type { DType } from "../kernels/dtype.ts";
import type { Layer } from "../layers/module.ts";
import { Sequential } from "../layers/sequential.ts";
import { type LayerConfig, layerFromConfig, layerToConfig } from "../layers/serialization.ts";
import { writeFileAtomic } from "../train/atomic_write.ts";
import { readSafetensors } from "./safetensors.ts";
import { assignWeights, matchWeights, saveWeights } from "./weights.ts";

/** The toolkit version written into model files (deno.json's `version`). */
export const TOOLKIT_VERSION: string = denoJson.version;

/** The value of `format` in model.json. */
export const MODEL_FORMAT = "course-dl-toolkit/model";
/** The model.json layout version this code writes and the newest it reads. */
export const MODEL_FORMAT_VERSION = 1;

/** One layer call in the graph. */
export interface ModelNode {
  /** The layer's name (a key of `config.layers`). */
  layer: string;
  /** Names of the node's inputs: model inputs or earlier layers' outputs. */
  inbound: string[];
}

/** The parsed model.json. */
export interface ModelJson {
  format: string;
  formatVersion: number;
  toolkitVersion: string;
  className: string;
  /** Shared with model.safetensors' metadata: tells whether both files come from one save. */
  saveId: string;
  config: {
    seed: number;
    inputs: { name: string; shape: number[] }[];
    layers: ({ name: string } & LayerConfig)[];
    nodes: ModelNode[];
    outputs: string[];
  };
  weights: { name: string; dtype: DType; shape: number[]; trainable: boolean }[];
}

/** The architecture of a Sequential as model.json's object (without reading any weight). */
export function modelToJson(model: Sequential, saveId: string = crypto.randomUUID()): ModelJson {
  model.build();
  const input = "input_1";
  const layers = model.layers.map((l: Layer) => ({ name: l.name, ...layerToConfig(l) }));
  return {
    format: MODEL_FORMAT,
    formatVersion: MODEL_FORMAT_VERSION,
    toolkitVersion: TOOLKIT_VERSION,
    className: "Sequential",
    saveId,
    config: {
      seed: model.seed,
      inputs: [{ name: input, shape: [...model.inputShape!] }],
      layers,
      nodes: layers.map((l, i) => ({ layer: l.name, inbound: [i ? layers[i - 1].name : input] })),
      outputs: [layers[layers.length - 1].name],
    },
    weights: model.weights().map((w) => ({
      name: w.name,
      dtype: w.tensor.dtype,
      shape: [...w.tensor.shape],
      trainable: w.trainable,
    })),
  };
}

/**
 * Saves `model` into folder `dir` (created if needed) as model.json + model.safetensors.
 * Example: `await saveModel(model, "runs/mnist-cnn/model");`
 */
export async function saveModel(model: Sequential, dir: string): Promise<void> {
  const json = modelToJson(model);
  const pending = join(dir, "model.json.pending");
  await writeFileAtomic(pending, JSON.stringify(json, null, 2) + "\n");
  await saveWeights(model.weights(), join(dir, "model.safetensors"), {
    format: MODEL_FORMAT,
    saveId: json.saveId,
    toolkitVersion: TOOLKIT_VERSION,
  });
  await Deno.rename(pending, join(dir, "model.json"));
}

async function readJson(path: string): Promise<ModelJson | undefined> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw e;
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`loadModel: ${path} is not JSON (${(e as Error).message})`);
  }
}

/**
 * Rebuilds a model saved by {@link saveModel} (or `model.save(dir)`) from its folder, without
 * the code that defined it: same layers, names and weights, so it predicts bit-identically.
 * Example: `const model = await loadModel("runs/mnist-cnn/model");`
 */
export async function loadModel(dir: string): Promise<Sequential> {
  const weightsPath = join(dir, "model.safetensors");
  const file = await readSafetensors(weightsPath).catch((e) => {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
    throw new Error(
      `loadModel: ${dir}: no model.safetensors (is this a folder written by saveModel?)`,
    );
  });
  const saveId = file.metadata.saveId;
  const committed = await readJson(join(dir, "model.json"));
  const pending = await readJson(join(dir, "model.json.pending"));
  const json = [committed, pending].find((j) => j && j.saveId === saveId);
  if (!json) {
    throw new Error(
      committed
        ? `loadModel: ${dir}: model.json (save ${committed.saveId}) and model.safetensors ` +
          `(save ${saveId}) come from different saves; save the model again`
        : `loadModel: ${dir}: no model.json (is this a folder written by saveModel?)`,
    );
  }
  const model = modelFromJson(json, dir);
  try {
    assignWeights(model.weights(), matchWeights(model.weights(), file, weightsPath));
  } catch (e) {
    model.dispose();
    throw e;
  }
  return model;
}

/** A built model with fresh weights from a parsed model.json; `source` names it in errors. */
export function modelFromJson(json: ModelJson, source = "model.json"): Sequential {
  const fail = (why: string): never => {
    throw new Error(`loadModel: ${source}: ${why}`);
  };
  if (json?.format !== MODEL_FORMAT) fail(`not a model file (format is ${json?.format})`);
  if (!(json.formatVersion <= MODEL_FORMAT_VERSION)) {
    fail(
      `formatVersion ${json.formatVersion} is newer than this toolkit reads ` +
        `(${MODEL_FORMAT_VERSION}; toolkit ${TOOLKIT_VERSION}, file from ${json.toolkitVersion})`,
    );
  }
  if (json.className !== "Sequential") {
    fail(`className "${json.className}" cannot be loaded by this version (only Sequential)`);
  }
  const c = json.config;
  const { inputs, nodes, layers, outputs } = c ?? {};
  if (!Array.isArray(inputs) || inputs.length !== 1 || !Array.isArray(layers)) {
    fail("a Sequential needs one input and a list of layers");
  }
  const chain = layers.every((l, i) =>
    nodes?.[i]?.layer === l.name &&
    nodes[i].inbound?.length === 1 &&
    nodes[i].inbound[0] === (i ? layers[i - 1].name : inputs[0].name)
  );
  if (!chain || nodes.length !== layers.length || outputs?.[0] !== layers.at(-1)?.name) {
    fail("the nodes of a Sequential must form a chain from its input to its last layer");
  }
  const built = layers.map((l) => layerFromConfig(l));
  const model = new Sequential(built, { seed: c.seed, inputShape: inputs[0].shape });
  // Names as saved (weights are stored by them), set before build names the variables.
  built.forEach((l, i) => l.name = layers[i].name);
  model.build(inputs[0].shape);
  return model;
}
