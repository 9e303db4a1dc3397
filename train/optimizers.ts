import { keep, noGrad } from "../kernels/engine.ts";
import { add, addScalar, div, mul, mulScalar, sqrt, square, sub } from "../kernels/ops/mod.ts";
import { fmtShape } from "../kernels/shape.ts";
import { type Tensor, zeros } from "../kernels/tensor.ts";
import { type LearningRate, rateAt } from "./schedules.ts";

/**
 * Optimisers. Each keeps per-parameter state tensors (kept across steps, so `tidy` leaves them)
 * and updates parameters in place with `assign`.
 */
export interface Optimizer {
  /** Short name for results files ("adam"). */
  readonly name: string;
  /** Steps taken so far (the schedule's t). */
  iterations: number;
  /** Applies one update from `grads` (same order and shapes as `params`). */
  step(params: Tensor[], grads: (Tensor | undefined)[]): void;
  /** The learning rate the next step will use. */
  currentLearningRate(): number;
  /** The hyperparameters, for metrics.json. */
  config(): Record<string, unknown>;
  /** Frees the state tensors. */
  dispose(): void;
}

/** Options shared by every optimiser. */
export interface BaseOptions {
  learningRate?: LearningRate;
  /** L2 weight decay λ: adds λ·θ to the gradient (PyTorch `weight_decay`). */
  weightDecay?: number;
}

abstract class BaseOptimizer implements Optimizer {
  iterations = 0;
  readonly lr: LearningRate;
  readonly weightDecay: number;
  #state = new Map<Tensor, Tensor[]>();

  constructor(readonly name: string, opts: BaseOptions, defaultLr: number) {
    this.lr = opts.learningRate ?? defaultLr;
    this.weightDecay = opts.weightDecay ?? 0;
  }

  /** The `n` state tensors of `p`, created as zeros on first use. */
  protected slots(p: Tensor, n: number): Tensor[] {
    let s = this.#state.get(p);
    if (!s) {
      s = Array.from({ length: n }, () => keep(zeros(p.shape, p.dtype)));
      this.#state.set(p, s);
    }
    return s;
  }

  currentLearningRate(): number {
    return rateAt(this.lr, this.iterations);
  }

  step(params: Tensor[], grads: (Tensor | undefined)[]): void {
    if (params.length !== grads.length) {
      throw new Error(`${this.name}: ${params.length} parameters but ${grads.length} gradients`);
    }
    const lr = this.currentLearningRate();
    if (!Number.isFinite(lr)) throw new Error(`${this.name}: learning rate ${lr} is not finite`);
    noGrad(() => {
      params.forEach((p, i) => {
        const g0 = grads[i];
        if (!g0) return;
        if (g0.size !== p.size) {
          throw new Error(
            `${this.name}: gradient ${fmtShape(g0.shape)} for parameter ${fmtShape(p.shape)}`,
          );
        }
        p.assign(this.update(p, this.decayed(p, g0), lr));
      });
    });
    this.iterations++;
  }

  /** g + λθ (coupled L2) unless the optimiser applies decay itself. */
  protected decayed(p: Tensor, g: Tensor): Tensor {
    return this.weightDecay ? add(g, mulScalar(p, this.weightDecay)) : g;
  }

  /** The new value of `p`. */
  protected abstract update(p: Tensor, g: Tensor, lr: number): Tensor;

  config(): Record<string, unknown> {
    return {
      name: this.name,
      learningRate: typeof this.lr === "number" ? this.lr : "schedule",
      weightDecay: this.weightDecay,
    };
  }

  dispose(): void {
    for (const s of this.#state.values()) for (const t of s) t.dispose();
    this.#state.clear();
  }
}

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

class Sgd extends BaseOptimizer {
  readonly momentum: number;
  readonly nesterov: boolean;
  readonly form: "classical" | "ema";
  constructor(o: SgdOptions) {
    super(o.momentum ? "sgd-momentum" : "sgd", o, 0.01);
    this.momentum = o.momentum ?? 0;
    this.nesterov = o.nesterov ?? false;
    this.form = o.momentumForm ?? "classical";
    if (this.momentum < 0 || this.momentum >= 1) {
      throw new Error(`sgd: momentum ${this.momentum} must be in [0, 1)`);
    }
  }
  protected override decayed(p: Tensor, g: Tensor): Tensor {
    return this.form === "ema" ? g : super.decayed(p, g);
  }
  protected update(p: Tensor, g: Tensor, lr: number): Tensor {
    const mu = this.momentum;
    if (this.form === "ema") {
      const [m] = this.slots(p, 1);
      m.assign(add(mulScalar(m, mu), mulScalar(g, 1 - mu)));
      const dir = this.weightDecay ? add(m, mulScalar(p, this.weightDecay)) : m;
      return sub(p, mulScalar(dir, lr));
    }
    if (!mu) return sub(p, mulScalar(g, lr));
    const [v] = this.slots(p, 1);
    v.assign(add(mulScalar(v, mu), g));
    const dir = this.nesterov ? add(g, mulScalar(v, mu)) : v;
    return sub(p, mulScalar(dir, lr));
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

/** Options of {@link rmsprop}. */
export interface RmspropOptions extends BaseOptions {
  rho?: number;
  epsilon?: number;
}

class Rmsprop extends BaseOptimizer {
  readonly rho: number;
  readonly epsilon: number;
  constructor(o: RmspropOptions) {
    super("rmsprop", o, 0.001);
    this.rho = o.rho ?? 0.9;
    this.epsilon = o.epsilon ?? 1e-7;
  }
  protected update(p: Tensor, g: Tensor, lr: number): Tensor {
    const [s] = this.slots(p, 1);
    s.assign(add(mulScalar(s, this.rho), mulScalar(square(g), 1 - this.rho)));
    return sub(p, mulScalar(div(g, addScalar(sqrt(s), this.epsilon)), lr));
  }
  override config(): Record<string, unknown> {
    return { ...super.config(), rho: this.rho, epsilon: this.epsilon };
  }
}

/** Options of {@link adam}. */
export interface AdamOptions extends BaseOptions {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

class Adam extends BaseOptimizer {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  constructor(o: AdamOptions) {
    super("adam", o, 0.001);
    this.beta1 = o.beta1 ?? 0.9;
    this.beta2 = o.beta2 ?? 0.999;
    this.epsilon = o.epsilon ?? 1e-7;
  }
  protected update(p: Tensor, g: Tensor, lr: number): Tensor {
    const [m, v] = this.slots(p, 2);
    const t = this.iterations + 1;
    m.assign(add(mulScalar(m, this.beta1), mulScalar(g, 1 - this.beta1)));
    v.assign(add(mulScalar(v, this.beta2), mulScalar(square(g), 1 - this.beta2)));
    const mHat = mulScalar(m, 1 / (1 - Math.pow(this.beta1, t)));
    const vHat = mulScalar(v, 1 / (1 - Math.pow(this.beta2, t)));
    return sub(p, mul(div(mHat, addScalar(sqrt(vHat), this.epsilon)), lr));
  }
  override config(): Record<string, unknown> {
    return { ...super.config(), beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
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
/** RMSprop: θ ← θ − α·g/(√s + ε) with s ← ρs + (1−ρ)g². */
export function rmsprop(o: RmspropOptions = {}): Optimizer {
  return new Rmsprop(o);
}
/** Adam with bias correction. Example: `adam({ learningRate: 1e-3 })`. */
export function adam(o: AdamOptions = {}): Optimizer {
  return new Adam(o);
}
