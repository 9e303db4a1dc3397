import { max, mean } from "../kernels/ops/mod.ts";
import { fmtShape } from "../kernels/shape.ts";
import type { Tensor } from "../kernels/tensor.ts";
import { type CallContext, Layer } from "./module.ts";

/** Options of the global pooling layers: `keepDims` keeps the pooled axes as size 1 (Keras). */
export interface GlobalPoolingOptions {
  keepDims?: boolean;
}

/** Mean or max over every axis but the batch and the last (channels/features). */
abstract class GlobalPooling extends Layer {
  constructor(
    kind: string,
    private readonly rank: number,
    private readonly reduce: typeof mean,
    readonly opts: GlobalPoolingOptions,
  ) {
    super(kind);
  }
  outputShape(s: number[]): number[] {
    if (s.length !== this.rank) {
      const want = this.rank === 3 ? "[H, W, C]" : "[time, features]";
      throw new Error(`${this.name}: expects ${want} input, got ${fmtShape(s)}`);
    }
    return this.opts.keepDims ? s.map((d, i) => (i < s.length - 1 ? 1 : d)) : [s[s.length - 1]];
  }
  call(x: Tensor, _ctx: CallContext): Tensor {
    const axes = [...Array(this.rank - 1).keys()].map((a) => a + 1);
    return this.reduce(x, axes, this.opts.keepDims ?? false);
  }
  /** The options that rebuild this layer (model files). */
  getConfig(): GlobalPoolingOptions {
    return structuredClone(this.opts);
  }
}

/** Mean over H and W of NHWC input (Keras GlobalAveragePooling2D). */
export class GlobalAveragePooling2D extends GlobalPooling {
  constructor(opts: GlobalPoolingOptions = {}) {
    super("global_average_pooling2d", 3, mean, opts);
  }
}

/** Max over H and W of NHWC input (Keras GlobalMaxPooling2D). */
export class GlobalMaxPooling2D extends GlobalPooling {
  constructor(opts: GlobalPoolingOptions = {}) {
    super("global_max_pooling2d", 3, max, opts);
  }
}

/** Mean over time of [batch, time, features] input (Keras GlobalAveragePooling1D). */
export class GlobalAveragePooling1D extends GlobalPooling {
  constructor(opts: GlobalPoolingOptions = {}) {
    super("global_average_pooling1d", 2, mean, opts);
  }
}

/** Max over time of [batch, time, features] input (Keras GlobalMaxPooling1D). */
export class GlobalMaxPooling1D extends GlobalPooling {
  constructor(opts: GlobalPoolingOptions = {}) {
    super("global_max_pooling1d", 2, max, opts);
  }
}
