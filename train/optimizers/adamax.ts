import { abs, add, div, maximum, mulScalar, sub } from "../../kernels/ops/mod.ts";
import type { Tensor } from "../../kernels/tensor.ts";
import { BaseOptimizer, type BaseOptions, type Optimizer } from "../optimizer.ts";

/**
 * Adamax as Keras computes it (Kingma & Ba 2015, §7.1): m ← β₁m + (1−β₁)g,
 * u ← max(β₂u, |g|), θ ← θ − α·m / ((1 − β₁ᵗ)(u + ε)). Written with tensor ops (the rule
 * language has no max). PyTorch's `torch.optim.Adamax` puts ε inside the max
 * (u ← max(β₂u, |g| + ε), θ ← θ − α/(1 − β₁ᵗ)·m/u) and defaults to lr 2e-3, ε 1e-8.
 */

/** Options of {@link adamax}; the defaults are Keras'. */
export interface AdamaxOptions extends BaseOptions {
  /** Step size α (default 1e-3). */
  learningRate?: BaseOptions["learningRate"];
  /** Decay of the gradient mean (default 0.9). */
  beta1?: number;
  /** Decay of the infinity norm (default 0.999). */
  beta2?: number;
  /** Added to u (default 1e-7). */
  epsilon?: number;
}

class Adamax extends BaseOptimizer {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  constructor(o: AdamaxOptions) {
    super("adamax", o, 1e-3);
    this.beta1 = o.beta1 ?? 0.9;
    this.beta2 = o.beta2 ?? 0.999;
    this.epsilon = o.epsilon ?? 1e-7;
  }
  protected stateNames(): string[] {
    return ["m", "u"];
  }
  protected update(p: Tensor, g: Tensor, [m, u]: Tensor[], lr: number): Tensor {
    const { beta1, beta2, epsilon } = this;
    const gd = this.weightDecay ? add(g, mulScalar(p, this.weightDecay)) : g;
    const m1 = add(mulScalar(m, beta1), mulScalar(gd, 1 - beta1));
    const u1 = maximum(mulScalar(u, beta2), abs(gd));
    m.assign(m1);
    u.assign(u1);
    const correction = 1 - Math.pow(beta1, this.iterations + 1);
    return sub(p, mulScalar(div(m1, add(u1, epsilon)), lr / correction));
  }
  override config(): Record<string, unknown> {
    return { ...super.config(), beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }
}

/**
 * Adamax (Keras semantics and defaults: lr 1e-3, betas 0.9/0.999, epsilon 1e-7).
 * Example: `adamax({ learningRate: 2e-3 })`.
 */
export function adamax(o: AdamaxOptions = {}): Optimizer {
  return new Adamax(o);
}
