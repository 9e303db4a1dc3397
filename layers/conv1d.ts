import { checkDilation, conv1d, conv1dLength, type Conv1dPadding } from "../kernels/ops/mod.ts";
import type { Rng } from "../kernels/random.ts";
import { fmtShape } from "../kernels/shape.ts";
import type { Tensor } from "../kernels/tensor.ts";
import { activate, type ActivationName } from "./activations.ts";
import type { InitializerName } from "./initializers.ts";
import { type CallContext, KernelAndBias, Layer, type NamedTensor } from "./module.ts";
import { checkOptions } from "./validate.ts";

/** Options of {@link Conv1D}, named like Keras. */
export interface Conv1DOptions {
  /** Number of filters (output channels). */
  filters: number;
  /** Taps of each filter along time. */
  kernelSize: number;
  /** Step along time; 1 by default. */
  strides?: number;
  /** "valid" (default), "same", or "causal" (output t sees inputs up to t). */
  padding?: Conv1dPadding;
  /** Distance between the kernel's taps; 1 by default. */
  dilationRate?: number;
  /** Activation after the bias; linear by default ("relu" runs in the conv kernel). */
  activation?: ActivationName;
  /** Whether to add a per-filter bias (default true). */
  useBias?: boolean;
  /** Kernel initialiser (default glorotUniform). */
  kernelInitializer?: InitializerName;
  /** Bias initialiser (default zeros). */
  biasInitializer?: InitializerName;
  /** [steps, channels] when this is a model's first layer. */
  inputShape?: number[];
}

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
    // As conv2d: bias and ReLU are applied inside the conv kernel.
    const relu = this.opts.activation === "relu";
    const y = conv1d(x, this.params!.kernel, {
      ...this.windowOptions,
      bias: this.params!.bias,
      activation: relu ? "relu" : undefined,
    });
    return relu ? y : activate(y, this.opts.activation);
  }
  override weights(): NamedTensor[] {
    return this.params?.weights() ?? [];
  }
  /** The options that rebuild this layer (model files). */
  getConfig(): Conv1DOptions {
    return structuredClone(this.opts);
  }
}
