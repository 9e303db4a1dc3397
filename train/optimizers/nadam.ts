import { defineUpdateRule } from "../../kernels/optim/update_rule.ts";
import type { UpdateRule } from "../../kernels/optim/update_rule.ts";
import type { Optimizer } from "../optimizer.ts";
import { AdamFamily, type MomentOptions } from "./adam_family.ts";

/**
 * Nadam (Dozat 2016) as Keras computes it: a momentum schedule μₜ = β₁(1 − ½·0.96ᵗ) and its
 * running product Πₜ = μ₁⋯μₜ; m and v as Adam's, then
 * θ ← θ − α·m̂/(√v̂ + ε) with m̂ = μₜ₊₁m/(1 − Πₜ₊₁) + (1 − μₜ)g/(1 − Πₜ) and v̂ = v/(1 − β₂ᵗ).
 * PyTorch's `torch.optim.NAdam` uses μₜ = β₁(1 − ½·0.96^(0.004t)) (`momentum_decay` 4e-3), so
 * its steps differ; its defaults are lr 2e-3, ε 1e-8.
 */
const NADAM = defineUpdateRule({
  name: "nadam",
  state: ["m", "v"],
  // momentumCoef = μₜ₊₁/(1 − Πₜ₊₁), gradientCoef = (1 − μₜ)/(1 − Πₜ), correction2 = 1/(1 − β₂ᵗ).
  hyper: [
    "learningRate",
    "weightDecay",
    "beta1",
    "beta2",
    "epsilon",
    "momentumCoef",
    "gradientCoef",
    "correction2",
  ],
  update: [
    "let gd = g + weightDecay * p",
    "m = beta1 * m + (1 - beta1) * gd",
    "v = beta2 * v + (1 - beta2) * gd * gd",
    "p = p - learningRate * (momentumCoef * m + gradientCoef * gd) / (sqrt(v * correction2) + epsilon)",
  ],
  example: {
    learningRate: 0.1,
    weightDecay: 0.01,
    beta1: 0.9,
    beta2: 0.999,
    epsilon: 1e-7,
    momentumCoef: 2.1,
    gradientCoef: 0.4,
    correction2: 1 / (1 - 0.999 ** 3),
  },
});

/** Options of {@link nadam}; the defaults are Keras' (lr 1e-3, ε 1e-7). */
export type NadamOptions = MomentOptions;

class Nadam extends AdamFamily {
  constructor(o: NadamOptions) {
    super("nadam", o, { learningRate: 1e-3, epsilon: 1e-7 });
  }
  protected rule(): UpdateRule {
    return NADAM;
  }
  /** μₜ of the momentum schedule. */
  #mu(t: number): number {
    return this.beta1 * (1 - 0.5 * Math.pow(0.96, t));
  }
  #cached = { t: 0, product: 1 };
  /** Πₜ, advanced from the last step's (or recomputed after `iterations` was set). */
  #product(t: number): number {
    let { t: at, product } = this.#cached;
    if (at > t) [at, product] = [0, 1];
    while (at < t) product *= this.#mu(++at);
    this.#cached = { t, product };
    return product;
  }
  protected hyper(): Record<string, number> {
    const t = this.iterations + 1;
    const product = this.#product(t);
    const next = product * this.#mu(t + 1);
    return {
      ...this.momentHyper(),
      momentumCoef: this.#mu(t + 1) / (1 - next),
      gradientCoef: (1 - this.#mu(t)) / (1 - product),
      correction2: 1 / (1 - Math.pow(this.beta2, t)),
    };
  }
}

/**
 * Nadam, Adam with Nesterov momentum (Keras semantics and defaults: lr 1e-3, betas 0.9/0.999,
 * epsilon 1e-7). Example: `nadam({ learningRate: 2e-3 })`.
 */
export function nadam(o: NadamOptions = {}): Optimizer {
  return new Nadam(o);
}
