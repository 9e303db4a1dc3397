import {
  elu,
  gelu,
  hardSigmoid,
  leakyRelu,
  logSoftmax,
  relu,
  relu6,
  selu,
  sigmoid,
  silu,
  softmax,
  softplus,
  tanh,
} from "../kernels/ops/mod.ts";
import type { Tensor } from "../kernels/tensor.ts";
import { type CallContext, Layer } from "./module.ts";

/**
 * Activation names accepted by layers (`activation: "gelu"`) and the {@link Activation} layer.
 * TF.js spellings; "swish" is "silu", "leakyRelu" uses alpha 0.2 (Keras 3's `leaky_relu`),
 * "gelu" the exact erf form (Keras' `activations.gelu`, PyTorch's default).
 */
export type ActivationName =
  | "linear"
  | "relu"
  | "sigmoid"
  | "tanh"
  | "softmax"
  | "logSoftmax"
  | "leakyRelu"
  | "elu"
  | "selu"
  | "gelu"
  | "silu"
  | "swish"
  | "softplus"
  | "hardSigmoid"
  | "relu6";

/** Options some activations take: leakyRelu's and elu's alpha, gelu's approximation. */
export interface ActivationOptions {
  /** leakyRelu: the slope below 0 (default 0.2); elu: the saturation (default 1). */
  alpha?: number;
  /** gelu: "none" (the erf form, default) or "tanh". */
  approximate?: "none" | "tanh";
}

const APPLY: Record<ActivationName, (x: Tensor, o: ActivationOptions) => Tensor> = {
  linear: (x) => x,
  relu,
  sigmoid,
  tanh,
  softmax,
  logSoftmax,
  leakyRelu: (x, o) => leakyRelu(x, o.alpha),
  elu: (x, o) => elu(x, o.alpha),
  selu,
  gelu: (x, o) => gelu(x, { approximate: o.approximate }),
  silu,
  swish: silu,
  softplus,
  hardSigmoid,
  relu6,
};

/** Every activation name, for validation and help text. */
export const ACTIVATIONS = Object.keys(APPLY) as ActivationName[];

/**
 * Throws for an activation name that does not exist, naming the layer and the option, when the
 * layer is created (not at its first call). Example: `checkActivationName("dense", "activation", o.activation)`.
 */
export function checkActivationName(where: string, option: string, name: unknown): void {
  if (name !== undefined && !(ACTIVATIONS as unknown[]).includes(name)) {
    throw new Error(`${where}: unknown ${option} "${name}"; use ${ACTIVATIONS.join(", ")}`);
  }
}

/** Which options each activation takes. */
const TAKES: Partial<Record<ActivationName, (keyof ActivationOptions)[]>> = {
  leakyRelu: ["alpha"],
  elu: ["alpha"],
  gelu: ["approximate"],
};

function checkActivation(name: string, opts: ActivationOptions): void {
  if (!(ACTIVATIONS as string[]).includes(name)) {
    throw new Error(`unknown activation "${name}"; use ${ACTIVATIONS.join(", ")}`);
  }
  for (const [k, v] of Object.entries(opts)) {
    if (v === undefined) continue;
    if (!TAKES[name as ActivationName]?.includes(k as keyof ActivationOptions)) {
      throw new Error(`activation "${name}" takes no option ${k}`);
    }
  }
  if (opts.alpha !== undefined && !Number.isFinite(opts.alpha)) {
    throw new Error(`activation "${name}": alpha ${opts.alpha} must be a finite number`);
  }
}

/** Applies an activation by name. Example: `activate(x, "elu", { alpha: 0.5 })`. */
export function activate(
  x: Tensor,
  name: ActivationName | undefined,
  opts: ActivationOptions = {},
): Tensor {
  const n = name ?? "linear";
  checkActivation(n, opts);
  return APPLY[n](x, opts);
}

/**
 * A layer that only applies an activation. Example: `layers.activation("relu")`,
 * `new Activation("leakyRelu", { alpha: 0.3 })`.
 */
export class Activation extends Layer {
  readonly options: ActivationOptions;
  constructor(readonly activation: ActivationName, options: ActivationOptions = {}) {
    super(activation);
    checkActivation(activation, options);
    this.options = Object.fromEntries(
      Object.entries(options).filter(([, v]) => v !== undefined),
    ) as ActivationOptions;
  }
  outputShape(s: number[]): number[] {
    return s;
  }
  call(x: Tensor, _ctx: CallContext): Tensor {
    return activate(x, this.activation, this.options);
  }
  /** Passes its input's mask on (Keras supports_masking). */
  override get supportsMasking(): boolean {
    return true;
  }

  /** The options that rebuild this layer (model files). */
  getConfig(): { activation: ActivationName } & ActivationOptions {
    return { activation: this.activation, ...this.options };
  }
}
