import { maxPool2d, type Padding, resolvePads, windowOutput } from "../kernels/ops/mod.ts";
import { fmtShape } from "../kernels/shape.ts";
import type { Tensor } from "../kernels/tensor.ts";
import { type CallContext, Layer } from "./module.ts";
import { checkOptions } from "./validate.ts";

/** Options of {@link MaxPool2D}; strides default to the pool size like Keras. */
export interface MaxPool2DOptions {
  poolSize?: number | [number, number];
  strides?: number | [number, number];
  padding?: Padding;
}

/** Max pooling layer on NHWC input. */
export class MaxPool2D extends Layer {
  readonly pool: [number, number];
  readonly strides: [number, number];
  constructor(readonly opts: MaxPool2DOptions = {}) {
    super("max_pooling2d");
    checkOptions("maxPool2d", {
      poolSize: [opts.poolSize, "ints≥1"],
      strides: [opts.strides, "ints≥1"],
    });
    const pair = (v: number | [number, number]): [number, number] =>
      typeof v === "number" ? [v, v] : v;
    this.pool = pair(opts.poolSize ?? 2);
    this.strides = pair(opts.strides ?? this.pool);
  }
  outputShape(s: number[]): number[] {
    if (s.length !== 3) {
      throw new Error(`${this.name}: expects [H, W, C] input, got ${fmtShape(s)}`);
    }
    const pads = resolvePads(this.opts.padding ?? "valid", s[0], s[1], ...this.pool, this.strides);
    const [oh, ow] = windowOutput(this.name, s[0], s[1], ...this.pool, this.strides, pads);
    return [oh, ow, s[2]];
  }
  call(x: Tensor, _ctx: CallContext): Tensor {
    return maxPool2d(x, { poolSize: this.pool, strides: this.strides, padding: this.opts.padding });
  }
  /** The options that rebuild this layer (model files). */
  getConfig(): MaxPool2DOptions {
    return structuredClone(this.opts);
  }
}
