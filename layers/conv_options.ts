import type { Tensor } from "../kernels/tensor.ts";
import { activate, type ActivationName } from "./activations.ts";
import type { InitializerName } from "./initializers.ts";

/**
 * The options every convolution layer shares, named like Keras. `Size` is how a window size is
 * given (a number for 1-D; one number for both axes or [h, w] for 2-D) and `Pad` the layer's
 * padding rules.
 */
export interface ConvWindowLayerOptions<Size, Pad> {
  /** Kernel size: the window's taps along each spatial axis. */
  kernelSize: Size;
  /** Step of the window; 1 by default. */
  strides?: Size;
  /** "valid" by default; each layer's options type lists the other rules it takes. */
  padding?: Pad;
  /** Distance between the kernel's taps; 1 by default. */
  dilationRate?: Size;
  /** Activation after the bias; linear by default. */
  activation?: ActivationName;
  /** Whether to add a bias per output channel (default true). */
  useBias?: boolean;
  /** Bias initialiser (default zeros). */
  biasInitializer?: InitializerName;
  /** The input shape without batch axis when this is a model's first layer. */
  inputShape?: number[];
}

/** The options of a convolution with a `filters`-wide kernel (conv1d, conv2d, conv2dTranspose). */
export interface ConvLayerOptions<Size, Pad> extends ConvWindowLayerOptions<Size, Pad> {
  /** Number of filters (output channels). */
  filters: number;
  /** Kernel initialiser (default glorotUniform). */
  kernelInitializer?: InitializerName;
}

/** A 2-D window size: one number for both axes, or [height, width]. */
export type Size2 = number | [number, number];

/**
 * Runs a convolution with ReLU fused into its kernel when `activation` is "relu" (no second pass
 * over the output) and any other activation after it.
 * Example: `withActivation("relu", (a) => conv2d(x, k, { bias, activation: a }))`.
 */
export function withActivation(
  activation: ActivationName | undefined,
  conv: (fused: "relu" | undefined) => Tensor,
): Tensor {
  const relu = activation === "relu";
  const y = conv(relu ? "relu" : undefined);
  return relu ? y : activate(y, activation);
}
