import { defineUpdateRule } from "../../kernels/optim/update_rule.ts";
import type { UpdateRule } from "../../kernels/optim/update_rule.ts";
import { type BaseOptions, FusedOptimizer, type Optimizer } from "../optimizer.ts";

/** RMSprop: a running mean of squared gradients scales each step. */

const RMSPROP = defineUpdateRule({
  name: "rmsprop",
  state: ["meanSquare"],
  hyper: ["learningRate", "weightDecay", "rho", "epsilon"],
  update: [
    "let gd = g + weightDecay * p",
    "meanSquare = rho * meanSquare + (1 - rho) * gd * gd",
    "p = p - learningRate * gd / (sqrt(meanSquare) + epsilon)",
  ],
  example: { learningRate: 0.1, weightDecay: 0.01, rho: 0.9, epsilon: 1e-7 },
});

/** Options of {@link rmsprop}. */
export interface RmspropOptions extends BaseOptions {
  rho?: number;
  epsilon?: number;
}

class Rmsprop extends FusedOptimizer {
  readonly rho: number;
  readonly epsilon: number;
  constructor(o: RmspropOptions) {
    super("rmsprop", o, 0.001);
    this.rho = o.rho ?? 0.9;
    this.epsilon = o.epsilon ?? 1e-7;
  }
  protected rule(): UpdateRule {
    return RMSPROP;
  }
  protected hyper(): Record<string, number> {
    return { weightDecay: this.weightDecay, rho: this.rho, epsilon: this.epsilon };
  }
  override config(): Record<string, unknown> {
    return { ...super.config(), rho: this.rho, epsilon: this.epsilon };
  }
}

/** RMSprop: θ ← θ − α·g/(√s + ε) with s ← ρs + (1−ρ)g². */
export function rmsprop(o: RmspropOptions = {}): Optimizer {
  return new Rmsprop(o);
}
