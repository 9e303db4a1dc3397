import {
  add,
  checkPadding,
  convOutput,
  type ConvWindowOptions,
  depthwiseConv2d,
  type Padding,
  windowAttrs,
} from "../kernels/ops/mod.ts";
import type { Rng } from "../kernels/random.ts";
import { fmtShape } from "../kernels/shape.ts";
import type { Tensor } from "../kernels/tensor.ts";
import { variable } from "../kernels/tensor.ts";
import { activate, checkActivationName } from "./activations.ts";
import { checkedWindow2, type ConvWindowLayerOptions, type Size2 } from "./conv_options.ts";
import { initialize, type InitializerName } from "./initializers.ts";
import { type CallContext, Layer, type NamedTensor } from "./module.ts";

/**
 * Options of {@link DepthwiseConv2D}, named like Keras: padding "valid" (default), "same" or
 * explicit pads; sizes one number for both axes or [h, w].
 */
export interface DepthwiseConv2DOptions extends ConvWindowLayerOptions<Size2, Padding> {
  /** Filters per input channel (output channels = channels · depthMultiplier); 1 by default. */
  depthMultiplier?: number;
  /** Depthwise kernel initialiser (default glorotUniform, as Keras). */
  depthwiseInitializer?: InitializerName;
}

/**
 * The checked window of a depthwise convolution: shared by {@link DepthwiseConv2D} and the
 * separable convolution, whose depthwise step is the same.
 */
export class DepthwiseWindow {
  readonly kernelSize: [number, number];
  readonly strides: [number, number];
  readonly dilationRate: [number, number];
  readonly depthMultiplier: number;
  constructor(
    where: string,
    readonly opts: Omit<DepthwiseConv2DOptions, "activation" | "useBias" | "inputShape">,
  ) {
    const w = checkedWindow2(where, opts, { depthMultiplier: [opts.depthMultiplier, "int≥1"] });
    this.kernelSize = w.kernelSize;
    this.strides = w.strides;
    this.dilationRate = w.dilationRate;
    this.depthMultiplier = opts.depthMultiplier ?? 1;
    checkPadding(where, opts.padding ?? "valid");
  }
  /** The window options of the op. */
  get windowOptions(): ConvWindowOptions {
    return { strides: this.strides, padding: this.opts.padding, dilations: this.dilationRate };
  }
  /** [OH, OW] over an [H, W, C] input; throws naming the layer for other ranks or no fit. */
  outputHW(name: string, s: number[]): [number, number] {
    if (s.length !== 3) {
      throw new Error(`${name}: expects [height, width, channels] input, got ${fmtShape(s)}`);
    }
    const a = windowAttrs(name, [s[0], s[1]], this.kernelSize, this.windowOptions);
    return convOutput(name, [0, s[0], s[1]], this.kernelSize, a);
  }
  /** The depthwise kernel [KH, KW, C, depthMultiplier] for `channels`, drawn from `rng`. */
  kernel(name: string, channels: number, rng: Rng): Tensor {
    const shape = [...this.kernelSize, channels, this.depthMultiplier];
    const init = this.opts.depthwiseInitializer ?? "glorotUniform";
    return variable(initialize(init, shape, rng), `${name}/depthwise_kernel`);
  }
}

/**
 * Depthwise 2-D convolution (Keras/TF.js DepthwiseConv2D) on NHWC input: each input channel is
 * convolved with its own `depthMultiplier` filters, kernel [KH, KW, C, depthMultiplier], output
 * channel c·depthMultiplier + m. Weights `depthwise_kernel` and `bias` [C·depthMultiplier].
 * Example: `layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: "same" })`.
 */
export class DepthwiseConv2D extends Layer {
  /** The depthwise kernel, created by `build`. */
  kernel?: Tensor;
  /** The bias, created by `build` unless `useBias` is false. */
  bias?: Tensor;
  /** The checked window (kernel size, strides, dilation, multiplier). */
  readonly window: DepthwiseWindow;
  constructor(readonly opts: DepthwiseConv2DOptions) {
    super("depthwise_conv2d", opts.inputShape);
    this.window = new DepthwiseWindow("depthwiseConv2d", opts);
    checkActivationName("depthwiseConv2d", "activation", opts.activation);
  }
  outputShape(s: number[]): number[] {
    return [...this.window.outputHW(this.name, s), s[2] * this.window.depthMultiplier];
  }
  override build(s: number[], rng: Rng): void {
    this.outputShape(s);
    this.kernel = this.window.kernel(this.name, s[2], rng);
    if (this.opts.useBias ?? true) {
      const units = s[2] * this.window.depthMultiplier;
      const b = initialize(this.opts.biasInitializer ?? "zeros", [units], rng);
      this.bias = variable(b, `${this.name}/bias`);
    }
    this.built = true;
  }
  call(x: Tensor, _ctx: CallContext): Tensor {
    const y = depthwiseConv2d(x, this.kernel!, this.window.windowOptions);
    return activate(this.bias ? add(y, this.bias) : y, this.opts.activation);
  }
  override weights(): NamedTensor[] {
    const w: NamedTensor[] = [];
    if (this.kernel) w.push({ name: this.kernel.name!, tensor: this.kernel, trainable: true });
    if (this.bias) w.push({ name: this.bias.name!, tensor: this.bias, trainable: true });
    return w;
  }
  /** The options that rebuild this layer (model files). */
  getConfig(): DepthwiseConv2DOptions {
    return structuredClone(this.opts);
  }
}
