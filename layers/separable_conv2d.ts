import { conv2d, depthwiseConv2d, type Padding } from "../kernels/ops/mod.ts";
import type { Rng } from "../kernels/random.ts";
import { type Tensor, variable } from "../kernels/tensor.ts";
import { activate, type ActivationName, checkActivationName } from "./activations.ts";
import { DepthwiseWindow } from "./depthwise_conv2d.ts";
import { initialize, type InitializerName } from "./initializers.ts";
import { type CallContext, Layer, type NamedTensor } from "./module.ts";
import { checkOptions } from "./validate.ts";

/** Options of {@link SeparableConv2D}, named like Keras. */
export interface SeparableConv2DOptions {
  /** Output channels of the pointwise (1×1) convolution. */
  filters: number;
  /** Height and width of the depthwise filters (one number for both). */
  kernelSize: number | [number, number];
  /** Depthwise filters per input channel; 1 by default. */
  depthMultiplier?: number;
  /** Step of the depthwise window; 1 by default. */
  strides?: number | [number, number];
  /** "valid" (default), "same", or explicit pads (of the depthwise step). */
  padding?: Padding;
  /** Distance between the depthwise kernel's taps; 1 by default. */
  dilationRate?: number | [number, number];
  /** Activation after the bias; linear by default ("relu" runs in the pointwise conv kernel). */
  activation?: ActivationName;
  /** Whether to add a bias per filter (default true). */
  useBias?: boolean;
  /** Depthwise kernel initialiser (default glorotUniform, as Keras). */
  depthwiseInitializer?: InitializerName;
  /** Pointwise kernel initialiser (default glorotUniform, as Keras). */
  pointwiseInitializer?: InitializerName;
  /** Bias initialiser (default zeros). */
  biasInitializer?: InitializerName;
  /** [height, width, channels] when this is a model's first layer. */
  inputShape?: number[];
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
    const relu = this.opts.activation === "relu";
    const y = conv2d(d, this.pointwiseKernel!, {
      bias: this.bias,
      activation: relu ? "relu" : undefined,
    });
    return relu ? y : activate(y, this.opts.activation);
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
