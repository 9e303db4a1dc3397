import { add, concat, mul, mulScalar, reverse } from "../kernels/ops/mod.ts";
import type { Rng } from "../kernels/random.ts";
import type { Tensor } from "../kernels/tensor.ts";
import {
  type CallContext,
  Layer,
  type NamedTensor,
  type NodeOutputs,
  type Shape,
} from "./layer.ts";
import { GRU, LSTM, RecurrentLayer, SimpleRNN, type StateCallOptions } from "./recurrent.ts";
import { checkSequenceMask } from "./mask.ts";
import type { CallOptions, ResolvedOptions } from "./symbolic.ts";
import type { LayerConfig } from "./serialization.ts";
import type { Mask } from "./mask.ts";

/** How {@link Bidirectional} joins the two directions' outputs (Keras `merge_mode`). */
export type MergeMode = "concat" | "sum" | "mul" | "ave";

const MODES: MergeMode[] = ["concat", "sum", "mul", "ave"];

/** Options of {@link Bidirectional}. */
export interface BidirectionalOptions {
  /** The forward recurrent layer; a copy with `goBackwards` flipped reads the sequence backwards. */
  layer: RecurrentLayer;
  /** Default "concat" (features of both directions side by side). */
  mergeMode?: MergeMode;
  inputShape?: number[];
}

/**
 * Runs a recurrent layer forwards and a copy of it backwards over the sequence and merges the
 * two outputs, as Keras' `Bidirectional`; with `returnSequences` the backward sequence is
 * reversed back first, so step t of both halves is input step t. With the wrapped layer's
 * `returnState` the outputs are [merged, ...forward states, ...backward states], and an
 * `initialState` lists the forward states then the backward ones, as in Keras.
 * Example: `layers.bidirectional({ layer: layers.gru({ units: 32, returnSequences: true }) })`.
 */
export class Bidirectional extends Layer {
  readonly forwardLayer: RecurrentLayer;
  readonly backwardLayer: RecurrentLayer;
  readonly mergeMode: MergeMode;
  constructor(opts: BidirectionalOptions) {
    super("bidirectional", opts.inputShape ?? opts.layer?.inputShape);
    if (!(opts.layer instanceof RecurrentLayer)) {
      throw new Error(
        "bidirectional: layer must be a recurrent layer (layers.simpleRNN, layers.lstm or layers.gru)",
      );
    }
    this.mergeMode = opts.mergeMode ?? "concat";
    if (!MODES.includes(this.mergeMode)) {
      throw new Error(
        `bidirectional: unknown mergeMode "${opts.mergeMode}"; use ${MODES.join(", ")}`,
      );
    }
    this.forwardLayer = opts.layer;
    const back = { ...opts.layer.getConfig(), goBackwards: !opts.layer.opts.goBackwards };
    this.backwardLayer = opts.layer instanceof LSTM
      ? new LSTM(back)
      : opts.layer instanceof GRU
      ? new GRU(back)
      : new SimpleRNN(back);
    // Keras: with a mask, both directions output zeros at skipped steps of a returned sequence.
    for (const l of [this.forwardLayer, this.backwardLayer]) {
      l.zeroOutputForMask = !!opts.layer.opts.returnSequences;
    }
  }
  outputShape(s: Shape): number[] {
    const out = this.forwardLayer.outputShape(s);
    if (this.mergeMode !== "concat") return out;
    return [...out.slice(0, -1), 2 * out.at(-1)!];
  }
  /** A graph call takes `initialState`: the forward layer's states, then the backward one's. */
  override get callOptionNames(): readonly string[] {
    return ["initialState"];
  }
  /** The merged output's shape, then with returnState each direction's state shapes. */
  override nodeOutputShapes(s: Shape, options: CallOptions): number[][] {
    const out = this.outputShape(s);
    const n = this.forwardLayer.stateCount, units = this.forwardLayer.opts.units;
    const init = options.initialState;
    if (init !== undefined) {
      const list = Array.isArray(init) ? init : [init];
      const ok = list.length === 2 * n &&
        list.every((t) =>
          typeof t === "object" && !Array.isArray(t) && t.shape.join(",") === `${units}`
        );
      if (!ok) {
        throw new Error(
          `${this.name}: initialState must be ${2 * n} symbolic tensors of [batch,${units}] ` +
            `(the forward layer's ${n}, then the backward layer's), got ${list.length}`,
        );
      }
    }
    if (!this.forwardLayer.opts.returnState) return [out];
    return [out, ...Array.from({ length: 2 * n }, () => [units])];
  }
  override children(): Layer[] {
    return [this.forwardLayer, this.backwardLayer];
  }
  override build(s: Shape, rng: Rng): void {
    this.outputShape(s);
    this.forwardLayer.name = `${this.name}/forward_${this.forwardLayer.kind}`;
    this.backwardLayer.name = `${this.name}/backward_${this.backwardLayer.kind}`;
    this.forwardLayer.build(s, rng);
    this.backwardLayer.build(s, rng);
    this.built = true;
  }
  /** Passes the [batch, time] mask to both directions (the backward one reverses it too). */
  override get supportsMasking(): boolean {
    return true;
  }
  /** The input's mask with `returnSequences`, else none (Keras). */
  override computeMask(x: Tensor | Tensor[], mask?: Mask): Tensor | undefined {
    return this.forwardLayer.computeMask(x, mask);
  }
  call(x: Tensor, ctx: CallContext): Tensor {
    if (this.forwardLayer.opts.returnState) {
      throw new Error(
        `${this.name}: returnState gives [output, ...states], and apply() on tensors returns ` +
          `one tensor; call applyWithState(x) for the list, or apply it to a symbolic input`,
      );
    }
    return this.#run(x, ctx.mask as Tensor | undefined)[0];
  }
  /**
   * Runs both directions and returns `[merged, ...forward states, ...backward states]`, from
   * `initialState` (forward states then backward ones) when given. Example:
   * `const [y, hf, cf, hb, cb] = bi.applyWithState(x);`
   */
  applyWithState(x: Tensor, opts: StateCallOptions = {}): Tensor[] {
    this.ensureBuilt(x.shape.slice(1));
    return this.#run(x, opts.mask, opts.initialState);
  }
  /** A graph node: with returnState all the outputs, from its `initialState` if given. */
  protected override callNode(x: Tensor, ctx: CallContext, options: ResolvedOptions): NodeOutputs {
    const all = this.#run(x, ctx.mask as Tensor | undefined, options.initialState as Tensor[]);
    const outs = this.forwardLayer.opts.returnState ? all : all.slice(0, 1);
    return {
      outputs: outs,
      masks: outs.map((_, i) => i ? undefined : this.computeMask(x, ctx.mask)),
    };
  }
  #run(x: Tensor, mask?: Tensor, init?: Tensor[]): Tensor[] {
    const fl = this.forwardLayer, bl = this.backwardLayer, n = fl.stateCount;
    if (init && init.length !== 2 * n) {
      throw new Error(
        `${this.name}: initialState must be ${2 * n} tensors (the forward layer's ${n} states, ` +
          `then the backward layer's), got ${init.length}`,
      );
    }
    const m = mask === undefined ? undefined : checkSequenceMask(this.name, mask, x);
    const [f, ...fs] = fl.runWith(x, fl.params!, init?.slice(0, n), m);
    let [b, ...bs] = bl.runWith(x, bl.params!, init?.slice(n), m);
    if (fl.opts.returnSequences) b = reverse(b, 1);
    return [this.#merge(f, b), ...fs, ...bs];
  }
  #merge(f: Tensor, b: Tensor): Tensor {
    switch (this.mergeMode) {
      case "concat":
        return concat([f, b], -1);
      case "sum":
        return add(f, b);
      case "mul":
        return mul(f, b);
      case "ave":
        return mulScalar(add(f, b), 0.5);
    }
  }
  /**
   * Both directions' weights, named `forward_kernel`, `backward_recurrent_kernel`, … under the
   * layer (distinct last segments, so a Module's field paths stay unique).
   */
  override weights(): NamedTensor[] {
    const rename = (dir: string, l: Layer) =>
      l.weights().map((w) => ({
        ...w,
        name: `${this.name}/${dir}_${w.name.slice(w.name.lastIndexOf("/") + 1)}`,
      }));
    return [...rename("forward", this.forwardLayer), ...rename("backward", this.backwardLayer)];
  }
  /** The wrapped layer's `{ className, config }` and the merge mode (model files). */
  getConfig(): { layer: LayerConfig; mergeMode: MergeMode } {
    const l = this.forwardLayer;
    return {
      layer: { className: l.className, config: { ...l.getConfig() } },
      mergeMode: this.mergeMode,
    };
  }
}
