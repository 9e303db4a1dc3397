import { add, addScalar, div, mul, mulScalar, sqrt, square, sub } from "../../kernels/ops/mod.ts";
import type { Tensor } from "../../kernels/tensor.ts";
import { BaseOptimizer, type BaseOptions, type Optimizer } from "../optimizer.ts";

/**
 * Adadelta with Keras 2 semantics (Zeiler 2012 with a learning rate): with a ← ρa + (1−ρ)g²,
 * Δ = g·√(d + ε)/√(a + ε), d ← ρd + (1−ρ)Δ², θ ← θ − α·Δ. It has no fused rule: the update is
 * written with tensor ops, one small file being all a new optimiser needs.
 */

/** Options of {@link adadelta}. */
export interface AdadeltaOptions extends BaseOptions {
  /** Decay of both running means (default 0.95). */
  rho?: number;
  /** Keeps the square roots away from zero (default 1e-7). */
  epsilon?: number;
}

class Adadelta extends BaseOptimizer {
  readonly rho: number;
  readonly epsilon: number;
  constructor(o: AdadeltaOptions) {
    super("adadelta", o, 1.0);
    this.rho = o.rho ?? 0.95;
    this.epsilon = o.epsilon ?? 1e-7;
  }
  protected stateNames(): string[] {
    return ["accumulatedGrad", "accumulatedDelta"];
  }
  protected update(p: Tensor, g: Tensor, [accGrad, accDelta]: Tensor[], lr: number): Tensor {
    const { rho, epsilon } = this;
    const gd = this.weightDecay ? add(g, mulScalar(p, this.weightDecay)) : g;
    const a = add(mulScalar(accGrad, rho), mulScalar(square(gd), 1 - rho));
    const delta = div(mul(gd, sqrt(addScalar(accDelta, epsilon))), sqrt(addScalar(a, epsilon)));
    accDelta.assign(add(mulScalar(accDelta, rho), mulScalar(square(delta), 1 - rho)));
    accGrad.assign(a);
    return sub(p, mulScalar(delta, lr));
  }
  override config(): Record<string, unknown> {
    return { ...super.config(), rho: this.rho, epsilon: this.epsilon };
  }
}

/**
 * Adadelta as Keras 2 defines it: learningRate 1.0 (standalone Keras 2 and the Keras MNIST CNN
 * example; tf.keras' Adadelta defaults to 0.001 instead, pass it to match), rho 0.95,
 * epsilon 1e-7. Example: `adadelta()` or `adadelta({ learningRate: 0.001 })` for tf.keras.
 */
export function adadelta(o: AdadeltaOptions = {}): Optimizer {
  return new Adadelta(o);
}
