import { sizeOf } from "../kernels/shape.ts";
import type { Tensor } from "../kernels/tensor.ts";
import { type CallContext, Layer } from "./module.ts";

/** Flattens every axis but the batch axis (a view: no copy). */
export class Flatten extends Layer {
  constructor(inputShape?: number[]) {
    super("flatten", inputShape);
  }
  outputShape(s: number[]): number[] {
    return [sizeOf(s)];
  }
  call(x: Tensor, _ctx: CallContext): Tensor {
    return x.reshape([x.shape[0], -1]);
  }
  /** The options that rebuild this layer (model files). */
  getConfig(): { inputShape?: number[] } {
    return this.inputShape ? { inputShape: [...this.inputShape] } : {};
  }
}
