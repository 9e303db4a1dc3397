import type { Layer } from "./layer.ts";

/**
 * Symbolic tensors, as in TensorFlow.js: a placeholder with a shape (without the batch axis)
 * that layers record graph nodes on. `input({ shape })` makes one; `layer.apply(symbolic)`
 * returns the node's symbolic output; `new Model({ inputs, outputs })` runs the recorded graph.
 * @module
 */

let nextId = 0;

/**
 * A call option of a graph node (Keras' keyword arguments, `initialState`, `useCausalMask`,
 * `attentionMask`): a plain value, a symbolic tensor the node also reads, or a list of them.
 */
export type CallOption = boolean | number | string | SymbolicTensor | CallOption[];

/** The call options of a graph node by name; their symbolic tensors become node inputs too. */
export type CallOptions = Record<string, CallOption>;

/** The same options with each symbolic tensor replaced by its value in a run. */
export type ResolvedOptions = Record<string, unknown>;

/** One call of a layer in a graph: which layer, on which symbolic inputs. */
export interface LayerNode {
  /** Creation order: a model builds and runs its nodes in this order. */
  readonly id: number;
  /** The layer that was called. */
  readonly layer: Layer;
  /** The symbolic tensors it was applied to. */
  readonly inputs: SymbolicTensor[];
  /** True when the layer was applied to a list (merge layers). */
  readonly list: boolean;
  /** The first symbolic tensor the call produced (`outputs[0]`). */
  readonly output: SymbolicTensor;
  /** Every output, in order (several for a recurrent layer with `returnState`). */
  readonly outputs: SymbolicTensor[];
  /** The call options given to `apply` (empty: none). */
  readonly options: CallOptions;
}

/** A graph placeholder: a shape (batch axis excluded) and the node that produces it. */
export class SymbolicTensor {
  /** Unique, in creation order; graph nodes are keyed by it. */
  readonly id = nextId++;
  /** Made by `input()` and by `layer.apply(symbolic)`; `shape` leaves out the batch axis. */
  constructor(
    readonly shape: number[],
    /** The producing node; undefined for an `input()`. */
    readonly node?: LayerNode,
    /** The name of an input ("input_1"). */
    readonly name?: string,
    /** Which of its node's outputs this is (0 but for `returnState` states). */
    readonly outputIndex = 0,
  ) {}
  /**
   * A node's first output iterates over all its outputs (Keras' list of `returnState`), so
   * `const [seq, h, c] = lstm.apply(x)` works; any other symbolic tensor iterates over itself.
   */
  *[Symbol.iterator](): IterableIterator<SymbolicTensor> {
    if (this.node && this.outputIndex === 0) yield* this.node.outputs;
    else yield this;
  }

  /** The rank of a batch of this (the batch axis included), like `Tensor.rank`. */
  get rank(): number {
    return this.shape.length + 1;
  }
}

/** Options of {@link input}. */
export interface InputOptions {
  /** Shape of one sample (without the batch axis), e.g. `[28, 28, 1]`. */
  shape: number[];
  /** Name of the input (default "input_1", "input_2", …). */
  name?: string;
}

let inputCount = 0;

/**
 * A symbolic model input, as `tf.input` / `keras.Input`.
 * Example: `const inp = input({ shape: [28, 28, 1] });`
 */
export function input(opts: InputOptions): SymbolicTensor {
  if (!Array.isArray(opts?.shape) || opts.shape.some((d) => !(Number.isInteger(d) && d > 0))) {
    throw new Error(
      `input: shape must be a list of positive integers without the batch axis, got ${
        JSON.stringify(opts?.shape)
      }; e.g. input({ shape: [28, 28, 1] })`,
    );
  }
  return new SymbolicTensor([...opts.shape], undefined, opts.name ?? `input_${++inputCount}`);
}

/** True when `x` is symbolic, or a list holding a symbolic tensor. */
export function isSymbolic(x: unknown): boolean {
  return x instanceof SymbolicTensor ||
    (Array.isArray(x) && x.some((v) => v instanceof SymbolicTensor));
}

/** The symbolic tensors inside call options, in key order (a node reads them too). */
export function optionTensors(options: CallOptions): SymbolicTensor[] {
  const out: SymbolicTensor[] = [];
  const walk = (v: CallOption) => {
    if (v instanceof SymbolicTensor) out.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
  };
  Object.values(options).forEach(walk);
  return out;
}

/** Every symbolic tensor a node reads: its inputs, then those of its call options. */
export function nodeReads(n: LayerNode): SymbolicTensor[] {
  return [...n.inputs, ...optionTensors(n.options)];
}

/** `options` with each symbolic tensor replaced by `value(tensor)`. */
export function resolveOptions<T>(
  options: CallOptions,
  value: (t: SymbolicTensor) => T,
): ResolvedOptions {
  const map = (v: CallOption): unknown =>
    v instanceof SymbolicTensor ? value(v) : Array.isArray(v) ? v.map(map) : v;
  return Object.fromEntries(Object.entries(options).map(([k, v]) => [k, map(v)]));
}

/**
 * Records `layer` applied to `x` with call `options` and returns its first symbolic output,
 * which iterates over all of them (`layer.nodeOutputShapes` gives their shapes).
 */
export function recordNode(
  layer: Layer,
  x: SymbolicTensor | SymbolicTensor[],
  options: CallOptions = {},
): SymbolicTensor {
  const list = Array.isArray(x);
  const inputs = list ? x : [x];
  if (inputs.some((v) => !(v instanceof SymbolicTensor))) {
    throw new Error(`${layer.name}: a list input mixes tensors and symbolic inputs`);
  }
  if (list && !layer.takesList) {
    throw new Error(`${layer.name}: takes one input, got a list of ${inputs.length}`);
  }
  const known = layer.callOptionNames;
  // training and mask belong to a run, which the model supplies: a symbolic call ignores them.
  const given = Object.entries(options ?? {}).filter(([k, v]) =>
    v !== undefined && k !== "training" && k !== "mask"
  );
  for (const [k, v] of given) {
    if (!known.includes(k)) {
      throw new Error(
        `${layer.name}: apply() on symbolic inputs takes ${
          known.length ? `the call options ${known.join(", ")}` : "no call options"
        }, got "${k}"`,
      );
    }
    checkOption(layer.name, k, v);
  }
  const opts = Object.fromEntries(given) as CallOptions;
  const shapes = layer.nodeOutputShapes(list ? inputs.map((v) => v.shape) : inputs[0].shape, opts);
  const node: { -readonly [K in keyof LayerNode]: LayerNode[K] } = {
    id: nextId++,
    layer,
    inputs,
    list,
    output: undefined as unknown as SymbolicTensor,
    outputs: [],
    options: opts,
  };
  node.outputs = shapes.map((s, i) => new SymbolicTensor(s, node, undefined, i));
  node.output = node.outputs[0];
  return node.output;
}

/** Throws unless `v` is a boolean, number, string, symbolic tensor or list of them. */
function checkOption(layer: string, key: string, v: unknown): void {
  const ok = (x: unknown): boolean =>
    x instanceof SymbolicTensor || ["boolean", "number", "string"].includes(typeof x) ||
    (Array.isArray(x) && x.every(ok));
  if (!ok(v)) {
    throw new Error(
      `${layer}: call option ${key} of a symbolic call must be symbolic tensors (from input() ` +
        `or apply()) or plain values; got a ${(v as object)?.constructor?.name ?? typeof v}`,
    );
  }
}
