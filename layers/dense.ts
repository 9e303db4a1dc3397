import { add, matmul } from "../kernels/ops/mod.ts";
import type { Rng } from "../kernels/random.ts";
import { fmtShape } from "../kernels/shape.ts";
import { type Tensor, variable } from "../kernels/tensor.ts";
import { activate, type ActivationName } from "./activations.ts";
import { initialize, type InitializerName } from "./initializers.ts";
import { type CallContext, Layer, type NamedTensor } from "./module.ts";

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
  kernel?: Tensor;
  bias?: Tensor;
  constructor(readonly opts: DenseOptions) {
    super("dense", opts.inputShape);
    if (!(opts.units > 0)) throw new Error(`dense: units must be positive, got ${opts.units}`);
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
    this.kernel = variable(
      initialize(this.opts.kernelInitializer ?? "glorotUniform", [s[0], this.opts.units], rng),
      `${this.name}/kernel`,
    );
    if (this.opts.useBias ?? true) {
      this.bias = variable(
        initialize(this.opts.biasInitializer ?? "zeros", [this.opts.units], rng),
        `${this.name}/bias`,
      );
    }
    this.built = true;
  }
  call(x: Tensor, _ctx: CallContext): Tensor {
    let y = matmul(x, this.kernel!);
    if (this.bias) y = add(y, this.bias);
    return activate(y, this.opts.activation);
  }
  override weights(): NamedTensor[] {
    const w: NamedTensor[] = [{
      name: `${this.name}/kernel`,
      tensor: this.kernel!,
      trainable: true,
    }];
    if (this.bias) w.push({ name: `${this.name}/bias`, tensor: this.bias, trainable: true });
    return this.built ? w : [];
  }
}
