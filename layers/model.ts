import { Rng } from "../kernels/random.ts";
import { fmtShape } from "../kernels/shape.ts";
import type { Tensor } from "../kernels/tensor.ts";
import {
  batchShape,
  type CallContext,
  checkInputShape,
  Layer,
  type MaskedOutput,
  type NamedTensor,
  type Shape,
  withBuildRng,
} from "./layer.ts";
import type { Mask } from "./mask.ts";
import {
  type CallOptions,
  type LayerNode,
  nodeReads,
  optionTensors,
  resolveOptions,
  type SymbolicTensor,
} from "./symbolic.ts";

/** Options of {@link Model}: the symbolic inputs and output of a graph built with `apply`. */
export interface ModelOptions {
  /** The symbolic inputs made by `input()` (a list for several inputs). */
  inputs: SymbolicTensor | SymbolicTensor[];
  /** One output (a list of one is accepted). */
  outputs: SymbolicTensor | SymbolicTensor[];
  /** Seed of the initialisers and dropout masks (default 0). */
  seed?: number;
  /** The model's name (default "model"). */
  name?: string;
}

/** For subclasses that make their graph later (Sequential): a seed and a kind, no graph yet. */
export interface LazyModelOptions {
  /** Seed of the generator the layers build from (default 0). */
  seed?: number;
  /** The layer kind, the stem of the model's name ("sequential"). */
  kind: string;
}

/** One row of {@link Model.layerSummaries}: a graph node (or an input). */
export interface LayerSummary {
  /** The layer's name, with `[k]` for its k-th call when it is shared (k ≥ 1). */
  name: string;
  /** The class ("Conv2D", "Input"). */
  type: string;
  /** Shape of the node's (first) output, without the batch axis. */
  outputShape: number[];
  /** Shapes of all its outputs (several for a recurrent layer with returnState). */
  outputShapes: number[][];
  /** Trainable parameters of the layer (0 on the second call of a shared layer). */
  params: number;
  /** The nodes it reads, then those its call options read, with the option named. */
  inbound: string[];
  /** The call's plain options ("useCausalMask: true"); tensors in options are in `inbound`. */
  options: string[];
}

/** One recorded call of {@link Model.graphNodes}. */
export interface GraphNodeInfo {
  /** The layer called. */
  layer: Layer;
  /** The label of the node's output (`dense_1`, `dense_1[1]` for a shared layer's 2nd call). */
  name: string;
  /** The labels of what it reads. */
  inbound: string[];
  /** True when the layer took a list. */
  list: boolean;
  /** The node's (first) symbolic output. */
  output: SymbolicTensor;
  /** Every symbolic output of the node; output k ≥ 1 is labelled `name:k`. */
  outputs: SymbolicTensor[];
  /** The call options, each symbolic tensor in them given as `{ ref: label }`. */
  options: Record<string, unknown>;
}

/**
 * The graph a {@link Model} runs: its inputs, its output, the layer calls in order and the layers.
 */
export interface ModelGraph {
  /** The symbolic inputs, in the order `call` takes their batches. */
  inputs: SymbolicTensor[];
  /** The symbolic output. */
  output: SymbolicTensor;
  /** Every layer call from the inputs to the output, in the order they were recorded. */
  nodes: LayerNode[];
  /** Every layer once, in the order of its first call. */
  layers: Layer[];
  /** Label of each symbolic tensor's producer, for summaries. */
  labels: Map<number, string>;
}

/**
 * A functional model, as `tf.model` / `keras.Model`: the graph of layer calls recorded from
 * `inputs` to `outputs` by `layer.apply(symbolic)`. Branches, merges (`layers.add()` …),
 * several inputs and shared layers (one layer object applied twice) are allowed. Layers are
 * built in the order their calls were recorded, from a generator seeded by `seed`.
 * Example: `const m = new Model({ inputs: inp, outputs: layers.dense({ units: 10 }).apply(h) });`
 */
export class Model extends Layer {
  /** Seed of the generator the layers build from and dropout masks draw from. */
  readonly seed: number;
  #graph?: ModelGraph;

  /**
   * Records the graph from `inputs` to `outputs`; subclasses (Sequential) pass a kind and make
   * their graph later.
   */
  constructor(opts: ModelOptions | LazyModelOptions) {
    super("inputs" in opts ? "model" : opts.kind);
    this.seed = opts.seed ?? 0;
    if ("inputs" in opts) {
      if (opts.name) this.name = opts.name;
      this.setGraph(opts.inputs, opts.outputs);
    }
  }

  /** Records the graph from `inputs` to `outputs` and names its unnamed layers (`dense_1`). */
  protected setGraph(
    inputs: SymbolicTensor | SymbolicTensor[],
    outputs: SymbolicTensor | SymbolicTensor[],
  ): void {
    const ins = Array.isArray(inputs) ? inputs : [inputs];
    const outs = Array.isArray(outputs) ? outputs : [outputs];
    if (outs.length !== 1) {
      throw new Error(`${this.name}: one output is supported, got ${outs.length}`);
    }
    if (ins.length === 0 || ins.some((i) => i?.node !== undefined || !("shape" in (i ?? {})))) {
      throw new Error(`${this.name}: inputs must be symbolic tensors made by input({ shape })`);
    }
    const nodes = new Map<number, LayerNode>();
    const reached = new Set<SymbolicTensor>();
    const visit = (t: SymbolicTensor) => {
      if (!t.node) {
        reached.add(t);
        return;
      }
      if (nodes.has(t.node.id)) return;
      nodes.set(t.node.id, t.node);
      nodeReads(t.node).forEach(visit);
    };
    visit(outs[0]);
    for (const r of reached) {
      if (!ins.includes(r)) {
        throw new Error(
          `${this.name}: the output depends on ${r.name}, which is not among the model's inputs`,
        );
      }
    }
    const ordered = [...nodes.values()].sort((a, b) => a.id - b.id);
    const layers = [...new Set(ordered.map((n) => n.layer))];
    nameLayers(layers);
    const labels = new Map<number, string>(ins.map((i) => [i.id, i.name!]));
    const calls = new Map<Layer, number>();
    for (const n of ordered) {
      const k = calls.get(n.layer) ?? 0;
      calls.set(n.layer, k + 1);
      const label = k ? `${n.layer.name}[${k}]` : n.layer.name;
      n.outputs.forEach((o, j) => labels.set(o.id, j ? `${label}:${j}` : label));
    }
    this.#graph = { inputs: ins, output: outs[0], nodes: ordered, layers, labels };
  }

  /** The graph, made on demand (Sequential makes it when its input shape is known). */
  protected graph(): ModelGraph {
    if (!this.#graph) this.makeGraph();
    return this.#graph!;
  }

  /** Hook for lazily made graphs; a functional model always has one. */
  protected makeGraph(): void {
    throw new Error(`${this.name}: no graph`);
  }

  /** Whether the graph exists yet. */
  protected get hasGraph(): boolean {
    return this.#graph !== undefined;
  }

  /** The symbolic inputs. */
  get inputs(): SymbolicTensor[] {
    return this.graph().inputs;
  }

  /** The symbolic output. */
  get outputs(): SymbolicTensor[] {
    return [this.graph().output];
  }

  /**
   * The recorded calls in order: each node's layer, the label of its output (the layer's name,
   * `name[k]` for the k-th call of a shared layer) and the labels it reads (model inputs by
   * their names), as summaries and model files name them.
   */
  graphNodes(): GraphNodeInfo[] {
    const g = this.graph();
    return g.nodes.map((n) => ({
      layer: n.layer,
      output: n.output,
      outputs: n.outputs,
      name: g.labels.get(n.output.id)!,
      inbound: n.inputs.map((i) => g.labels.get(i.id)!),
      list: n.list,
      options: resolveOptions(n.options, (t) => ({ ref: g.labels.get(t.id)! })),
    }));
  }

  /** The layers, each once, in the order of their first call. */
  get layers(): Layer[] {
    return this.graph().layers;
  }

  /** True when the graph has several inputs, so `apply` takes a list. */
  override get takesList(): boolean {
    return this.graph().inputs.length > 1;
  }

  /** Input shapes without batch axis (one per input; a single shape for one input). */
  get inputShapes(): Shape {
    const s = this.graph().inputs.map((i) => i.shape);
    return s.length === 1 ? s[0] : s;
  }

  /** The model's layers, each once. */
  override children(): Layer[] {
    return this.layers;
  }

  /** The output's shape; throws a clear error when `inputShape` is not the graph's input shape. */
  override outputShape(inputShape: Shape): number[] {
    this.checkShapes(inputShape);
    return this.graph().output.shape;
  }

  /** Builds every layer for the graph's shapes (once), in call order, from `rng` or the seed. */
  override build(inputShape?: Shape, rng?: Rng): this {
    if (inputShape) this.checkShapes(inputShape);
    if (this.built) return this;
    const g = this.graph();
    const r = rng ?? this.defaultRng();
    withBuildRng(r, () => {
      for (const n of g.nodes) {
        if (n.layer.isBuilt) continue;
        const s = n.list ? n.inputs.map((i) => i.shape) : n.inputs[0].shape;
        n.layer.build(s, r);
      }
    });
    this.built = true;
    return this;
  }

  /** A generator seeded by the model's `seed`. */
  protected override defaultRng(): Rng {
    return new Rng(this.seed);
  }

  /** Runs the graph on a batch (a list of batches for several inputs). */
  call(x: Tensor | Tensor[], ctx: CallContext): Tensor {
    return this.callWithMask(x, ctx).output;
  }

  /** True: a mask given to the model is its input's (a list: one per input). */
  override get supportsMasking(): boolean {
    return true;
  }

  /** The output's mask: the graph's masks passed from layer to layer (runs the graph). */
  override computeMask(x: Tensor | Tensor[], mask?: Mask): Tensor | undefined {
    return this.applyWithMask(x, { mask }).mask;
  }

  /**
   * Runs the graph, passing each layer's output mask (`computeMask`) to the layers that read
   * it, as Keras does; a layer without `supportsMasking` drops it (with one warning).
   */
  protected override callWithMask(x: Tensor | Tensor[], ctx: CallContext): MaskedOutput {
    const g = this.graph();
    const xs = Array.isArray(x) ? x : [x];
    if (xs.length !== g.inputs.length) {
      throw new Error(`${this.where()}: takes ${g.inputs.length} inputs, got ${xs.length}`);
    }
    const inMasks = Array.isArray(ctx.mask) ? ctx.mask : [ctx.mask];
    const values = new Map<number, Tensor>();
    const masks = new Map<number, Tensor | undefined>();
    g.inputs.forEach((inp, i) => {
      checkInputShape(this.where(), xs[i], inp.shape);
      values.set(inp.id, xs[i]);
      masks.set(inp.id, inMasks[i]);
    });
    for (const n of g.nodes) {
      const ins = n.inputs.map((i) => values.get(i.id)!);
      const ms = n.inputs.map((i) => masks.get(i.id));
      let mask: Mask = ms.some((m) => m !== undefined) ? (n.list ? ms : ms[0]) : undefined;
      if (mask && !n.layer.supportsMasking) {
        warnDropped(n.layer);
        mask = undefined;
      }
      const options = resolveOptions(n.options, (t) => values.get(t.id)!);
      const r = n.layer.applyNode(n.list ? ins : ins[0], { training: ctx.training, mask }, options);
      n.outputs.forEach((o, j) => {
        values.set(o.id, r.outputs[j]);
        masks.set(o.id, r.masks[j]);
      });
    }
    return { output: values.get(g.output.id)!, mask: masks.get(g.output.id) };
  }

  /** How errors name this model. */
  protected where(): string {
    return `Model ${this.name}`;
  }

  /** Every layer's named tensors (trainable and state), in call order. */
  override weights(): NamedTensor[] {
    this.build();
    return this.layers.flatMap((l) => prefixed(l));
  }

  /** One row per input and per node: name, type, output shape, parameters, inbound nodes. */
  layerSummaries(): LayerSummary[] {
    this.build();
    const g = this.graph();
    const rows: LayerSummary[] = g.inputs.map((i) => ({
      name: i.name!,
      type: "Input",
      outputShape: i.shape,
      outputShapes: [i.shape],
      params: 0,
      inbound: [],
      options: [],
    }));
    const seen = new Set<Layer>();
    for (const n of g.nodes) {
      const first = !seen.has(n.layer);
      seen.add(n.layer);
      rows.push({
        name: g.labels.get(n.output.id)!,
        type: n.layer.constructor.name,
        outputShape: n.output.shape,
        outputShapes: n.outputs.map((o) => o.shape),
        params: first ? n.layer.countParams() : 0,
        inbound: [...n.inputs.map((i) => g.labels.get(i.id)!), ...optionLabels(n.options, g)],
        options: Object.entries(n.options).filter(([, v]) => optionTensors({ v }).length === 0)
          .map(([k, v]) => `${k}: ${JSON.stringify(v)}`),
      });
    }
    return rows;
  }

  /**
   * A Keras-style table: each node, its output shape, parameters and inbound nodes (then its
   * plain call options); a node's further outputs (returnState) follow on rows `name:k`.
   */
  override summary(): string {
    const rows = this.layerSummaries();
    const line = "─".repeat(90);
    const fmt = (a: string, b: string, c: string, d: string) =>
      a.padEnd(34) + b.padEnd(22) + c.padStart(10) + "  " + d;
    const out = [line, fmt("Layer (type)", "Output shape", "Params", "Connected to"), line];
    for (const r of rows) {
      out.push(
        fmt(
          `${r.name} (${r.type})`,
          batchShape(r.outputShape),
          r.params.toLocaleString("en-US"),
          [...r.inbound, ...r.options].join(", "),
        ),
      );
      r.outputShapes.slice(1).forEach((s, k) =>
        out.push(fmt(`  ${r.name}:${k + 1}`, batchShape(s), "", ""))
      );
    }
    out.push(line, ...totals(this), line);
    return out.join("\n");
  }

  /** Frees every layer's tensors. */
  override dispose(): void {
    for (const l of this.children()) l.dispose();
  }

  /** Throws a clear error when `inputShape` differs from the graph's input shapes. */
  protected checkShapes(inputShape: Shape): void {
    const want = this.graph().inputs.map((i) => i.shape);
    const got = want.length === 1 && !Array.isArray(inputShape[0])
      ? [inputShape as number[]]
      : inputShape as number[][];
    const same = got.length === want.length &&
      got.every((s, i) => fmtShape(s) === fmtShape(want[i]));
    if (!same) {
      throw new Error(
        `${this.where()}: input ${got.map((s) => `[batch,${s.join(",")}]`).join(" ")} does not ` +
          `match the model's input ${want.map((s) => `[batch,${s.join(",")}]`).join(" ")}`,
      );
    }
  }
}

/** "lstm_1:1 (initialState)" for each symbolic tensor a node's call options read. */
function optionLabels(options: CallOptions, g: ModelGraph): string[] {
  return Object.entries(options).flatMap(([k, v]) =>
    optionTensors({ [k]: v }).map((t) => `${g.labels.get(t.id)} (${k})`)
  );
}

const warned = new WeakSet<Layer>();

/** Keras 3's warning when a mask meets a layer that cannot take it: once per layer. */
function warnDropped(l: Layer): void {
  if (warned.has(l)) return;
  warned.add(l);
  console.warn(
    `${l.name} (${l.constructor.name}) does not support masking: the mask of its input is ` +
      `dropped, so the layers after it see none`,
  );
}

/**
 * A functional model from symbolic inputs and outputs (the factory form of `new Model`).
 * Example: `const m = model({ inputs: inp, outputs: out, seed: 1 });`
 */
export function model(opts: ModelOptions): Model {
  return new Model(opts);
}

/** True for layers that hold other layers (models and modules): their weight names get a prefix. */
export function isContainer(l: Layer): boolean {
  return l instanceof Model || "forward" in l;
}

/** `l`'s weights as a model lists them: a nested model's or module's under `name/`. */
function prefixed(l: Layer): NamedTensor[] {
  const w = l.weights();
  return isContainer(l) ? w.map((t) => ({ ...t, name: `${l.name}/${t.name}` })) : w;
}

/** Trainable and state totals, the footer of every summary. */
export function totals(l: Layer): string[] {
  const w = l.weights();
  const count = (t: boolean) =>
    w.filter((x) => x.trainable === t).reduce((n, x) => n + x.tensor.size, 0);
  const out = [`Trainable params: ${count(true).toLocaleString("en-US")}`];
  const state = count(false);
  if (state) out.push(`Non-trainable state: ${state.toLocaleString("en-US")}`);
  return out;
}

/** Names each layer still called by its kind `kind_n`, the smallest n not taken in `layers`. */
export function nameLayers(layers: Layer[]): void {
  const taken = new Set(layers.filter((l) => l.name !== l.kind).map((l) => l.name));
  for (const l of layers) {
    if (l.name !== l.kind) continue;
    let n = 1;
    while (taken.has(`${l.kind}_${n}`)) n++;
    l.name = `${l.kind}_${n}`;
    taken.add(l.name);
  }
}
