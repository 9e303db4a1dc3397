import { defineUpdateRule } from "../../kernels/optim/update_rule.ts";
import type { UpdateRule } from "../../kernels/optim/update_rule.ts";
import type { Optimizer } from "../optimizer.ts";
import { AdamFamily, type MomentOptions } from "./adam_family.ts";

/**
 * AdamW: Adam with decoupled weight decay, as PyTorch's `torch.optim.AdamW` computes it: θ is
 * first shrunk by (1 − αλ), then takes Adam's step, θ ← θ − (α/b₁)·m / (√v/√b₂ + ε) with the
 * bias corrections b₁ = 1 − β₁ᵗ and b₂ = 1 − β₂ᵗ. The decay never enters m or v.
 */
const ADAMW = defineUpdateRule({
  name: "adamw",
  state: ["m", "v"],
  hyper: [
    "learningRate",
    "weightDecay",
    "beta1",
    "beta2",
    "epsilon",
    "biasCorrection1",
    "biasCorrection2",
  ],
  update: [
    "p = p * (1 - learningRate * weightDecay)",
    "m = beta1 * m + (1 - beta1) * g",
    "v = beta2 * v + (1 - beta2) * g * g",
    "p = p - learningRate / biasCorrection1 * m / (sqrt(v) / sqrt(biasCorrection2) + epsilon)",
  ],
  example: {
    learningRate: 0.1,
    weightDecay: 0.01,
    beta1: 0.9,
    beta2: 0.999,
    epsilon: 1e-8,
    biasCorrection1: 1 - 0.9 ** 3,
    biasCorrection2: 1 - 0.999 ** 3,
  },
});

/** Options of {@link adamW}; the defaults are PyTorch's. */
export interface AdamWOptions extends MomentOptions {
  /** Step size α (default 1e-3). */
  learningRate?: MomentOptions["learningRate"];
  /** Decoupled weight decay λ: θ ← θ(1 − αλ) each step, outside the moments (default 1e-2). */
  weightDecay?: number;
  /** Added to √v̂ (default 1e-8, PyTorch's; Keras' Adam uses 1e-7). */
  epsilon?: number;
}

class AdamW extends AdamFamily {
  constructor(o: AdamWOptions) {
    super("adamw", o, { learningRate: 1e-3, weightDecay: 1e-2, epsilon: 1e-8 });
  }
  protected rule(): UpdateRule {
    return ADAMW;
  }
  protected hyper(): Record<string, number> {
    const t = this.iterations + 1;
    return {
      ...this.momentHyper(),
      biasCorrection1: 1 - Math.pow(this.beta1, t),
      biasCorrection2: 1 - Math.pow(this.beta2, t),
    };
  }
}

/**
 * AdamW (decoupled weight decay, PyTorch semantics and defaults: lr 1e-3, betas 0.9/0.999,
 * eps 1e-8, weightDecay 1e-2). Example: `adamW({ learningRate: 3e-4, weightDecay: 0.05 })`.
 */
export function adamW(o: AdamWOptions = {}): Optimizer {
  return new AdamW(o);
}
