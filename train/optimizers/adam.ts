import { defineUpdateRule } from "../../kernels/optim/update_rule.ts";
import type { UpdateRule } from "../../kernels/optim/update_rule.ts";
import { type BaseOptions, FusedOptimizer, type Optimizer } from "../optimizer.ts";

/** Adam with bias correction and coupled L2 weight decay (PyTorch `Adam(weight_decay=λ)`). */

const ADAM = defineUpdateRule({
  name: "adam",
  state: ["m", "v"],
  // correction1/2 are 1/(1−β₁ᵗ) and 1/(1−β₂ᵗ), set every step.
  hyper: ["learningRate", "weightDecay", "beta1", "beta2", "epsilon", "correction1", "correction2"],
  update: [
    "let gd = g + weightDecay * p",
    "m = beta1 * m + (1 - beta1) * gd",
    "v = beta2 * v + (1 - beta2) * gd * gd",
    "p = p - learningRate * (m * correction1) / (sqrt(v * correction2) + epsilon)",
  ],
  example: {
    learningRate: 0.1,
    weightDecay: 0.01,
    beta1: 0.9,
    beta2: 0.999,
    epsilon: 1e-7,
    correction1: 1 / (1 - 0.9 ** 3),
    correction2: 1 / (1 - 0.999 ** 3),
  },
});

/** Options of {@link adam}. */
export interface AdamOptions extends BaseOptions {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

class Adam extends FusedOptimizer {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  constructor(o: AdamOptions) {
    super("adam", o, 0.001);
    this.beta1 = o.beta1 ?? 0.9;
    this.beta2 = o.beta2 ?? 0.999;
    this.epsilon = o.epsilon ?? 1e-7;
  }
  protected rule(): UpdateRule {
    return ADAM;
  }
  protected hyper(): Record<string, number> {
    const t = this.iterations + 1;
    return {
      weightDecay: this.weightDecay,
      beta1: this.beta1,
      beta2: this.beta2,
      epsilon: this.epsilon,
      correction1: 1 / (1 - Math.pow(this.beta1, t)),
      correction2: 1 / (1 - Math.pow(this.beta2, t)),
    };
  }
  override config(): Record<string, unknown> {
    return { ...super.config(), beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }
}

/** Adam with bias correction. Example: `adam({ learningRate: 1e-3 })`. */
export function adam(o: AdamOptions = {}): Optimizer {
  return new Adam(o);
}
