import { keep, noGrad } from "../kernels/engine.ts";
import { optimizerStep, STATE_SLOTS, type UpdateAttrs } from "../kernels/ops/mod.ts";
import { fmtShape } from "../kernels/shape.ts";
import { type Tensor, zeros } from "../kernels/tensor.ts";
import { type LearningRate, rateAt } from "./schedules.ts";

/**
 * Optimisers. Each keeps per-parameter state tensors (kept across steps, so `tidy` leaves them)
 * and updates each parameter with one fused `optimizerStep` kernel (kernels/ops/optimizer_step.ts)
 * that also updates the state in place.
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
        const h = { ...this.hyper(), lr };
        p.assign(optimizerStep(p, g0, this.slots(p, STATE_SLOTS[h.kind]), h));
      });
    });
    this.iterations++;
  }

  /** The update rule and its hyperparameters for the next step (all but the learning rate). */
  protected abstract hyper(): Omit<UpdateAttrs, "lr">;

  /** Hyperparameters every rule shares; weight decay is coupled L2 (g + λθ) except "ema". */
  protected base(): { wd: number; a: number; b: number; eps: number; c1: number; c2: number } {
    return { wd: this.weightDecay, a: 0, b: 0, eps: 0, c1: 1, c2: 1 };
  }

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
  protected hyper(): Omit<UpdateAttrs, "lr"> {
    const kind = this.form === "ema"
      ? "ema"
      : !this.momentum
      ? "sgd"
      : this.nesterov
      ? "nesterov"
      : "momentum";
    return { ...this.base(), kind, a: this.momentum };
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
  protected hyper(): Omit<UpdateAttrs, "lr"> {
    return { ...this.base(), kind: "rmsprop", a: this.rho, eps: this.epsilon };
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
  protected hyper(): Omit<UpdateAttrs, "lr"> {
    const t = this.iterations + 1;
    return {
      ...this.base(),
      kind: "adam",
      a: this.beta1,
      b: this.beta2,
      eps: this.epsilon,
      c1: 1 / (1 - Math.pow(this.beta1, t)),
      c2: 1 / (1 - Math.pow(this.beta2, t)),
    };
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
