import { layerNorm } from "../kernels/ops/mod.ts";
import type { Rng } from "../kernels/random.ts";
import { fmtShape, normAxes } from "../kernels/shape.ts";
import type { Tensor } from "../kernels/tensor.ts";
import { type CallContext, Layer, type NamedTensor } from "./module.ts";
import { applyScaleOffset, createScaleOffset, scaleOffsetWeights } from "./scale_offset.ts";
import { checkOptions } from "./validate.ts";

/** Options of {@link LayerNormalization} (Keras names and defaults). */
export interface LayerNormalizationOptions {
  /** Axes normalised, counted on the input with its batch axis like Keras (default -1). */
  axis?: number | number[];
  /** Added to the variance: 1e-3 as Keras (PyTorch's LayerNorm uses 1e-5). */
  epsilon?: number;
  /** Learn an offset beta (default true). */
  center?: boolean;
  /** Learn a scale gamma (default true). */
  scale?: boolean;
  inputShape?: number[];
}

/**
 * Layer normalisation (Keras LayerNormalization): each sample normalised over `axis` to zero
 * mean and unit (biased) variance by the fused layerNorm op, then scaled by gamma and shifted
 * by beta, both of the normalised axes' shape.
 */
export class LayerNormalization extends Layer {
  gamma?: Tensor;
  beta?: Tensor;
  readonly epsilon: number;
  constructor(readonly opts: LayerNormalizationOptions = {}) {
    super("layer_normalization", opts.inputShape);
    checkOptions("layerNormalization", { epsilon: [opts.epsilon, ">0"] });
    this.epsilon = opts.epsilon ?? 1e-3;
  }
  /** The normalised axes of an input of rank `rank` (batch included), checked. */
  private axes(rank: number): number[] {
    const axes = normAxes(this.opts.axis ?? -1, rank, this.name);
    if (axes.includes(0)) {
      throw new Error(`${this.name}: axis ${this.opts.axis} includes the batch axis 0`);
    }
    return axes;
  }
  outputShape(s: number[]): number[] {
    if (s.length < 1) throw new Error(`${this.name}: expects features, got ${fmtShape(s)}`);
    this.axes(s.length + 1);
    return s;
  }
  override build(s: number[], _rng: Rng): void {
    const shape = this.axes(s.length + 1).map((a) => s[a - 1]);
    Object.assign(this, createScaleOffset(this.name, shape, this.opts));
    this.built = true;
  }
  /** Passes its input's mask on (Keras supports_masking). */
  override get supportsMasking(): boolean {
    return true;
  }
  call(x: Tensor, _ctx: CallContext): Tensor {
    const axes = this.axes(x.rank);
    const y = layerNorm(x, { axes, epsilon: this.epsilon });
    // gamma/beta hold the normalised axes; size-1 axes elsewhere make them broadcast.
    const at = x.shape.map((d, a) => (axes.includes(a) ? d : 1));
    return applyScaleOffset(y, this, at);
  }
  override weights(): NamedTensor[] {
    return scaleOffsetWeights(this.name, this);
  }
  /** The options that rebuild this layer (model files). */
  getConfig(): LayerNormalizationOptions {
    return structuredClone(this.opts);
  }
}
