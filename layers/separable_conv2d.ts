import { conv2d, depthwiseConv2d } from "../kernels/ops/mod.ts";
import type { Rng } from "../kernels/random.ts";
import { type Tensor, variable } from "../kernels/tensor.ts";
import { checkActivationName } from "./activations.ts";
import { withActivation } from "./conv_options.ts";
import { type DepthwiseConv2DOptions, DepthwiseWindow } from "./depthwise_conv2d.ts";
import { initialize, type InitializerName } from "./initializers.ts";
import { type CallContext, Layer, type NamedTensor } from "./module.ts";
import { checkOptions } from "./validate.ts";

/**
 * Options of {@link SeparableConv2D}, named like Keras: those of the depthwise step (its window,
 * padding and multiplier) and of the pointwise 1×1 convolution ("relu" runs in its kernel).
 */
export interface SeparableConv2DOptions extends DepthwiseConv2DOptions {
  /** Output channels of the pointwise (1×1) convolution. */
  filters: number;
  /** Pointwise kernel initialiser (default glorotUniform, as Keras). */
  pointwiseInitializer?: InitializerName;
}

/**
 * Depthwise-separable 2-D convolution (Keras/TF.js SeparableConv2D): a depthwise convolution
 * (kernel [KH, KW, C, depthMultiplier], no bias) then a 1×1 conv2d (kernel [1, 1,
 * C·depthMultiplier, filters]) with the bias and activation in its kernel. Weights
 * `depthwise_kernel`, `pointwise_kernel`, `bias` (Keras' names and order).
 * Example: `layers.separableConv2d({ filters: 32, kernelSize: 3, padding: "same" })`.
 */
export class SeparableConv2D extends Layer {
  /** The depthwise kernel, created by `build`. */
  depthwiseKernel?: Tensor;
  /** The pointwise kernel, created by `build`. */
  pointwiseKernel?: Tensor;
  /** The bias, created by `build` unless `useBias` is false. */
  bias?: Tensor;
  /** The checked depthwise window. */
  readonly window: DepthwiseWindow;
  constructor(readonly opts: SeparableConv2DOptions) {
    super("separable_conv2d", opts.inputShape);
    checkOptions("separableConv2d", { filters: [opts.filters, "int≥1", "required"] });
    this.window = new DepthwiseWindow("separableConv2d", opts);
    checkActivationName("separableConv2d", "activation", opts.activation);
  }
  outputShape(s: number[]): number[] {
    return [...this.window.outputHW(this.name, s), this.opts.filters];
  }
  override build(s: number[], rng: Rng): void {
    this.outputShape(s);
    const mid = s[2] * this.window.depthMultiplier, o = this.opts;
    this.depthwiseKernel = this.window.kernel(this.name, s[2], rng);
    const pw = initialize(o.pointwiseInitializer ?? "glorotUniform", [1, 1, mid, o.filters], rng);
    this.pointwiseKernel = variable(pw, `${this.name}/pointwise_kernel`);
    if (o.useBias ?? true) {
      const b = initialize(o.biasInitializer ?? "zeros", [o.filters], rng);
      this.bias = variable(b, `${this.name}/bias`);
    }
    this.built = true;
  }
  call(x: Tensor, _ctx: CallContext): Tensor {
    const d = depthwiseConv2d(x, this.depthwiseKernel!, this.window.windowOptions);
    const pw = this.pointwiseKernel!;
    return withActivation(
      this.opts.activation,
      (activation) => conv2d(d, pw, { bias: this.bias, activation }),
    );
  }
  override weights(): NamedTensor[] {
    return [this.depthwiseKernel, this.pointwiseKernel, this.bias]
      .filter((t): t is Tensor => t !== undefined)
      .map((t) => ({ name: t.name!, tensor: t, trainable: true }));
  }
  /** The options that rebuild this layer (model files). */
  getConfig(): SeparableConv2DOptions {
    return structuredClone(this.opts);
  }
}
