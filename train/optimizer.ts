import { backend, keep, noGrad, tidy } from "../kernels/engine.ts";
import { mul } from "../kernels/ops/mod.ts";
import { optimizerStep } from "../kernels/ops/optimizer_step.ts";
import { optimizerStepGroup } from "../kernels/ops/optimizer_step_group.ts";
import type { UpdateRule } from "../kernels/optim/update_rule.ts";
import { fmtShape } from "../kernels/shape.ts";
import { fill, type Tensor, zeros } from "../kernels/tensor.ts";
import {
  checkClipOptions,
  clipByNorm,
  clipByValue,
  type ClipOptions,
  globalNormScale,
} from "./clip_gradients.ts";
import { type LearningRate, rateAt } from "./schedules.ts";
import { checkOptimizerOptions } from "../layers/validate.ts";
import { ParameterOwner } from "./optimizer_owner.ts";
import { groupUpdates, type ParameterUpdate } from "./optimizer_groups.ts";

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
  /** Replaces a constant learning rate (what `callbacks.reduceLROnPlateau` calls). */
  setLearningRate?(lr: number): void;
  /** The hyperparameters, for metrics.json. */
  config(): Record<string, unknown>;
  /**
   * The state tensors of each of `params` (zeros where a parameter has none yet), named
   * `<index>/<slot>` ("0/m"): what a resumable checkpoint saves and assigns back.
   */
  stateEntries?(params: Tensor[]): { name: string; tensor: Tensor }[];
  /** Frees the state tensors. */
  dispose(): void;
  /** `using opt = adam()` frees the state at the end of the scope. */
  [Symbol.dispose](): void;
}

/**
 * Options shared by every optimiser, clipping included (Keras' names in camelCase; at most one
 * of `clipNorm`, `clipValue`, `globalClipNorm`). Clipping acts on the raw gradients before the
 * update rule (and so before `weightDecay` enters it).
 */
export interface BaseOptions extends ClipOptions {
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
  lr: LearningRate;
  readonly weightDecay: number;
  readonly clip: ClipOptions;
  #state = new Map<Tensor, Tensor[]>();
  #owner = new ParameterOwner();

  constructor(readonly name: string, opts: BaseOptions, defaultLr: number, defaultWd = 0) {
    checkOptimizerOptions(name, opts);
    this.lr = opts.learningRate ?? defaultLr;
    this.weightDecay = opts.weightDecay ?? defaultWd;
    checkClipOptions(name, opts);
    this.clip = {
      clipNorm: opts.clipNorm,
      clipValue: opts.clipValue,
      globalClipNorm: opts.globalClipNorm,
    };
  }

  /** Initial value of a state slot (0 unless an optimiser says otherwise, as Adagrad does). */
  protected initialState(_slot: string): number {
    return 0;
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
      s = this.stateNames().map((n) => {
        const v = this.initialState(n);
        return keep(v === 0 ? zeros(p.shape, p.dtype) : fill(p.shape, v, p.dtype));
      });
      this.#state.set(p, s);
    }
    return s;
  }

  stateEntries(params: Tensor[]): { name: string; tensor: Tensor }[] {
    const names = this.stateNames();
    return params.flatMap((p, i) =>
      this.slots(p).map((tensor, k) => ({ name: `${i}/${names[k]}`, tensor }))
    );
  }

  currentLearningRate(): number {
    return rateAt(this.lr, this.iterations);
  }

  setLearningRate(lr: number): void {
    if (typeof this.lr !== "number") {
      throw new Error(`${this.name}: the learning rate is a schedule; it cannot be replaced`);
    }
    if (!(lr > 0 && Number.isFinite(lr))) {
      throw new Error(`${this.name}: learning rate must be a positive number, got ${lr}`);
    }
    this.lr = lr;
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  step(params: Tensor[], grads: (Tensor | undefined)[]): void {
    if (params.length !== grads.length) {
      throw new Error(`${this.name}: ${params.length} parameters but ${grads.length} gradients`);
    }
    this.#owner.check(this.name, params);
    const lr = this.currentLearningRate();
    if (!Number.isFinite(lr)) throw new Error(`${this.name}: learning rate ${lr} is not finite`);
    params.forEach((p, i) => {
      const g0 = grads[i];
      if (g0 && g0.size !== p.size) {
        throw new Error(
          `${this.name}: gradient ${fmtShape(g0.shape)} for parameter ${fmtShape(p.shape)}`,
        );
      }
    });
    noGrad(() =>
      tidy(() => {
        const { clipNorm, clipValue, globalClipNorm } = this.clip;
        const present = grads.filter((g): g is Tensor => g !== undefined);
        const scale = globalClipNorm === undefined || !present.length
          ? undefined
          : globalNormScale(present, globalClipNorm);
        const items: ParameterUpdate[] = [];
        params.forEach((p, i) => {
          const g0 = grads[i];
          if (!g0) return;
          let g = g0;
          if (scale) g = mul(g, scale);
          if (clipNorm !== undefined) g = clipByNorm(g, clipNorm);
          if (clipValue !== undefined) g = clipByValue(g, clipValue);
          items.push({ p, g, state: this.slots(p) });
        });
        this.applyUpdates(items, lr);
      })
    );
    this.iterations++;
  }

  /**
   * Applies this step's update to every parameter (gradients already scaled and clipped): one
   * {@link BaseOptimizer.update} each, assigned to the parameter. Runs inside `noGrad` and a `tidy`.
   */
  protected applyUpdates(items: ParameterUpdate[], lr: number): void {
    for (const { p, g, state } of items) p.assign(tidy(() => this.update(p, g, state, lr)));
  }

  config(): Record<string, unknown> {
    return {
      name: this.name,
      learningRate: typeof this.lr === "number" ? this.lr : "schedule",
      weightDecay: this.weightDecay,
      ...Object.fromEntries(Object.entries(this.clip).filter(([, v]) => v !== undefined)),
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

  /**
   * Where the device limits what one kernel binds (WebGPU), as many parameters per kernel as
   * its storage buffers allow (optimizerStepGroup, in place); the rest one kernel each.
   */
  protected override applyUpdates(items: ParameterUpdate[], lr: number): void {
    const limits = backend().bindingLimits;
    const rule = this.rule();
    const { groups, single } = limits
      ? groupUpdates(items, 2 + rule.state.length, limits)
      : { groups: [], single: items };
    const attrs = { rule: rule.name, hyper: { ...this.hyper(), learningRate: lr } };
    for (const g of groups) {
      optimizerStepGroup(g.map((u) => u.p), g.map((u) => u.g), g.map((u) => u.state), attrs);
    }
    super.applyUpdates(single, lr);
  }
}
