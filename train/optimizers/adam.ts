import { defineUpdateRule } from "../../kernels/optim/update_rule.ts";
import type { UpdateRule } from "../../kernels/optim/update_rule.ts";
import type { Optimizer } from "../optimizer.ts";
import { AdamFamily, type MomentOptions } from "./adam_family.ts";

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

/** Options of {@link adam}; ε defaults to 1e-7 (Keras). */
export type AdamOptions = MomentOptions;

class Adam extends AdamFamily {
  constructor(o: AdamOptions) {
    super("adam", o, { learningRate: 0.001, epsilon: 1e-7 });
  }
  protected rule(): UpdateRule {
    return ADAM;
  }
  protected hyper(): Record<string, number> {
    const t = this.iterations + 1;
    return {
      ...this.momentHyper(),
      correction1: 1 / (1 - Math.pow(this.beta1, t)),
      correction2: 1 / (1 - Math.pow(this.beta2, t)),
    };
  }
}

/** Adam with bias correction. Example: `adam({ learningRate: 1e-3 })`. */
export function adam(o: AdamOptions = {}): Optimizer {
  return new Adam(o);
}
