import { defineUpdateRule } from "../../kernels/optim/update_rule.ts";
import type { UpdateRule } from "../../kernels/optim/update_rule.ts";
import { type BaseOptions, FusedOptimizer, type Optimizer } from "../optimizer.ts";

/** Stochastic gradient descent: plain, classical momentum, Nesterov momentum, EMA momentum. */

const SGD = defineUpdateRule({
  name: "sgd",
  state: [],
  hyper: ["learningRate", "weightDecay"],
  update: ["let gd = g + weightDecay * p", "p = p - learningRate * gd"],
  example: { learningRate: 0.1, weightDecay: 0.01 },
});

const MOMENTUM = defineUpdateRule({
  name: "momentum",
  state: ["velocity"],
  hyper: ["learningRate", "weightDecay", "momentum"],
  update: [
    "let gd = g + weightDecay * p",
    "velocity = momentum * velocity + gd",
    "p = p - learningRate * velocity",
  ],
  example: { learningRate: 0.1, weightDecay: 0.01, momentum: 0.9 },
});

const NESTEROV = defineUpdateRule({
  name: "nesterov",
  state: ["velocity"],
  hyper: ["learningRate", "weightDecay", "momentum"],
  update: [
    "let gd = g + weightDecay * p",
    "velocity = momentum * velocity + gd",
    "p = p - learningRate * (gd + momentum * velocity)",
  ],
  example: { learningRate: 0.1, weightDecay: 0.01, momentum: 0.9 },
});

// Weight decay inside the step, outside the average (the MATLAB assignment's form).
const EMA = defineUpdateRule({
  name: "ema",
  state: ["average"],
  hyper: ["learningRate", "weightDecay", "momentum"],
  update: [
    "average = momentum * average + (1 - momentum) * g",
    "p = p - learningRate * (average + weightDecay * p)",
  ],
  example: { learningRate: 0.1, weightDecay: 0.01, momentum: 0.9 },
});

/** Options of {@link sgd}. */
export interface SgdOptions extends BaseOptions {
  momentum?: number;
  nesterov?: boolean;
  /**
   * "classical" (default, PyTorch/Keras): v ← μv + g; θ ← θ − αv.
   * "ema" (exponential moving average, the MATLAB assignment): m ← μm + (1−μ)g;
   * θ ← θ − α(m + λθ), i.e. weight decay inside the step, outside the average.
   */
  momentumForm?: "classical" | "ema";
}

class Sgd extends FusedOptimizer {
  readonly momentum: number;
  readonly nesterov: boolean;
  readonly form: "classical" | "ema";
  constructor(o: SgdOptions) {
    super(o.momentum ? "sgd-momentum" : "sgd", o, 0.01);
    this.momentum = o.momentum ?? 0;
    this.nesterov = o.nesterov ?? false;
    this.form = o.momentumForm ?? "classical";
  }
  protected rule(): UpdateRule {
    if (this.form === "ema") return EMA;
    return !this.momentum ? SGD : this.nesterov ? NESTEROV : MOMENTUM;
  }
  protected hyper(): Record<string, number> {
    return { weightDecay: this.weightDecay, momentum: this.momentum };
  }
  override config(): Record<string, unknown> {
    return {
      ...super.config(),
      momentum: this.momentum,
      nesterov: this.nesterov,
      momentumForm: this.form,
    };
  }
}

/** Stochastic gradient descent, optionally with momentum. Example: `sgd({ learningRate: 0.1, momentum: 0.9 })`. */
export function sgd(o: SgdOptions = {}): Optimizer {
  return new Sgd(o);
}
/** SGD with momentum (default μ = 0.9). */
export function momentum(o: SgdOptions = {}): Optimizer {
  return new Sgd({ momentum: 0.9, ...o });
}
