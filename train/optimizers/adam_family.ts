/**
 * What Adam, AdamW and Nadam share: β₁, β₂ and ε with their defaults, the hyperparameters every
 * one of their fused rules takes, and the config entries model files record.
 * @module
 */
import { type BaseOptions, FusedOptimizer } from "../optimizer.ts";

/** The moment options of the Adam family. */
export interface MomentOptions extends BaseOptions {
  /** Decay of the gradient mean (default 0.9). */
  beta1?: number;
  /** Decay of the squared-gradient mean (default 0.999). */
  beta2?: number;
  /** Added to √v̂ (default: the optimiser's, 1e-7 as Keras or 1e-8 as PyTorch). */
  epsilon?: number;
}

/** The defaults a member of the family starts from. */
export interface FamilyDefaults {
  /** Default step size. */
  learningRate: number;
  /** Default weight decay (0 when not given). */
  weightDecay?: number;
  /** Default ε. */
  epsilon: number;
}

/** A fused Adam-family optimiser: the moment hyperparameters, checked and defaulted once. */
export abstract class AdamFamily extends FusedOptimizer {
  /** Decay of the gradient mean. */
  readonly beta1: number;
  /** Decay of the squared-gradient mean. */
  readonly beta2: number;
  /** Added to the denominator. */
  readonly epsilon: number;
  /** Options `o` over the member's defaults `d` (checked by BaseOptimizer). */
  constructor(name: string, o: MomentOptions, d: FamilyDefaults) {
    super(name, o, d.learningRate, d.weightDecay);
    this.beta1 = o.beta1 ?? 0.9;
    this.beta2 = o.beta2 ?? 0.999;
    this.epsilon = o.epsilon ?? d.epsilon;
  }
  /** weightDecay, beta1, beta2 and epsilon by the rules' names; a subclass adds its own. */
  protected momentHyper(): Record<string, number> {
    return {
      weightDecay: this.weightDecay,
      beta1: this.beta1,
      beta2: this.beta2,
      epsilon: this.epsilon,
    };
  }
  /** The base config plus beta1, beta2 and epsilon. */
  override config(): Record<string, unknown> {
    return { ...super.config(), beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }
}
