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

/** Fully connected layer y = act(x·W + b) on [batch, features] input. */
export class Dense extends Layer {
  /** Created by `build`. */
  params?: KernelAndBias;
  constructor(readonly opts: DenseOptions) {
    super("dense", opts.inputShape);
    checkOptions("dense", { units: [opts.units, "int≥1", "required"] });
    checkActivationName("dense", "activation", opts.activation);
  }
  outputShape(s: number[]): number[] {
    if (s.length !== 1) {
      throw new Error(
        `${this.name}: expects [features] input, got ${fmtShape(s)}; add flatten() before it`,
      );
    }
    return [this.opts.units];
  }
  override build(s: number[], rng: Rng): void {
    this.outputShape(s);
    this.params = new KernelAndBias(
      this.name,
      [s[0], this.opts.units],
      this.opts.units,
      this.opts,
      rng,
    );
    this.built = true;
  }
  call(x: Tensor, _ctx: CallContext): Tensor {
    let y = matmul(x, this.params!.kernel);
    if (this.params!.bias) y = add(y, this.params!.bias);
    return activate(y, this.opts.activation);
  }
  override weights(): NamedTensor[] {
    return this.params?.weights() ?? [];
  }
  /** The options that rebuild this layer (model files). */
  getConfig(): DenseOptions {
    return structuredClone(this.opts);
  }
}
