import { defineUpdateRule } from "../../kernels/optim/update_rule.ts";
import type { UpdateRule } from "../../kernels/optim/update_rule.ts";
import { type BaseOptions, FusedOptimizer, type Optimizer } from "../optimizer.ts";

/**
 * Adagrad as Keras computes it: a ← a + g², θ ← θ − α·g/√(a + ε), with a starting at
 * `initialAccumulatorValue`. PyTorch's `torch.optim.Adagrad` differs: ε outside the root
 * (g/(√a + ε)), defaults lr 1e-2, initial accumulator 0, ε 1e-10, and an `lr_decay` Keras lacks.
 */
const ADAGRAD = defineUpdateRule({
  name: "adagrad",
  state: ["accumulator"],
  hyper: ["learningRate", "weightDecay", "epsilon"],
  update: [
    "let gd = g + weightDecay * p",
    "accumulator = accumulator + gd * gd",
    "p = p - learningRate * gd / sqrt(accumulator + epsilon)",
  ],
  example: { learningRate: 0.1, weightDecay: 0.01, epsilon: 1e-7 },
});

/** Options of {@link adagrad}; the defaults are Keras'. */
export interface AdagradOptions extends BaseOptions {
  /** Step size α (default 1e-3). */
  learningRate?: BaseOptions["learningRate"];
  /** The accumulator's starting value (default 0.1). */
  initialAccumulatorValue?: number;
  /** Added under the square root (default 1e-7). */
  epsilon?: number;
}

class Adagrad extends FusedOptimizer {
  readonly initialAccumulatorValue: number;
  readonly epsilon: number;
  constructor(o: AdagradOptions) {
    super("adagrad", o, 1e-3);
    this.initialAccumulatorValue = o.initialAccumulatorValue ?? 0.1;
    this.epsilon = o.epsilon ?? 1e-7;
    if (!(this.initialAccumulatorValue >= 0)) {
      throw new Error(
        `adagrad: initialAccumulatorValue must be ≥ 0, got ${this.initialAccumulatorValue}`,
      );
    }
  }
  protected rule(): UpdateRule {
    return ADAGRAD;
  }
  protected override initialState(): number {
    return this.initialAccumulatorValue;
  }
  protected hyper(): Record<string, number> {
    return { weightDecay: this.weightDecay, epsilon: this.epsilon };
  }
  override config(): Record<string, unknown> {
    return {
      ...super.config(),
      initialAccumulatorValue: this.initialAccumulatorValue,
      epsilon: this.epsilon,
    };
  }
}

/**
 * Adagrad (Keras semantics and defaults: lr 1e-3, initialAccumulatorValue 0.1, epsilon 1e-7).
 * Example: `adagrad({ learningRate: 0.01 })`.
 */
export function adagrad(o: AdagradOptions = {}): Optimizer {
  return new Adagrad(o);
}
