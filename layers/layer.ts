import { inLayer } from "../kernels/check_numerics.ts";
import { Rng } from "../kernels/random.ts";
import { fmtShape } from "../kernels/shape.ts";
import { Tensor, variable } from "../kernels/tensor.ts";
import { initialize, type InitializerName } from "./initializers.ts";
import {
  type CallOptions,
  isSymbolic,
  recordNode,
  type ResolvedOptions,
  type SymbolicTensor,
} from "./symbolic.ts";
import type { Mask } from "./mask.ts";
import { type MimeBundle, modelBundle } from "../notebook/display.ts";

/** Per-call context: training mode switches dropout and batch-norm behaviour. */
export interface CallContext {
  /** True while training: dropout drops and batch normalisation uses batch statistics. */
  training: boolean;
  /**
   * The input's mask (layers/mask.ts: [batch, time], 0 at skipped steps; a list for a list
   * input), for layers whose `supportsMasking` is true. Models pass it on by themselves.
   */
  mask?: Mask;
}

/** A layer's output with the mask that goes with it (`Layer.applyWithMask`). */
export interface MaskedOutput {
  /** What `apply` returns. */
  output: Tensor;
  /** The output's mask (`computeMask`), undefined when it has none. */
  mask?: Tensor;
}

/** What a graph node's run gives: every output of the layer call and each one's mask. */
export interface NodeOutputs {
  /** The outputs, in the order of the node's symbolic outputs. */
  outputs: Tensor[];
  /** The mask of each output (undefined: none). */
  masks: (Tensor | undefined)[];
}

/** A named tensor a layer owns: a trainable parameter or non-trainable state (BN statistics). */
export interface NamedTensor {
  /** Path name of the tensor in its model ("dense_1/kernel", "block.conv.kernel"). */
  name: string;
  /** The tensor itself. */
  tensor: Tensor;
  /** False for state that the optimiser must not update (batch-norm running statistics). */
  trainable: boolean;
}

/** An input shape without the batch axis: one shape, or one per input of a layer with several. */
export type Shape = number[] | number[][];

/** What `apply` takes: a tensor, a symbolic input, or a list of either (merge layers). */
export type LayerInput = Tensor | SymbolicTensor | (Tensor | SymbolicTensor)[];

// The generator lazily built layers draw from: set by the model or module whose apply is running,
// so a layer built inside a forward pass takes its weights from that model's seeded stream.
const buildRngs: Rng[] = [];

/** Runs `fn` with `rng` as the generator of layers that build during it. */
export function withBuildRng<T>(rng: Rng, fn: () => T): T {
  buildRngs.push(rng);
  try {
    return fn();
  } finally {
    buildRngs.pop();
  }
}

/**
 * Base class of every layer, and of the models and modules built from layers. Shapes exclude
 * the batch axis. A layer builds once, lazily, from the first input's shape (creating its
 * parameters from the enclosing model's seeded generator); applying the same layer object again
 * reuses (shares) its weights.
 */
export abstract class Layer {
  /** Unique within a model after the model names it ("dense_1"); the kind until then. */
  name: string;
  /** The layer's kind ("dense"), the stem of the names models give it. */
  readonly kind: string;
  readonly #inputShape?: number[];
  /** Training mode (dropout on, batch statistics) when a call does not say; see `train()`. */
  training = false;
  /** Set by `build` once the parameters exist; until then `apply` builds on its first batch. */
  protected built = false;
  /** Whether `apply` takes a list (merge layers, models with several inputs). */
  get takesList(): boolean {
    return false;
  }

  /**
   * `kind` names the layer type ("dense"); `inputShape` (batch axis excluded) is a first layer's
   * declared input.
   */
  constructor(kind: string, inputShape?: number[]) {
    this.name = kind;
    this.kind = kind;
    this.#inputShape = inputShape;
  }

  /** Input shape without batch axis, when given by the user (first layer). */
  get inputShape(): number[] | undefined {
    return this.#inputShape;
  }

  /** Output shape (without batch) for an input shape; throws a clear error on a mismatch. */
  abstract outputShape(inputShape: Shape): Shape;

  /**
   * The call options `apply` takes on symbolic inputs (Keras' call keywords, e.g.
   * `initialState`); a graph node keeps them and model files store them. None by default.
   */
  get callOptionNames(): readonly string[] {
    return [];
  }

  /**
   * The shape of each output of a graph node for `inputShape` and call `options`: one, unless
   * the layer has several outputs (which then reach `apply`'s caller as a list).
   */
  nodeOutputShapes(inputShape: Shape, _options: CallOptions): number[][] {
    const shape = this.outputShape(inputShape);
    if (shape.length && Array.isArray(shape[0])) {
      throw new Error(`${this.name}: layers with several outputs are not supported`);
    }
    return [shape as number[]];
  }

  /** Creates parameters for `inputShape`; layers without parameters need not override. */
  build(_inputShape: Shape, _rng: Rng): void {
    this.built = true;
  }

  /** The forward computation on a batch (a list of batches for merge layers and models). */
  abstract call(x: Tensor | Tensor[], ctx: CallContext): Tensor;

  /**
   * Whether the layer takes a mask (Keras `supports_masking`): it uses it (recurrent layers,
   * 1-D global pooling, attention) or passes it on (dropout, activations). A model drops a
   * mask before a layer without it, with a warning, as Keras 3 does; `apply(x, { mask })` on
   * such a layer is an error.
   */
  get supportsMasking(): boolean {
    return false;
  }

  /**
   * The mask of the output for input `x` with mask `mask` (Keras `compute_mask`): by default
   * the input's mask when the layer supports masking, else none. Embedding makes one from its
   * ids; layers that reduce time (global pooling, a recurrent layer's last step) return none.
   */
  computeMask(_x: Tensor | Tensor[], mask?: Mask): Tensor | undefined {
    return this.supportsMasking && !Array.isArray(mask) ? mask : undefined;
  }

  /** `call` and the output's mask; a model overrides it to run its graph once for both. */
  protected callWithMask(x: Tensor | Tensor[], ctx: CallContext): MaskedOutput {
    return { output: this.call(x, ctx), mask: this.computeMask(x, ctx.mask) };
  }

  /**
   * A graph node's computation: every output and its mask for the node's call `options`, their
   * symbolic tensors replaced by values. Layers with call options or several outputs override it.
   */
  protected callNode(
    x: Tensor | Tensor[],
    ctx: CallContext,
    _options: ResolvedOptions,
  ): NodeOutputs {
    const r = this.callWithMask(x, ctx);
    return { outputs: [r.output], masks: [r.mask] };
  }

  /** Runs one graph node (what a model does for each call it recorded): see `callNode`. */
  applyNode(
    x: Tensor | Tensor[],
    ctx: Partial<CallContext>,
    options: ResolvedOptions,
  ): NodeOutputs {
    const [xs, full] = this.#prepare(x, ctx);
    return inLayer(this.name, () => this.callNode(xs, full, options));
  }

  /**
   * Applies the layer. On tensors it runs now (building the layer on first use, recording
   * gradients as usual); on symbolic inputs from `input()` it records a graph node and returns
   * its symbolic output. `ctx.training` defaults to the layer's mode (`train()`/`eval()`).
   * Example: `const y = layers.dense({ units: 10 }).apply(x);`
   */
  apply(x: Tensor | Tensor[], ctx?: Partial<CallContext>): Tensor;
  /**
   * On symbolic inputs: records a graph node with the layer's call options (`callOptionNames`,
   * e.g. `{ initialState: [h, c] }`) and returns its (first) symbolic output; a layer with
   * several outputs gives them all by destructuring it: `const [seq, h, c] = lstm.apply(x)`
   * (`applyAll` returns them as a list whose length is the number the layer gives).
   */
  apply(x: SymbolicTensor | SymbolicTensor[], options?: CallOptions): SymbolicTensor;
  /** On either kind of input, for callers that do not know which they hold. */
  apply(x: LayerInput, ctx?: Partial<CallContext>): Tensor | SymbolicTensor;
  apply(
    x: LayerInput,
    ctx: Partial<CallContext> | CallOptions = {},
  ): Tensor | SymbolicTensor {
    if (isSymbolic(x)) {
      return recordNode(this, x as SymbolicTensor | SymbolicTensor[], ctx as CallOptions);
    }
    const [xs, full] = this.#prepare(x as Tensor | Tensor[], ctx as Partial<CallContext>);
    return inLayer(this.name, () => this.call(xs, full));
  }

  /**
   * On symbolic inputs, like `apply`, but returns every output of the node as the list it is:
   * `[output, ...states]` for a recurrent layer with `returnState`, else `[output]`, so its
   * length says what the layer gives (destructuring `apply`'s result gives undefined for states
   * a layer does not return, with no type error). Example:
   * `const [seq, ...states] = layers.lstm({ units: 8, returnState: true }).applyAll(x);`
   */
  applyAll(x: SymbolicTensor | SymbolicTensor[], options?: CallOptions): SymbolicTensor[] {
    if (!isSymbolic(x)) {
      throw new Error(`${this.name}: applyAll() takes symbolic inputs (from input()); use apply()`);
    }
    return [...recordNode(this, x, options).node!.outputs];
  }

  /**
   * Applies the layer to tensors and returns the output with its mask, as a model passes masks
   * from layer to layer. Example (Module code):
   * `const { output, mask } = embed.applyWithMask(ids); lstm.apply(output, { mask });`
   */
  applyWithMask(x: Tensor | Tensor[], ctx: Partial<CallContext> = {}): MaskedOutput {
    if (isSymbolic(x)) {
      throw new Error(`${this.name}: applyWithMask takes tensors, not symbolic inputs`);
    }
    const [xs, full] = this.#prepare(x, ctx);
    return inLayer(this.name, () => this.callWithMask(xs, full));
  }

  /** Checks a tensor input and its mask, builds on first use, and fills in the context. */
  #prepare(xs: Tensor | Tensor[], ctx: Partial<CallContext>): [Tensor | Tensor[], CallContext] {
    if (Array.isArray(xs)) {
      if (!this.takesList) {
        throw new Error(`${this.name}: takes one tensor, got a list of ${xs.length}`);
      }
      if (xs.some((t) => !(t instanceof Tensor))) {
        throw new Error(`${this.name}: a list input mixes tensors and symbolic inputs`);
      }
    }
    if (!this.built) {
      const shape = Array.isArray(xs) ? xs.map((t) => t.shape.slice(1)) : xs.shape.slice(1);
      this.ensureBuiltFor(shape, buildRngs.at(-1) ?? this.defaultRng());
    }
    const mask = ctx.mask;
    const masked = Array.isArray(mask) ? mask.some((m) => m !== undefined) : mask !== undefined;
    if (masked && !this.supportsMasking) {
      throw new Error(
        `${this.name}: takes no mask (${this.constructor.name} does not support masking); ` +
          `apply it without { mask }`,
      );
    }
    return [xs, { training: ctx.training ?? this.training, mask: masked ? mask : undefined }];
  }

  /** How `apply` builds an unbuilt layer for its first batch (Sequential checks its shape). */
  protected ensureBuiltFor(inputShape: Shape, rng: Rng): void {
    this.build(inputShape, rng);
  }

  /** The generator a layer built outside any model draws from. */
  protected defaultRng(): Rng {
    return new Rng(0);
  }

  /** Builds the layer for `inputShape` unless built; models use their own seed. */
  ensureBuilt(inputShape: Shape): this {
    if (!this.built) this.ensureBuiltFor(inputShape, buildRngs.at(-1) ?? this.defaultRng());
    return this;
  }

  /** Layers, modules and models this one contains (walked by `train()`, weights, summary). */
  children(): Layer[] {
    return [];
  }

  /** Sets training mode here and in every child (PyTorch's `train()`); returns this. */
  train(on = true): this {
    this.training = on;
    for (const c of this.children()) c.train(on);
    return this;
  }

  /** Evaluation mode here and in every child (PyTorch's `eval()`); returns this. */
  eval(): this {
    return this.train(false);
  }

  /** Trainable parameters and state tensors, in a stable order. */
  weights(): NamedTensor[] {
    return [];
  }

  /** The trainable parameters, in a stable order (what optimisers update). */
  parameters(): Tensor[] {
    return this.weights().filter((w) => w.trainable).map((w) => w.tensor);
  }

  /** Number of trainable parameters. */
  countParams(): number {
    return this.parameters().reduce((n, p) => n + p.size, 0);
  }

  /** A table of what the layer holds; models and modules list their nodes or fields. */
  summary(): string {
    return `${this.name} (${this.constructor.name}): ${this.countParams()} params`;
  }

  /** What Deno's Jupyter kernel shows: the summary as an HTML table (notebook/display.ts). */
  [Symbol.for("Jupyter.display")](): MimeBundle {
    return modelBundle(this);
  }

  /** Frees the layer's tensors. */
  dispose(): void {
    for (const w of this.weights()) w.tensor.dispose();
  }

  /** `using layer = ...` frees it at the end of the scope. */
  [Symbol.dispose](): void {
    this.dispose();
  }

  /** Whether `build` ran. */
  get isBuilt(): boolean {
    return this.built;
  }
}

/** The input shapes of a batch (without the batch axis), as `Layer.build` takes them. */
export function shapeOf(x: Tensor | Tensor[]): Shape {
  return Array.isArray(x) ? x.map((t) => t.shape.slice(1)) : x.shape.slice(1);
}

/** Throws unless `s` is one shape (not a list): the check of single-input layers. */
export function singleShape(layer: string, s: Shape): number[] {
  if (s.length && Array.isArray(s[0])) {
    throw new Error(`${layer}: takes one input, got a list of ${s.length} (${JSON.stringify(s)})`);
  }
  return s as number[];
}

/** The kernel and optional bias of a dense or conv layer, created and named in one place. */
export class KernelAndBias {
  readonly kernel: Tensor;
  readonly bias?: Tensor;
  constructor(
    layerName: string,
    kernelShape: number[],
    units: number,
    opts: {
      kernelInitializer?: InitializerName;
      biasInitializer?: InitializerName;
      useBias?: boolean;
    },
    rng: Rng,
  ) {
    const init = opts.kernelInitializer ?? "glorotUniform";
    this.kernel = variable(initialize(init, kernelShape, rng), `${layerName}/kernel`);
    if (opts.useBias ?? true) {
      const b = initialize(opts.biasInitializer ?? "zeros", [units], rng);
      this.bias = variable(b, `${layerName}/bias`);
    }
  }
  /** The named tensors, for `Layer.weights()`. */
  weights(): NamedTensor[] {
    const w: NamedTensor[] = [{ name: this.kernel.name!, tensor: this.kernel, trainable: true }];
    if (this.bias) w.push({ name: this.bias.name!, tensor: this.bias, trainable: true });
    return w;
  }
}

/** `[batch,…]` for a shape without batch axis, as summaries print it. */
export function batchShape(s: Shape): string {
  if (s.length && Array.isArray(s[0])) return (s as number[][]).map(batchShape).join(" ");
  return `[null,${(s as number[]).join(",")}]`;
}

/** Throws unless the batch `x` has the shape `expect` (without batch). */
export function checkInputShape(where: string, x: Tensor, expect: number[]): void {
  if (x.rank !== expect.length + 1 || expect.some((d, i) => d !== x.shape[i + 1])) {
    throw new Error(
      `${where}: input ${fmtShape(x.shape)} does not match the model's input ` +
        `[batch,${expect.join(",")}]`,
    );
  }
}
