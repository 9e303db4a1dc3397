import {
  checkPadding,
  conv2d,
  convOutput,
  type ConvWindowOptions,
  type Padding,
  windowAttrs,
} from "../kernels/ops/mod.ts";
import type { Rng } from "../kernels/random.ts";
import { fmtShape } from "../kernels/shape.ts";
import type { Tensor } from "../kernels/tensor.ts";
import { checkActivationName } from "./activations.ts";
import {
  checkedWindow2,
  type ConvLayerOptions,
  type Size2,
  withActivation,
} from "./conv_options.ts";
import { type CallContext, KernelAndBias, Layer, type NamedTensor } from "./module.ts";

/**
 * Options of {@link Conv2D}, named like Keras: padding "valid" (default), "same" or explicit pads;
 * sizes one number for both axes or [h, w].
 */
export type Conv2DOptions = ConvLayerOptions<Size2, Padding>;

/** 2-D convolution layer on NHWC input with a [KH, KW, Cin, filters] kernel. */
export class Conv2D extends Layer {
  /** Created by `build`. */
  params?: KernelAndBias;
  readonly kernelSize: [number, number];
  readonly strides: [number, number];
  /** The dilation along height and width. */
  readonly dilationRate: [number, number];
  constructor(readonly opts: Conv2DOptions) {
    super("conv2d", opts.inputShape);
    const w = checkedWindow2("conv2d", opts, { filters: [opts.filters, "int≥1", "required"] });
    this.kernelSize = w.kernelSize;
    this.strides = w.strides;
    this.dilationRate = w.dilationRate;
    checkPadding("conv2d", opts.padding ?? "valid");
    checkActivationName("conv2d", "activation", opts.activation);
  }
  /** The window options of the op, from the layer's. */
  protected get windowOptions(): ConvWindowOptions {
    return { strides: this.strides, padding: this.opts.padding, dilations: this.dilationRate };
  }
  outputShape(s: number[]): number[] {
    if (s.length !== 3) {
      throw new Error(`${this.name}: expects [height, width, channels] input, got ${fmtShape(s)}`);
    }
    const a = windowAttrs(this.name, [s[0], s[1]], this.kernelSize, this.windowOptions);
    const [oh, ow] = convOutput(this.name, [0, s[0], s[1]], this.kernelSize, a);
    return [oh, ow, this.opts.filters];
  }
  override build(s: number[], rng: Rng): void {
    this.outputShape(s);
    this.params = new KernelAndBias(
      this.name,
      [...this.kernelSize, s[2], this.opts.filters],
      this.opts.filters,
      this.opts,
      rng,
    );
    this.built = true;
  }
  call(x: Tensor, _ctx: CallContext): Tensor {
    const { kernel, bias } = this.params!;
    return withActivation(
      this.opts.activation,
      (activation) => conv2d(x, kernel, { ...this.windowOptions, bias, activation }),
    );
  }
  override weights(): NamedTensor[] {
    return this.params?.weights() ?? [];
  }
  /** The options that rebuild this layer (model files). */
  getConfig(): Conv2DOptions {
    return structuredClone(this.opts);
  }
}
