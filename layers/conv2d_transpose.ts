import {
  checkOutputPadding,
  conv2dTranspose,
  conv2dTransposeAttrs,
  type Conv2dTransposeOptions,
} from "../kernels/ops/mod.ts";
import type { Rng } from "../kernels/random.ts";
import { fmtShape } from "../kernels/shape.ts";
import type { Tensor } from "../kernels/tensor.ts";
import { activate } from "./activations.ts";
import { checkedWindow2, type ConvLayerOptions, type Size2 } from "./conv_options.ts";
import { type CallContext, KernelAndBias, Layer, type NamedTensor } from "./module.ts";

/**
 * Options of {@link Conv2DTranspose}, named like Keras. Padding "valid" (default): output
 * in·stride + max(kernel − stride, 0); "same": in·stride. Dilation not with strides > 1.
 */
export interface Conv2DTransposeOptions extends ConvLayerOptions<Size2, "valid" | "same"> {
  /**
   * Extra rows and columns at the bottom and right, each below its stride (Keras
   * output_padding): the output is then (in − 1)·stride + kernel ("valid") or
   * (in − 1)·stride + kernel mod 2 ("same"), plus this.
   */
  outputPadding?: Size2;
}

/**
 * Transposed 2-D convolution (Keras Conv2DTranspose) on NHWC input with a
 * [KH, KW, filters, inChannels] kernel: the upsampling layer of decoders and generators.
 * Example: `layers.conv2dTranspose({ filters: 8, kernelSize: 3, strides: 2, padding: "same" })`
 * doubles the height and width.
 */
export class Conv2DTranspose extends Layer {
  /** Created by `build`. */
  params?: KernelAndBias;
  /** Kernel height and width. */
  readonly kernelSize: [number, number];
  /** The step along height and width. */
  readonly strides: [number, number];
  /** The dilation along height and width. */
  readonly dilationRate: [number, number];
  constructor(readonly opts: Conv2DTransposeOptions) {
    super("conv2d_transpose", opts.inputShape);
    const w = checkedWindow2("conv2dTranspose", opts, {
      filters: [opts.filters, "int≥1", "required"],
    });
    const p = opts.padding;
    if (p !== undefined && p !== "valid" && p !== "same") {
      throw new Error(`conv2dTranspose: padding must be "valid" or "same", got ${String(p)}`);
    }
    this.kernelSize = w.kernelSize;
    this.strides = w.strides;
    this.dilationRate = w.dilationRate;
    if (opts.outputPadding !== undefined) checkOutputPadding(opts.outputPadding, this.strides);
  }
  /** The window options of the op, from the layer's. */
  protected get windowOptions(): Omit<Conv2dTransposeOptions, "bias"> {
    return {
      strides: this.strides,
      padding: this.opts.padding,
      dilations: this.dilationRate,
      outputPadding: this.opts.outputPadding,
    };
  }
  outputShape(s: number[]): number[] {
    if (s.length !== 3) {
      throw new Error(`${this.name}: expects [height, width, channels] input, got ${fmtShape(s)}`);
    }
    const { outHW } = conv2dTransposeAttrs([s[0], s[1]], this.kernelSize, this.windowOptions);
    return [...outHW, this.opts.filters];
  }
  override build(s: number[], rng: Rng): void {
    this.outputShape(s);
    const shape = [...this.kernelSize, this.opts.filters, s[2]];
    this.params = new KernelAndBias(this.name, shape, this.opts.filters, this.opts, rng);
    this.built = true;
  }
  call(x: Tensor, _ctx: CallContext): Tensor {
    const y = conv2dTranspose(x, this.params!.kernel, {
      ...this.windowOptions,
      bias: this.params!.bias,
    });
    return activate(y, this.opts.activation);
  }
  override weights(): NamedTensor[] {
    return this.params?.weights() ?? [];
  }
  /** The options that rebuild this layer (model files). */
  getConfig(): Conv2DTransposeOptions {
    return structuredClone(this.opts);
  }
}
