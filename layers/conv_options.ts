import { checkDilation, pairOf } from "../kernels/ops/mod.ts";
import type { Tensor } from "../kernels/tensor.ts";
import { activate, type ActivationName } from "./activations.ts";
import type { InitializerName } from "./initializers.ts";
import { checkOptions } from "./validate.ts";

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

/** Kernel size, strides and dilation of a 2-D convolution layer, as [height, width] pairs. */
export interface Window2 {
  kernelSize: [number, number];
  strides: [number, number];
  dilationRate: [number, number];
}

/**
 * The checked window of a 2-D convolution layer's options (`more` is checked first, e.g. its
 * `filters`): sizes whole numbers ≥ 1, no dilation with a stride above 1; throws naming `where`.
 * Example: `checkedWindow2("conv2d", { kernelSize: 3, strides: 2 }).strides` → [2, 2].
 */
export function checkedWindow2(
  where: string,
  o: Pick<ConvWindowLayerOptions<Size2, unknown>, "kernelSize" | "strides" | "dilationRate">,
  more: Parameters<typeof checkOptions>[1] = {},
): Window2 {
  checkOptions(where, {
    ...more,
    kernelSize: [o.kernelSize, "ints≥1", "required"],
    strides: [o.strides, "ints≥1"],
    dilationRate: [o.dilationRate, "ints≥1"],
  });
  const w: Window2 = {
    kernelSize: pairOf(o.kernelSize),
    strides: pairOf(o.strides ?? 1),
    dilationRate: pairOf(o.dilationRate ?? 1),
  };
  checkDilation(where, w.strides, w.dilationRate);
  return w;
}

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
