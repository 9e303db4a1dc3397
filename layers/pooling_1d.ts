import { avgPool1d, maxPool1d, type Pool1dOptions, resolvePads } from "../kernels/ops/mod.ts";
import { windowOutput } from "../kernels/ops/mod.ts";
import { fmtShape } from "../kernels/shape.ts";
import type { Tensor } from "../kernels/tensor.ts";
import { type CallContext, Layer } from "./module.ts";
import { checkOptions } from "./validate.ts";

/** Options of the 1-D pooling layers (Keras names); strides default to the pool size. */
export type Pooling1DOptions = Pool1dOptions;

/** Pooling along time of [time, features] input: options and output shape. */
abstract class Pool1D extends Layer {
  readonly poolSize: number;
  readonly strides: number;
  constructor(kind: string, option: string, readonly opts: Pooling1DOptions) {
    super(kind);
    checkOptions(option, {
      poolSize: [opts.poolSize, "int≥1"],
      strides: [opts.strides, "int≥1"],
    });
    if (opts.padding !== undefined && opts.padding !== "valid" && opts.padding !== "same") {
      throw new Error(`${option}: padding must be "valid" or "same", got ${opts.padding}`);
    }
    this.poolSize = opts.poolSize ?? 2;
    this.strides = opts.strides ?? this.poolSize;
  }
  outputShape(s: number[]): number[] {
    if (s.length !== 2) {
      throw new Error(`${this.name}: expects [time, features] input, got ${fmtShape(s)}`);
    }
    const k: [number, number] = [1, this.poolSize], st: [number, number] = [1, this.strides];
    const pads = resolvePads(this.opts.padding ?? "valid", 1, s[0], ...k, st);
    return [windowOutput(this.name, 1, s[0], ...k, st, pads)[1], s[1]];
  }
  protected get poolOpts(): Pool1dOptions {
    return { poolSize: this.poolSize, strides: this.strides, padding: this.opts.padding };
  }
  /** The options that rebuild this layer (model files). */
  getConfig(): Pooling1DOptions {
    return structuredClone(this.opts);
  }
}

/** Max pooling along time (Keras MaxPooling1D). */
export class MaxPooling1D extends Pool1D {
  constructor(opts: Pooling1DOptions = {}) {
    super("max_pooling1d", "maxPooling1d", opts);
  }
  call(x: Tensor, _ctx: CallContext): Tensor {
    return maxPool1d(x, this.poolOpts);
  }
}

/** Average pooling along time (Keras AveragePooling1D); "same" averages only real steps. */
export class AveragePooling1D extends Pool1D {
  constructor(opts: Pooling1DOptions = {}) {
    super("average_pooling1d", "averagePooling1d", opts);
  }
  call(x: Tensor, _ctx: CallContext): Tensor {
    return avgPool1d(x, this.poolOpts);
  }
}
