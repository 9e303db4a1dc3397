import { add, matmul } from "../kernels/ops/mod.ts";
import type { Rng } from "../kernels/random.ts";
import { fmtShape } from "../kernels/shape.ts";
import type { Tensor } from "../kernels/tensor.ts";
import { activate, type ActivationName, checkActivationName } from "./activations.ts";
import type { InitializerName } from "./initializers.ts";
import { type CallContext, KernelAndBias, Layer, type NamedTensor } from "./module.ts";
import { checkOptions } from "./validate.ts";

/** Options of {@link Dense}, named like Keras. */
export interface DenseOptions {
  units: number;
  activation?: ActivationName;
  useBias?: boolean;
  kernelInitializer?: InitializerName;
  biasInitializer?: InitializerName;
  inputShape?: number[];
}

/**
 * Fully connected layer y = act(x·W + b) on the last axis, as Keras' Dense: [batch, features]
 * gives [batch, units], [batch, time, features] gives [batch, time, units] (the same W, [features,
 * units], for every token). It passes a mask on (Keras `supports_masking`).
 */
export class Dense extends Layer {
  /** Created by `build`. */
  params?: KernelAndBias;
  constructor(readonly opts: DenseOptions) {
    super("dense", opts.inputShape);
    checkOptions("dense", { units: [opts.units, "int≥1", "required"] });
    checkActivationName("dense", "activation", opts.activation);
  }
  outputShape(s: number[]): number[] {
    if (s.length === 0) {
      throw new Error(
        `${this.name}: expects [..., features] input, got a scalar per sample ${fmtShape(s)}; ` +
          `give each sample a features axis (reshape to [batch, 1])`,
      );
    }
    const features = this.params?.kernel.shape[0];
    if (features !== undefined && s.at(-1) !== features) {
      throw new Error(
        `${this.name}: was built for ${features} features on the last axis, got input ` +
          `${fmtShape(s)}`,
      );
    }
    return [...s.slice(0, -1), this.opts.units];
  }
  override build(s: number[], rng: Rng): void {
    this.outputShape(s);
    this.params = new KernelAndBias(
      this.name,
      [s.at(-1)!, this.opts.units],
      this.opts.units,
      this.opts,
      rng,
    );
    this.built = true;
  }
  /** Keras' Dense passes the mask of a sequence on to the layer after it. */
  override get supportsMasking(): boolean {
    return true;
  }
  call(x: Tensor, _ctx: CallContext): Tensor {
    // Leading axes are flattened into rows (a view), so every token is one row of one GEMM.
    const lead = x.shape.slice(0, -1);
    const rows = x.rank > 2 ? x.reshape([lead.reduce((a, b) => a * b, 1), x.shape.at(-1)!]) : x;
    let y = matmul(rows, this.params!.kernel);
    if (this.params!.bias) y = add(y, this.params!.bias);
    y = activate(y, this.opts.activation);
    return x.rank > 2 ? y.reshape([...lead, this.opts.units]) : y;
  }
  override weights(): NamedTensor[] {
    return this.params?.weights() ?? [];
  }
  /** The options that rebuild this layer (model files). */
  getConfig(): DenseOptions {
    return structuredClone(this.opts);
  }
}
