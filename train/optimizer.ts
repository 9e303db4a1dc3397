import { keep, noGrad, tidy } from "../kernels/engine.ts";
import { optimizerStep } from "../kernels/ops/optimizer_step.ts";
import type { UpdateRule } from "../kernels/optim/update_rule.ts";
import { fmtShape } from "../kernels/shape.ts";
import { type Tensor, zeros } from "../kernels/tensor.ts";
import { type LearningRate, rateAt } from "./schedules.ts";
import { checkOptions } from "../layers/validate.ts";
import { ParameterOwner } from "./optimizer_owner.ts";

/**
 * What every optimiser shares: per-parameter state tensors (kept across steps, so `tidy` leaves
 * them), the learning-rate schedule and the step loop. An optimiser with a fused update rule
 * ({@link FusedOptimizer}) updates each parameter with one `optimizerStep` kernel; one without
 * writes its update with ordinary tensor ops ({@link BaseOptimizer.update}).
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

/**
 * An optimiser: subclasses name their state slots and implement {@link BaseOptimizer.update}
 * with tensor ops (see train/optimizers/adadelta.ts), or extend {@link FusedOptimizer}.
 */
export abstract class BaseOptimizer implements Optimizer {
  iterations = 0;
  readonly lr: LearningRate;
  readonly weightDecay: number;
  #state = new Map<Tensor, Tensor[]>();
  #owner = new ParameterOwner();

  constructor(readonly name: string, opts: BaseOptions, defaultLr: number, defaultWd = 0) {
    const lr = typeof opts.learningRate === "number" ? opts.learningRate : undefined;
    checkOptions(name, { learningRate: [lr, ">0"], weightDecay: [opts.weightDecay, "≥0"] });
    this.lr = opts.learningRate ?? defaultLr;
    this.weightDecay = opts.weightDecay ?? defaultWd;
  }

  /** Names of the per-parameter state tensors (zeros at the first step). */
  protected abstract stateNames(): string[];

  /**
   * The new value of `p` for gradient `g` at learning rate `lr`; updates `state` (in
   * `stateNames` order) with `assign`. Runs inside `noGrad` and a `tidy`.
   */
  protected abstract update(p: Tensor, g: Tensor, state: Tensor[], lr: number): Tensor;

  /** The state tensors of `p`, created as zeros on first use. */
  protected slots(p: Tensor): Tensor[] {
    let s = this.#state.get(p);
    if (!s) {
      s = this.stateNames().map(() => keep(zeros(p.shape, p.dtype)));
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
    this.#owner.check(this.name, params);
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
        const state = this.slots(p);
        p.assign(tidy(() => this.update(p, g0, state, lr)));
      });
    });
    this.iterations++;
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

/**
 * An optimiser whose update is a fused rule (kernels/optim/update_rule.ts): one kernel per
 * parameter on every backend. Subclasses give the rule for the next step and its
 * hyperparameters other than the learning rate.
 */
export abstract class FusedOptimizer extends BaseOptimizer {
  /** The rule the next step applies. */
  protected abstract rule(): UpdateRule;
  /** This step's hyperparameters by the rule's names, all but `learningRate`. */
  protected abstract hyper(): Record<string, number>;

  protected stateNames(): string[] {
    return this.rule().state;
  }

  protected update(p: Tensor, g: Tensor, state: Tensor[], lr: number): Tensor {
    const rule = this.rule();
    return optimizerStep(p, g, state, {
      rule: rule.name,
      hyper: { ...this.hyper(), learningRate: lr },
    });
  }
}
