import {
  avgPool2d,
  checkPadding,
  maxPool2d,
  type Padding,
  resolvePads,
  windowOutput,
} from "../kernels/ops/mod.ts";
import { fmtShape } from "../kernels/shape.ts";
import type { Tensor } from "../kernels/tensor.ts";
import { type CallContext, Layer } from "./module.ts";
import { checkOptions } from "./validate.ts";

/** Options of {@link MaxPool2D} and {@link AveragePooling2D}; strides default to the pool size. */
export interface MaxPool2DOptions {
  poolSize?: number | [number, number];
  strides?: number | [number, number];
  padding?: Padding;
}

/** Options of {@link AveragePooling2D} (those of max pooling). */
export type AveragePooling2DOptions = MaxPool2DOptions;

const pair = (v: number | [number, number]): [number, number] => typeof v === "number" ? [v, v] : v;

/** 2-D pooling on NHWC input: the window options and output shape both kinds share. */
abstract class Pool2D extends Layer {
  readonly pool: [number, number];
  readonly strides: [number, number];
  constructor(kind: string, option: string, readonly opts: MaxPool2DOptions) {
    super(kind);
    checkOptions(option, {
      poolSize: [opts.poolSize, "ints≥1"],
      strides: [opts.strides, "ints≥1"],
    });
    checkPadding(option, opts.padding ?? "valid");
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
  /** The options that rebuild this layer (model files). */
  getConfig(): MaxPool2DOptions {
    return structuredClone(this.opts);
  }
}

/** Max pooling layer on NHWC input; padding "same" never picks the padding. */
export class MaxPool2D extends Pool2D {
  constructor(opts: MaxPool2DOptions = {}) {
    super("max_pooling2d", "maxPool2d", opts);
  }
  call(x: Tensor, _ctx: CallContext): Tensor {
    return maxPool2d(x, { poolSize: this.pool, strides: this.strides, padding: this.opts.padding });
  }
}

/**
 * Average pooling layer on NHWC input (Keras AveragePooling2D); with padding "same" each window
 * averages only its real pixels, as Keras (PyTorch's AvgPool2d counts the padding by default).
 */
export class AveragePooling2D extends Pool2D {
  constructor(opts: AveragePooling2DOptions = {}) {
    super("average_pooling2d", "averagePooling2d", opts);
  }
  call(x: Tensor, _ctx: CallContext): Tensor {
    return avgPool2d(x, { poolSize: this.pool, strides: this.strides, padding: this.opts.padding });
  }
}
