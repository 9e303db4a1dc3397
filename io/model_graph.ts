/**
 * A model's architecture as data and back: a Sequential's chain or a functional Model's graph
 * (inputs, `{ name, className, config }` layers, nodes with their inbound names, outputs), with
 * models nested as layers holding their own architecture. What model.json's `config` holds.
 * @module
 */
import type { Layer } from "../layers/layer.ts";
import { Model } from "../layers/model.ts";
import { Module } from "../layers/module.ts";
import { Sequential } from "../layers/sequential.ts";
import { type LayerConfig, layerFromConfig, layerToConfig } from "../layers/serialization.ts";
import {
  type CallOption,
  type CallOptions,
  input,
  type SymbolicTensor,
} from "../layers/symbolic.ts";

/** One layer call in the graph. */
export interface ModelNode {
  /** The layer's name (a key of `config.layers`). */
  layer: string;
  /**
   * Names of the node's inputs: model inputs or earlier nodes' outputs. A node's output is
   * named after its layer, `name[k]` for the k-th call (k ≥ 1) of a shared layer.
   */
  inbound: string[];
  /** True when the layer took a list (a merge); absent means "a list when inbound has several". */
  list?: boolean;
  /**
   * The call's options (`initialState`, `useCausalMask`, `attentionMask`), each tensor in them
   * as `{ ref: name }`. A node with several outputs (returnState) names output k ≥ 1 `name:k`.
   */
  options?: Record<string, unknown>;
}

/** A layer entry of an architecture: a registered layer, or a nested model's architecture. */
export type LayerEntry = { name: string } & LayerConfig;

/** The architecture of a Sequential or functional Model (model.json's `config`). */
export interface ArchitectureConfig {
  /** The model's name (functional models; a nested model is named by its layer entry). */
  name?: string;
  /** The seed the model was made with (a fresh load draws its initial weights from it). */
  seed: number;
  /** The model's inputs: names and shapes without the batch axis. */
  inputs: { name: string; shape: number[] }[];
  /** Each layer once, by name. */
  layers: LayerEntry[];
  /** The layer calls in order. */
  nodes: ModelNode[];
  /** The name of the output (one; `name:k` for a node's output k ≥ 1). */
  outputs: string[];
}

/** "Sequential" or "Model": the classNames of architectures. */
export type ModelClassName = "Sequential" | "Model";

/** The className a model is saved under; a Module (or a lone layer) gets a clear error. */
export function modelClassName(model: Layer, where = "saveModel"): ModelClassName {
  if (model instanceof Sequential) return "Sequential";
  if (model instanceof Model) return "Model";
  if (model instanceof Module) throw moduleError(where, model);
  throw new Error(
    `${where}: ${model.name} (${model.constructor.name}) is a layer, not a model; wrap it in ` +
      `a Sequential or a functional Model to save it, or save its weights with saveWeights`,
  );
}

function moduleError(where: string, m: Layer, inside?: string): Error {
  const cls = m.constructor.name;
  const who = inside ? "model" : "module";
  return new Error(
    `${where}: ${inside ? `layer "${m.name}" of ${inside} is` : `${m.name} is`} a Module ` +
      `(class ${cls}): its forward() is code, which a model file cannot hold. Save its weights ` +
      `with await ${who}.saveWeights("weights.safetensors") and load them into a new instance ` +
      `made by your code with await ${who}.loadWeights("weights.safetensors") (PyTorch's ` +
      "state_dict pattern), or write it as a functional Model to save it whole",
  );
}

/** The architecture of a built Sequential or functional Model. */
export function architectureOf(model: Model, where = "saveModel"): ArchitectureConfig {
  model.build();
  const entry = (l: Layer): LayerEntry => {
    if (l instanceof Module) throw moduleError(where, l, `model "${model.name}"`);
    if (l instanceof Model) {
      return {
        name: l.name,
        className: modelClassName(l),
        config: { ...architectureOf(l, where) },
      };
    }
    return { name: l.name, ...layerToConfig(l) };
  };
  const layers = model.layers.map(entry);
  const names = new Set<string>();
  for (const l of layers) {
    if (names.has(l.name)) {
      throw new Error(
        `${where}: two layers of ${model.name} are named "${l.name}"; give them different names`,
      );
    }
    names.add(l.name);
  }
  if (model instanceof Sequential) {
    const inp = "input_1";
    return {
      seed: model.seed,
      inputs: [{ name: inp, shape: [...model.inputShape!] }],
      layers,
      nodes: layers.map((l, i) => ({ layer: l.name, inbound: [i ? layers[i - 1].name : inp] })),
      outputs: [layers[layers.length - 1].name],
    };
  }
  const nodes = model.graphNodes();
  const out = model.outputs[0];
  const owner = nodes.find((n) => n.outputs.includes(out));
  const outName = owner
    ? (out.outputIndex ? `${owner.name}:${out.outputIndex}` : owner.name)
    : out.name!;
  return {
    name: model.name,
    seed: model.seed,
    inputs: model.inputs.map((i) => ({ name: i.name!, shape: [...i.shape] })),
    layers,
    nodes: nodes.map((n) => ({
      layer: n.layer.name,
      inbound: n.inbound,
      ...(n.list && n.inbound.length === 1 ? { list: true } : {}),
      ...(Object.keys(n.options).length ? { options: n.options } : {}),
    })),
    outputs: [outName],
  };
}

/**
 * A new, unbuilt model from an architecture; `fail` throws with the file's name. Layers get
 * their saved names, so their weights are named as in the file.
 */
export function modelFromArchitecture(
  className: string,
  c: ArchitectureConfig,
  fail: (why: string) => never,
): Model {
  if (className !== "Sequential" && className !== "Model") {
    fail(`className "${className}" is not a model (Sequential or Model)`);
  }
  if (typeof c !== "object" || c === null) fail(`${className} has no config object`);
  const { inputs, nodes, layers, outputs } = c;
  if (!Array.isArray(inputs) || !inputs.length || !Array.isArray(layers) || !layers.length) {
    fail(`${className} needs a list of inputs and a list of layers`);
  }
  if (!Array.isArray(nodes) || !Array.isArray(outputs) || outputs.length !== 1) {
    fail(`${className} needs a list of nodes and one output`);
  }
  const made = new Map<string, Layer>();
  for (const [i, l] of layers.entries()) {
    if (typeof l?.name !== "string" || !l.name) fail(`layer ${i} has no name`);
    if (made.has(l.name)) fail(`two layers are named "${l.name}"`);
    const layer = l.className === "Sequential" || l.className === "Model"
      ? modelFromArchitecture(l.className, l.config as unknown as ArchitectureConfig, fail)
      : layerFromConfig(l);
    layer.name = l.name;
    made.set(l.name, layer);
  }
  if (className === "Sequential") return sequentialFrom(c, made, fail);
  const values = new Map<string, SymbolicTensor>();
  const ins = inputs.map((s, i) => {
    if (typeof s?.name !== "string") fail(`input ${i} has no name`);
    try {
      const t = input({ shape: s.shape, name: s.name });
      values.set(s.name, t);
      return t;
    } catch (e) {
      return fail(`input ${s.name}: ${(e as Error).message}`);
    }
  });
  const calls = new Map<Layer, number>();
  for (const [i, n] of nodes.entries()) {
    const layer = made.get(n?.layer);
    if (!layer) fail(`node ${i} calls layer "${n?.layer}", which is not in the layer list`);
    if (!Array.isArray(n.inbound) || !n.inbound.length) {
      fail(`node ${i} (${n.layer}) reads nothing`);
    }
    const xs = n.inbound.map((name) =>
      values.get(name) ??
        fail(
          `node ${i} (${n.layer}) reads "${name}", which is neither an input nor an earlier node`,
        )
    );
    const k = calls.get(layer) ?? 0;
    calls.set(layer, k + 1);
    const list = n.list ?? xs.length > 1;
    const options = nodeOptions(n.options, values, (why) => fail(`node ${i} (${n.layer}): ${why}`));
    try {
      const label = k ? `${layer.name}[${k}]` : layer.name;
      const y = layer.apply(list ? xs : xs[0], options);
      [...y].forEach((o, j) => values.set(j ? `${label}:${j}` : label, o));
    } catch (e) {
      fail(`node ${i} (${n.layer}): ${(e as Error).message}`);
    }
  }
  const unused = [...made.values()].filter((l) => !calls.has(l)).map((l) => l.name);
  if (unused.length) fail(`layers ${unused.join(", ")} are never called by a node`);
  const out = values.get(outputs[0]) ?? fail(`output "${outputs[0]}" is not a node's output`);
  return new Model({
    inputs: ins,
    outputs: out,
    seed: c.seed,
    ...(c.name ? { name: c.name } : {}),
  });
}

/** A node's saved call options with each `{ ref: name }` replaced by that symbolic tensor. */
function nodeOptions(
  saved: unknown,
  values: Map<string, SymbolicTensor>,
  fail: (why: string) => never,
): CallOptions {
  if (saved === undefined) return {};
  if (typeof saved !== "object" || saved === null || Array.isArray(saved)) {
    fail(`options must be an object, got ${JSON.stringify(saved)}`);
  }
  const map = (v: unknown): CallOption => {
    if (Array.isArray(v)) return v.map(map);
    if (typeof v === "object" && v !== null && typeof (v as { ref?: unknown }).ref === "string") {
      const ref = (v as { ref: string }).ref;
      return values.get(ref) ??
        fail(`an option reads "${ref}", which is neither an input nor an earlier node's output`);
    }
    if (["boolean", "number", "string"].includes(typeof v)) return v as CallOption;
    return fail(`an option value ${JSON.stringify(v)} is not a plain value or { ref: name }`);
  };
  return Object.fromEntries(Object.entries(saved).map(([k, v]) => [k, map(v)]));
}

function sequentialFrom(
  c: ArchitectureConfig,
  made: Map<string, Layer>,
  fail: (why: string) => never,
): Sequential {
  const { inputs, nodes, layers, outputs } = c;
  if (inputs.length !== 1) fail("a Sequential has one input");
  const chain = nodes.length === layers.length &&
    layers.every((l, i) =>
      nodes[i]?.layer === l.name &&
      nodes[i].inbound?.length === 1 &&
      nodes[i].inbound[0] === (i ? layers[i - 1].name : inputs[0].name)
    );
  if (!chain || outputs[0] !== layers.at(-1)?.name) {
    fail("the nodes of a Sequential must form a chain from its input to its last layer");
  }
  return new Sequential(layers.map((l) => made.get(l.name)!), {
    seed: c.seed,
    inputShape: inputs[0].shape,
  });
}
