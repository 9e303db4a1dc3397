import { inLayer } from "../kernels/check_numerics.ts";
import { Rng } from "../kernels/random.ts";
import { fmtShape, sizeOf } from "../kernels/shape.ts";
import type { Tensor } from "../kernels/tensor.ts";
import { Activation } from "./activations.ts";
import { Conv2D } from "./conv2d.ts";
import { Dense } from "./dense.ts";
import type { CallContext, Layer, NamedTensor } from "./module.ts";

/** Options of {@link Sequential}. */
export interface SequentialOptions {
  /** Seed of the initialisers and dropout masks (default 0). */
  seed?: number;
  /** Input shape without batch axis, when the first layer does not give one. */
  inputShape?: number[];
}

/** Per-layer row of {@link Sequential.summary}. */
export interface LayerSummary {
  name: string;
  outputShape: number[];
  params: number;
}

/**
 * A stack of layers applied in order, like `keras.Sequential`. Built on first use (or by
 * `build`) from the first layer's `inputShape`; parameters come from a generator seeded by `seed`.
 * Example: `new Sequential([layers.flatten({ inputShape: [28, 28, 1] }), layers.dense({ units: 10 })])`.
 */
export class Sequential {
  readonly layers: Layer[];
  readonly seed: number;
  #inputShape?: number[];
  #built = false;

  constructor(layers: Layer[], opts: SequentialOptions = {}) {
    if (layers.length === 0) throw new Error("Sequential needs at least one layer");
    this.layers = layers;
    this.seed = opts.seed ?? 0;
    this.#inputShape = opts.inputShape ?? layers[0].inputShape;
    const counts = new Map<string, number>();
    for (const l of layers) {
      const n = (counts.get(l.name) ?? 0) + 1;
      counts.set(l.name, n);
      l.name = `${l.name}_${n}`;
    }
  }

  /** Creates every layer's parameters for `inputShape` (without batch axis). */
  build(inputShape?: number[]): this {
    const declared = this.#inputShape;
    if (inputShape && declared && fmtShape(inputShape) !== fmtShape(declared)) {
      throw new Error(
        `Sequential: input [batch,${inputShape.join(",")}] does not match the model's input ` +
          `[batch,${declared.join(",")}]`,
      );
    }
    if (this.#built) return this;
    const shape = inputShape ?? declared;
    if (!shape) {
      throw new Error(
        "Sequential: unknown input shape; give the first layer an inputShape or call build(shape)",
      );
    }
    this.#inputShape = [...shape];
    const rng = new Rng(this.seed);
    let s = shape;
    for (const l of this.layers) {
      l.build(s, rng);
      s = l.outputShape(s);
    }
    this.#built = true;
    return this;
  }

  /** Input shape without batch axis (after build). */
  get inputShape(): number[] | undefined {
    return this.#inputShape;
  }

  /**
   * Runs the stack on a batch. With `logits: true` a final softmax is left out, so the fused
   * softmax cross-entropy can take the raw scores (what Keras does for a softmax output layer).
   */
  apply(x: Tensor, ctx: Partial<CallContext> & { logits?: boolean } = {}): Tensor {
    this.build(this.#inputShape ? undefined : x.shape.slice(1));
    const expect = this.#inputShape!;
    if (x.rank !== expect.length + 1 || expect.some((d, i) => d !== x.shape[i + 1])) {
      throw new Error(
        `Sequential: input ${fmtShape(x.shape)} does not match the model's input ` +
          `[batch,${expect.join(",")}]`,
      );
    }
    const c: CallContext = { training: ctx.training ?? false };
    let y = x;
    const last = this.layers.length - 1;
    this.layers.forEach((l, i) =>
      inLayer(l.name, () => {
        if (i === last && ctx.logits) y = callWithoutSoftmax(l, y, c);
        else y = l.call(y, c);
      })
    );
    return y;
  }

  /** True when the model's last step is a softmax (so its raw output is not logits). */
  get endsWithSoftmax(): boolean {
    const l = this.layers[this.layers.length - 1];
    return softmaxOf(l) !== undefined;
  }

  /** Every layer's named tensors (trainable and state), in layer order. */
  weights(): NamedTensor[] {
    this.build();
    return this.layers.flatMap((l) => l.weights());
  }

  /** The trainable parameters, in a stable order (what optimisers update). */
  parameters(): Tensor[] {
    return this.weights().filter((w) => w.trainable).map((w) => w.tensor);
  }

  /** Number of trainable parameters. */
  countParams(): number {
    return this.parameters().reduce((n, p) => n + p.size, 0);
  }

  /** Layer rows: name, output shape, parameter count. */
  layerSummaries(): LayerSummary[] {
    this.build();
    let s = this.#inputShape!;
    return this.layers.map((l) => {
      s = l.outputShape(s);
      const params = l.weights().filter((w) => w.trainable).reduce((n, w) => n + w.tensor.size, 0);
      return { name: l.name, outputShape: s, params };
    });
  }

  /** A Keras-style table of layers, output shapes and parameter counts. */
  summary(): string {
    const rows = this.layerSummaries();
    const line = "─".repeat(62);
    const fmt = (a: string, b: string, c: string) => a.padEnd(26) + b.padEnd(24) + c.padStart(12);
    const out = [line, fmt("Layer", "Output shape", "Params"), line];
    for (const r of rows) {
      out.push(fmt(r.name, `[null,${r.outputShape.join(",")}]`, r.params.toLocaleString("en-US")));
    }
    const total = this.countParams();
    const state = this.weights().filter((w) => !w.trainable).reduce((n, w) => n + w.tensor.size, 0);
    out.push(line, `Trainable params: ${total.toLocaleString("en-US")}`);
    if (state) out.push(`Non-trainable state: ${state.toLocaleString("en-US")}`);
    out.push(
      `Input: [null,${this.#inputShape!.join(",")}] (${sizeOf(this.#inputShape!)} values)`,
      line,
    );
    return out.join("\n");
  }

  /** Frees all parameters. */
  dispose(): void {
    for (const l of this.layers) l.dispose();
  }
}

function softmaxOf(l: Layer): "activation" | "layer" | undefined {
  if (l instanceof Activation && l.activation === "softmax") return "layer";
  if ((l instanceof Dense || l instanceof Conv2D) && l.opts.activation === "softmax") {
    return "activation";
  }
  return undefined;
}

function callWithoutSoftmax(l: Layer, x: Tensor, c: CallContext): Tensor {
  switch (softmaxOf(l)) {
    case "layer":
      return x;
    case "activation": {
      const saved = (l as Dense | Conv2D).opts.activation;
      (l as Dense | Conv2D).opts.activation = "linear";
      try {
        return l.call(x, c);
      } finally {
        (l as Dense | Conv2D).opts.activation = saved;
      }
    }
    default:
      return l.call(x, c);
  }
}
