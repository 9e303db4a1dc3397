import { add, concat, mul, mulScalar, reverse } from "../kernels/ops/mod.ts";
import type { Rng } from "../kernels/random.ts";
import type { Tensor } from "../kernels/tensor.ts";
import { type CallContext, Layer, type NamedTensor, type Shape } from "./layer.ts";
import { GRU, LSTM, RecurrentLayer, SimpleRNN } from "./recurrent.ts";
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
 * reversed back first, so step t of both halves is input step t.
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
    if (opts.layer.opts.returnState) {
      throw new Error("bidirectional: the wrapped layer cannot use returnState");
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
    const f = this.forwardLayer.call(x, ctx);
    let b = this.backwardLayer.call(x, ctx);
    if (this.forwardLayer.opts.returnSequences) b = reverse(b, 1);
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
