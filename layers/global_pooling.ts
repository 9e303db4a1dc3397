import { div, expandDims, max, mean, sum, where } from "../kernels/ops/mod.ts";
import { fmtShape } from "../kernels/shape.ts";
import type { Tensor } from "../kernels/tensor.ts";
import { checkSequenceMask, keepValues } from "./mask.ts";
import { type CallContext, Layer } from "./module.ts";
import { cachedScalar } from "../kernels/ops/cached_scalar.ts";

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
  call(x: Tensor, ctx: CallContext): Tensor {
    const axes = [...Array(this.rank - 1).keys()].map((a) => a + 1);
    if (ctx.mask !== undefined) return this.masked(x, checkSequenceMask(this.name, ctx.mask, x));
    return this.reduce(x, axes, this.opts.keepDims ?? false);
  }
  /** The pooled output has no time axis, so no mask. */
  override computeMask(): undefined {
    return undefined;
  }
  /** The pooling over the kept steps of [batch, time, features] (the 1-D layers only). */
  protected masked(_x: Tensor, _mask: Tensor): Tensor {
    throw new Error(`${this.name}: takes no mask`);
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

/**
 * Mean over time of [batch, time, features] input (Keras GlobalAveragePooling1D); with a mask,
 * the mean of the kept steps (NaN for a row that keeps none: 0/0, as Keras).
 */
export class GlobalAveragePooling1D extends GlobalPooling {
  constructor(opts: GlobalPoolingOptions = {}) {
    super("global_average_pooling1d", 2, mean, opts);
  }
  /** Takes a [batch, time] mask; the pooled output has none. */
  override get supportsMasking(): boolean {
    return true;
  }
  protected override masked(x: Tensor, mask: Tensor): Tensor {
    const keep = expandDims(keepValues(mask, x.dtype), -1);
    const k = this.opts.keepDims ?? false;
    return div(sum(where(keep, x, cachedScalar(0, x.dtype)), 1, k), sum(keep, 1, k));
  }
}

/**
 * Max over time of [batch, time, features] input (Keras GlobalMaxPooling1D); with a mask, the
 * max of the kept steps (−∞ for a row that keeps none). Keras 3 ignores the mask here; skipping
 * the padding is what the mask is for, so this layer uses it.
 */
export class GlobalMaxPooling1D extends GlobalPooling {
  constructor(opts: GlobalPoolingOptions = {}) {
    super("global_max_pooling1d", 2, max, opts);
  }
  /** Takes a [batch, time] mask; the pooled output has none. */
  override get supportsMasking(): boolean {
    return true;
  }
  protected override masked(x: Tensor, mask: Tensor): Tensor {
    const skipped = cachedScalar(-Infinity, x.dtype);
    return max(where(expandDims(mask, -1), x, skipped), 1, this.opts.keepDims ?? false);
  }
}
