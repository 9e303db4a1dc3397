/**
 * Model files: a folder with `model.json` (the architecture as data, Keras-like) and
 * `model.safetensors` (the weights by name), so a model reloads without the code that built it.
 *
 * model.json is a graph (model_graph.ts), for Sequential and functional models alike:
 * `{ format, formatVersion, toolkitVersion, className, saveId, config: { name, seed, inputs:
 * [{ name, shape }], layers: [{ name, className, config }], nodes: [{ layer, inbound: [names] }],
 * outputs: [names] }, weights: [{ name, dtype, shape, trainable }] }`. A node's output is named
 * after its layer (`name[k]` for the k-th call of a shared layer); a Sequential's nodes form a
 * chain from its one input; a nested model's layer entry holds its own architecture. A Module
 * is code: it saves and loads its weights alone (`module.saveWeights`, `module.loadWeights`).
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
import type { Layer } from "../layers/layer.ts";
import type { Model } from "../layers/model.ts";
import {
  type ArchitectureConfig,
  architectureOf,
  modelClassName,
  modelFromArchitecture,
} from "./model_graph.ts";
import { writeFileAtomic } from "../train/atomic_write.ts";
import { readSafetensors } from "./safetensors.ts";
import { assignWeights, matchWeights, saveWeights } from "./weights.ts";

export type { ArchitectureConfig, LayerEntry, ModelNode } from "./model_graph.ts";

/** The toolkit version written into model files (deno.json's `version`). */
export const TOOLKIT_VERSION: string = denoJson.version;

/** The value of `format` in model.json. */
export const MODEL_FORMAT = "course-dl-toolkit/model";
/** The model.json layout version this code writes and the newest it reads. */
export const MODEL_FORMAT_VERSION = 1;

/** The parsed model.json. */
export interface ModelJson {
  /** Always {@link MODEL_FORMAT}. */
  format: string;
  /** The layout version ({@link MODEL_FORMAT_VERSION} when written by this toolkit). */
  formatVersion: number;
  /** The toolkit version that wrote the file. */
  toolkitVersion: string;
  /** "Sequential" or "Model" (a functional graph). */
  className: string;
  /** Shared with model.safetensors' metadata: tells whether both files come from one save. */
  saveId: string;
  /** The architecture: inputs, layers, nodes, outputs. */
  config: ArchitectureConfig;
  /** What model.safetensors holds, in the model's order. */
  weights: { name: string; dtype: DType; shape: number[]; trainable: boolean }[];
}

/**
 * The architecture of a Sequential or functional Model as model.json's object (without reading
 * any weight). A Module, which is code, gets an error saying to use saveWeights.
 */
export function modelToJson(model: Layer, saveId: string = crypto.randomUUID()): ModelJson {
  const className = modelClassName(model);
  const m = model as Model;
  const config = architectureOf(m);
  return {
    format: MODEL_FORMAT,
    formatVersion: MODEL_FORMAT_VERSION,
    toolkitVersion: TOOLKIT_VERSION,
    className,
    saveId,
    config,
    weights: m.weights().map((w) => ({
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
export async function saveModel(model: Layer, dir: string): Promise<void> {
  const json = modelToJson(model);
  const pending = join(dir, "model.json.pending");
  await writeFileAtomic(pending, JSON.stringify(json, null, 2) + "\n");
  await saveWeights((model as Model).weights(), join(dir, "model.safetensors"), {
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
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(
      `loadModel: ${path} is truncated or corrupt: not JSON (${(e as Error).message}); ` +
        "save the model again",
    );
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new Error(
      `loadModel: ${path} is corrupt: it holds ${JSON.stringify(json)?.slice(0, 40)}, not a ` +
        "model description; save the model again",
    );
  }
  return json as ModelJson;
}

/**
 * Rebuilds a model saved by {@link saveModel} (or `model.save(dir)`) from its folder, without
 * the code that defined it: same layers, names and weights, so it predicts bit-identically.
 * Example: `const model = await loadModel("runs/mnist-cnn/model");`
 */
export async function loadModel(dir: string): Promise<Model> {
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
export function modelFromJson(json: ModelJson, source = "model.json"): Model {
  const fail = (why: string): never => {
    throw new Error(`loadModel: ${source}: ${why}`);
  };
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    fail(`model.json holds ${JSON.stringify(json)}, not a model description`);
  }
  if (json.format !== MODEL_FORMAT) fail(`not a model file (format is ${json.format})`);
  if (!(json.formatVersion <= MODEL_FORMAT_VERSION)) {
    fail(
      `formatVersion ${json.formatVersion} is newer than this toolkit reads ` +
        `(${MODEL_FORMAT_VERSION}; toolkit ${TOOLKIT_VERSION}, file from ${json.toolkitVersion})`,
    );
  }
  if (json.className !== "Sequential" && json.className !== "Model") {
    fail(
      `className "${json.className}" cannot be loaded (Sequential and Model can; a Module's ` +
        "weights load into an instance with module.loadWeights)",
    );
  }
  const model = modelFromArchitecture(json.className, json.config, fail);
  try {
    model.build();
  } catch (e) {
    model.dispose();
    fail((e as Error).message);
  }
  return model;
}
