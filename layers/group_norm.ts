import { groupNorm } from "../kernels/ops/mod.ts";
import type { Rng } from "../kernels/random.ts";
import { fmtShape } from "../kernels/shape.ts";
import type { Tensor } from "../kernels/tensor.ts";
import { type CallContext, Layer, type NamedTensor } from "./module.ts";
import { applyScaleOffset, createScaleOffset, scaleOffsetWeights } from "./scale_offset.ts";
import { checkOptions } from "./validate.ts";

/** Options of {@link GroupNormalization} (Keras 3 names and defaults, channels last). */
export interface GroupNormalizationOptions {
  /** Groups of consecutive channels; must divide the channels (default 32). */
  groups?: number;
  epsilon?: number;
  center?: boolean;
  scale?: boolean;
  inputShape?: number[];
}

/**
 * Group normalisation (Keras 3 GroupNormalization, axis -1): each sample's group of channels
 * normalised over its positions and channels, then a per-channel gamma and beta.
 */
export class GroupNormalization extends Layer {
  gamma?: Tensor;
  beta?: Tensor;
  readonly groups: number;
  readonly epsilon: number;
  constructor(readonly opts: GroupNormalizationOptions = {}) {
    super("group_normalization", opts.inputShape);
    checkOptions("groupNormalization", {
      groups: [opts.groups, "int≥1"],
      epsilon: [opts.epsilon, ">0"],
    });
    this.groups = opts.groups ?? 32;
    this.epsilon = opts.epsilon ?? 1e-3;
  }
  outputShape(s: number[]): number[] {
    const c = s[s.length - 1];
    if (s.length < 1 || c % this.groups !== 0) {
      throw new Error(
        `${this.name}: ${this.groups} groups must divide the channels (last axis) of ` +
          `${fmtShape(s)}; choose groups that divide ${c}`,
      );
    }
    return s;
  }
  override build(s: number[], _rng: Rng): void {
    this.outputShape(s);
    const c = s[s.length - 1];
    Object.assign(this, createScaleOffset(this.name, [c], this.opts));
    this.built = true;
  }
  call(x: Tensor, _ctx: CallContext): Tensor {
    const y = groupNorm(x, { groups: this.groups, epsilon: this.epsilon });
    return applyScaleOffset(y, this);
  }
  override weights(): NamedTensor[] {
    return scaleOffsetWeights(this.name, this);
  }
  /** The options that rebuild this layer (model files). */
  getConfig(): GroupNormalizationOptions {
    return structuredClone(this.opts);
  }
}
