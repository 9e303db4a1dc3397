import type { Layer } from "./layer.ts";

/**
 * Symbolic tensors, as in TensorFlow.js: a placeholder with a shape (without the batch axis)
 * that layers record graph nodes on. `input({ shape })` makes one; `layer.apply(symbolic)`
 * returns the node's symbolic output; `new Model({ inputs, outputs })` runs the recorded graph.
 * @module
 */

let nextId = 0;

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
  /** The symbolic tensor the call produced. */
  readonly output: SymbolicTensor;
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
  ) {}
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

/** Records `layer` applied to `x` and returns its symbolic output (shape from `outputShape`). */
export function recordNode(layer: Layer, x: SymbolicTensor | SymbolicTensor[]): SymbolicTensor {
  const list = Array.isArray(x);
  const inputs = list ? x : [x];
  if (inputs.some((v) => !(v instanceof SymbolicTensor))) {
    throw new Error(`${layer.name}: a list input mixes tensors and symbolic inputs`);
  }
  if (list && !layer.takesList) {
    throw new Error(`${layer.name}: takes one input, got a list of ${inputs.length}`);
  }
  const shape = layer.outputShape(list ? inputs.map((v) => v.shape) : inputs[0].shape);
  if (shape.length && Array.isArray(shape[0])) {
    throw new Error(`${layer.name}: layers with several outputs are not supported`);
  }
  const node: { -readonly [K in keyof LayerNode]: LayerNode[K] } = {
    id: nextId++,
    layer,
    inputs,
    list,
    output: undefined as unknown as SymbolicTensor,
  };
  node.output = new SymbolicTensor(shape as number[], node);
  return node.output;
}
