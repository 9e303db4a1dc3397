import { checkDilation, conv1d, conv1dLength, type Conv1dPadding } from "../kernels/ops/mod.ts";
import type { Rng } from "../kernels/random.ts";
import { fmtShape } from "../kernels/shape.ts";
import type { Tensor } from "../kernels/tensor.ts";
import { type ConvLayerOptions, withActivation } from "./conv_options.ts";
import { type CallContext, KernelAndBias, Layer, type NamedTensor } from "./module.ts";
import { checkOptions } from "./validate.ts";

/**
 * Options of {@link Conv1D}, named like Keras: padding "valid" (default), "same", or "causal"
 * (output t sees inputs up to t); `inputShape` is [steps, channels].
 */
export type Conv1DOptions = ConvLayerOptions<number, Conv1dPadding>;

/**
 * 1-D convolution over time of [batch, steps, channels] input with a [kernelSize, channels,
 * filters] kernel (Keras Conv1D): conv2d over a height of one.
 * Example: `layers.conv1d({ filters: 16, kernelSize: 3, padding: "causal", dilationRate: 2 })`.
 */
export class Conv1D extends Layer {
  /** Created by `build`. */
  params?: KernelAndBias;
  constructor(readonly opts: Conv1DOptions) {
    super("conv1d", opts.inputShape);
    checkOptions("conv1d", {
      filters: [opts.filters, "int≥1", "required"],
      kernelSize: [opts.kernelSize, "int≥1", "required"],
      strides: [opts.strides, "int≥1"],
      dilationRate: [opts.dilationRate, "int≥1"],
    });
    const p = opts.padding;
    if (p !== undefined && p !== "valid" && p !== "same" && p !== "causal") {
      throw new Error(`conv1d: padding must be "valid", "same" or "causal", got ${String(p)}`);
    }
    checkDilation("conv1d", [opts.strides ?? 1], [opts.dilationRate ?? 1]);
  }
  /** The window options of the op, from the layer's. */
  protected get windowOptions(): { strides: number; padding: Conv1dPadding; dilations: number } {
    const o = this.opts;
    return {
      strides: o.strides ?? 1,
      padding: o.padding ?? "valid",
      dilations: o.dilationRate ?? 1,
    };
  }
  outputShape(s: number[]): number[] {
    if (s.length !== 2) {
      throw new Error(`${this.name}: expects [steps, channels] input, got ${fmtShape(s)}`);
    }
    return [conv1dLength(s[0], this.opts.kernelSize, this.windowOptions), this.opts.filters];
  }
  override build(s: number[], rng: Rng): void {
    this.outputShape(s);
    const shape = [this.opts.kernelSize, s[1], this.opts.filters];
    this.params = new KernelAndBias(this.name, shape, this.opts.filters, this.opts, rng);
    this.built = true;
  }
  call(x: Tensor, _ctx: CallContext): Tensor {
    const { kernel, bias } = this.params!;
    return withActivation(
      this.opts.activation,
      (activation) => conv1d(x, kernel, { ...this.windowOptions, bias, activation }),
    );
  }
  override weights(): NamedTensor[] {
    return this.params?.weights() ?? [];
  }
  /** The options that rebuild this layer (model files). */
  getConfig(): Conv1DOptions {
    return structuredClone(this.opts);
  }
}
