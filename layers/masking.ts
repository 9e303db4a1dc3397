import { expandDims, max, mul, notEqual } from "../kernels/ops/mod.ts";
import { fmtShape } from "../kernels/shape.ts";
import type { Tensor } from "../kernels/tensor.ts";
import { keepValues, type Mask } from "./mask.ts";
import { type CallContext, Layer } from "./module.ts";
import type { MaskedOutput } from "./layer.ts";
import { cachedScalar } from "../kernels/ops/cached_scalar.ts";

/** Options of {@link Masking} (Keras names). */
export interface MaskingOptions {
  /** A step whose features all equal this is skipped (default 0, Keras' mask_value). */
  maskValue?: number;
  /** [time, features] of a first layer. */
  inputShape?: number[];
}

/**
 * Marks padded steps of a float sequence (Keras `Masking`): the mask of [batch, time, features]
 * is 1 where any feature differs from `maskValue`; the output is the input with the skipped
 * steps set to 0, and the layers after it (recurrent layers, 1-D global pooling, attention)
 * skip them. Example: `new Sequential([layers.masking({ inputShape: [T, F] }), layers.lstm({ units: 8 })])`.
 */
export class Masking extends Layer {
  readonly maskValue: number;
  constructor(readonly opts: MaskingOptions = {}) {
    super("masking", opts.inputShape);
    this.maskValue = opts.maskValue ?? 0;
    if (typeof this.maskValue !== "number") {
      throw new Error(`masking: maskValue must be a number, got ${JSON.stringify(opts.maskValue)}`);
    }
  }
  outputShape(s: number[]): number[] {
    if (s.length < 2) {
      throw new Error(`masking: expects [time, features] input, got ${fmtShape(s)}`);
    }
    return s;
  }
  override get supportsMasking(): boolean {
    return true;
  }
  /** 1 where a step has a feature ≠ maskValue (NaN counts as different), [batch, time]. */
  override computeMask(x: Tensor, _mask?: Mask): Tensor {
    return max(notEqual(x, cachedScalar(this.maskValue, x.dtype)), -1);
  }
  call(x: Tensor, ctx: CallContext): Tensor {
    return this.callWithMask(x, ctx).output;
  }
  /** The output and its mask from one comparison. */
  protected override callWithMask(x: Tensor, _ctx: CallContext): MaskedOutput {
    const mask = this.computeMask(x);
    return { output: mul(x, expandDims(keepValues(mask, x.dtype), -1)), mask };
  }
  /** The options that rebuild this layer (model files). */
  getConfig(): MaskingOptions {
    return structuredClone(this.opts);
  }
}
