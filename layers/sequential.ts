import { fmtShape, sizeOf } from "../kernels/shape.ts";
import type { Rng } from "../kernels/random.ts";
import { type Layer, type Shape, singleShape } from "./layer.ts";
import { type LayerSummary, Model, nameLayers, totals } from "./model.ts";
import { input, type SymbolicTensor } from "./symbolic.ts";

export type { LayerSummary } from "./model.ts";

/** Options of {@link Sequential}. */
export interface SequentialOptions {
  /** Seed of the initialisers and dropout masks (default 0). */
  seed?: number;
  /** Input shape without batch axis, when the first layer does not give one. */
  inputShape?: number[];
}

/**
 * A stack of layers applied in order, like `keras.Sequential`: a {@link Model} whose graph is a
 * chain, made once the input shape is known (the first layer's `inputShape`, the option, or
 * the first batch). Parameters come from a generator seeded by `seed`.
 * Example: `new Sequential([layers.flatten({ inputShape: [28, 28, 1] }), layers.dense({ units: 10 })])`.
 */
export class Sequential extends Model {
  readonly #stack: Layer[];
  #declared?: number[];

  /**
   * A chain of `layers`; the input shape comes from `opts.inputShape`, the first layer's, or the
   * first batch.
   */
  constructor(layers: Layer[], opts: SequentialOptions = {}) {
    super({ seed: opts.seed, kind: "sequential" });
    if (layers.length === 0) throw new Error("Sequential needs at least one layer");
    this.#stack = layers;
    this.#declared = opts.inputShape ?? layers[0].inputShape;
    nameLayers(layers);
  }

  /** The layers, in the order given. */
  override get layers(): Layer[] {
    return this.#stack;
  }

  /** Input shape without batch axis (once known). */
  override get inputShape(): number[] | undefined {
    return this.#declared;
  }

  /** Always false: a Sequential takes one input. */
  override get takesList(): boolean {
    return false;
  }

  /** The layers, in the order given. */
  override children(): Layer[] {
    return this.#stack;
  }

  /**
   * Records the chain as a graph once the input shape is known; throws a clear error when it is
   * not.
   */
  protected override makeGraph(): void {
    if (!this.#declared) {
      throw new Error(
        "Sequential: unknown input shape; give the first layer an inputShape or call build(shape)",
      );
    }
    const inp = input({ shape: this.#declared, name: "input" });
    let y: SymbolicTensor = inp;
    for (const l of this.#stack) {
      const out = l.apply(y);
      if (out.node!.outputs.length > 1) {
        throw new Error(
          `Sequential: ${l.name} gives ${
            out.node!.outputs.length
          } outputs (returnState), but a Sequential ` +
            "passes one tensor from layer to layer; use a functional Model " +
            "(const [out, ...states] = layer.apply(x)) or leave returnState off",
        );
      }
      y = out;
    }
    this.setGraph(inp, y);
  }

  /** Creates every layer's parameters for `inputShape` (without batch axis). */
  override build(inputShape?: Shape, rng?: Rng): this {
    const shape = inputShape && singleShape("Sequential", inputShape);
    const declared = this.#declared;
    if (shape && declared && fmtShape(shape) !== fmtShape(declared)) {
      throw new Error(
        `Sequential: input [batch,${shape.join(",")}] does not match the model's input ` +
          `[batch,${declared.join(",")}]`,
      );
    }
    if (!declared && shape) this.#declared = [...shape];
    return super.build(undefined, rng);
  }

  /** Builds for the first batch's shape unless an input shape was declared (then that one wins). */
  protected override ensureBuiltFor(shape: Shape, rng: Rng): void {
    // A declared input shape wins; the call then reports a batch that does not match it.
    this.build(this.#declared ? undefined : shape, rng);
  }

  /** Errors name it "Sequential". */
  protected override where(): string {
    return "Sequential";
  }

  /** Layer rows (no input row): name, output shape, parameter count. */
  override layerSummaries(): LayerSummary[] {
    return super.layerSummaries().slice(1);
  }

  /** A Keras-style table of layers, output shapes and parameter counts. */
  override summary(): string {
    const rows = this.layerSummaries();
    const line = "─".repeat(62);
    const fmt = (a: string, b: string, c: string) => a.padEnd(26) + b.padEnd(24) + c.padStart(12);
    const out = [line, fmt("Layer", "Output shape", "Params"), line];
    for (const r of rows) {
      out.push(fmt(r.name, `[null,${r.outputShape.join(",")}]`, r.params.toLocaleString("en-US")));
    }
    const s = this.#declared!;
    out.push(line, ...totals(this), `Input: [null,${s.join(",")}] (${sizeOf(s)} values)`, line);
    return out.join("\n");
  }
}
