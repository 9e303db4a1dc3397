import { relu, sigmoid, softmax, tanh } from "../kernels/ops/mod.ts";
import type { Tensor } from "../kernels/tensor.ts";
import { type CallContext, Layer } from "./module.ts";

/** Activation names accepted by layers. */
export type ActivationName = "linear" | "relu" | "sigmoid" | "tanh" | "softmax";

/** Every activation name, for validation and help text. */
export const ACTIVATIONS: ActivationName[] = ["linear", "relu", "sigmoid", "tanh", "softmax"];

/** Applies an activation by name. */
export function activate(x: Tensor, name: ActivationName | undefined): Tensor {
  switch (name ?? "linear") {
    case "linear":
      return x;
    case "relu":
      return relu(x);
    case "sigmoid":
      return sigmoid(x);
    case "tanh":
      return tanh(x);
    case "softmax":
      return softmax(x);
    default:
      throw new Error(`unknown activation "${name}"; use linear, relu, sigmoid, tanh or softmax`);
  }
}

/** A layer that only applies an activation. Example: `layers.activation("relu")`. */
export class Activation extends Layer {
  constructor(readonly activation: ActivationName) {
    super(activation);
    if (!ACTIVATIONS.includes(activation)) {
      throw new Error(`unknown activation "${activation}"; use ${ACTIVATIONS.join(", ")}`);
    }
  }
  outputShape(s: number[]): number[] {
    return s;
  }
  call(x: Tensor, _ctx: CallContext): Tensor {
    return activate(x, this.activation);
  }
  /** The options that rebuild this layer (model files). */
  getConfig(): { activation: ActivationName } {
    return { activation: this.activation };
  }
}
