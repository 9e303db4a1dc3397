/**
 * The seven training variants the `optimizers` task compares: four optimisers at a constant
 * learning rate and three learning-rate schedules on plain SGD. Schedule constants are set from
 * the run's length, so quick and full runs both see the whole decay.
 * @module
 */
import { adam, momentum, type Optimizer, rmsprop, sgd } from "../../train/optimizers.ts";
import { exponentialDecay, inverseTimeDecay, stepDecay } from "../../train/schedules.ts";

/** Variant names, in table and plot order (also the values `--only` takes). */
export const VARIANT_NAMES = [
  "sgd",
  "momentum",
  "rmsprop",
  "adam",
  "sgd-step",
  "sgd-inverse-time",
  "sgd-exponential",
] as const;

/** One of {@link VARIANT_NAMES}. */
export type VariantName = typeof VARIANT_NAMES[number];

/** η₀ of plain SGD and of the three schedules (which run on plain SGD). */
export const SGD_LR = 0.05;
/** Learning rate of SGD with momentum β 0.9: η/(1 − β) equals {@link SGD_LR}. */
export const MOMENTUM_LR = 0.005;
/** RMSprop's learning rate (the Keras and TensorFlow default). */
export const RMSPROP_LR = 1e-3;
/** Adam's learning rate (the default of Kingma & Ba, Keras and PyTorch). */
export const ADAM_LR = 1e-3;
/** Step decay's factor r per t_u steps. */
export const STEP_RATE = 0.5;
/** How many drops step decay makes over the run: t_u = ⌈T / (drops + 1)⌉ for T steps. */
export const STEP_DROPS = 3;
/** Inverse-time and exponential decay end the run at η₀ divided by this. */
export const END_DIVISOR = 10;

/** The schedule constants for a run of `totalSteps` optimiser steps. */
export interface ScheduleConstants {
  /** Step decay: η₀·r^⌊t/t_u⌋. */
  step: { initial: number; rate: number; stepSize: number };
  /** Inverse-time decay: η₀/(1 + r·t). */
  inverseTime: { initial: number; rate: number };
  /** Exponential decay: η₀·r^t, written η₀·rate^(t/steps) with rate = 1/END_DIVISOR. */
  exponential: { initial: number; rate: number; steps: number };
}

/**
 * Constants that take η₀ down to about a tenth over `totalSteps` steps (t counts steps from 0):
 * step decay halves it three times, at ¼, ½ and ¾ of the run; inverse-time decay has
 * r = 9/T; exponential decay reaches η₀/10 at t = T.
 */
export function scheduleConstants(totalSteps: number): ScheduleConstants {
  if (!(Number.isInteger(totalSteps) && totalSteps >= 1)) {
    throw new RangeError(
      `scheduleConstants: totalSteps must be a whole number ≥ 1, got ${totalSteps}`,
    );
  }
  return {
    step: {
      initial: SGD_LR,
      rate: STEP_RATE,
      stepSize: Math.max(1, Math.ceil(totalSteps / (STEP_DROPS + 1))),
    },
    inverseTime: { initial: SGD_LR, rate: (END_DIVISOR - 1) / totalSteps },
    exponential: { initial: SGD_LR, rate: 1 / END_DIVISOR, steps: totalSteps },
  };
}

/** A variant ready to train: its optimiser and how to describe it in the table. */
export interface Variant {
  name: VariantName;
  optimizer: Optimizer;
  /** The optimiser and its constants, e.g. "Adam η 0.001, β₁ 0.9, β₂ 0.999, ε 1e-7". */
  optimizerText: string;
  /** "constant" or the schedule's formula with its constants. */
  scheduleText: string;
}

/** Builds variant `name` for a run of `totalSteps` optimiser steps. */
export function makeVariant(name: VariantName, totalSteps: number): Variant {
  const c = scheduleConstants(totalSteps);
  const plain = `SGD η₀ ${SGD_LR}`;
  switch (name) {
    case "sgd":
      return v(name, sgd({ learningRate: SGD_LR }), `SGD η ${SGD_LR}`, "constant");
    case "momentum":
      return v(
        name,
        momentum({ learningRate: MOMENTUM_LR, momentum: 0.9 }),
        `SGD η ${MOMENTUM_LR}, momentum β 0.9 (v ← βv + g; θ ← θ − ηv)`,
        "constant",
      );
    case "rmsprop":
      return v(
        name,
        rmsprop({ learningRate: RMSPROP_LR, rho: 0.9, epsilon: 1e-7 }),
        `RMSprop η ${RMSPROP_LR}, ρ 0.9, ε 1e-7`,
        "constant",
      );
    case "adam":
      return v(
        name,
        adam({ learningRate: ADAM_LR, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 }),
        `Adam η ${ADAM_LR}, β₁ 0.9, β₂ 0.999, ε 1e-7`,
        "constant",
      );
    case "sgd-step":
      return v(
        name,
        sgd({ learningRate: stepDecay({ ...c.step, staircase: true }) }),
        plain,
        `step decay η₀·r^⌊t/t_u⌋, r ${c.step.rate}, t_u ${c.step.stepSize} steps`,
      );
    case "sgd-inverse-time":
      return v(
        name,
        sgd({ learningRate: inverseTimeDecay({ ...c.inverseTime, steps: 1 }) }),
        plain,
        `inverse-time decay η₀/(1 + r·t), r ${+c.inverseTime.rate.toPrecision(4)} per step`,
      );
    case "sgd-exponential":
      return v(
        name,
        sgd({ learningRate: exponentialDecay(c.exponential) }),
        plain,
        `exponential decay η₀·r^t, r = ${1 / END_DIVISOR}^(1/${totalSteps}) per step`,
      );
  }
}

function v(name: VariantName, optimizer: Optimizer, optimizerText: string, scheduleText: string) {
  return { name, optimizer, optimizerText, scheduleText };
}

/**
 * Parses `--only` ("sgd,adam"): the named variants in {@link VARIANT_NAMES} order; all of them
 * when `only` is undefined. Unknown or empty names throw with the list of valid ones.
 */
export function parseOnly(only: string | undefined): VariantName[] {
  if (only === undefined) return [...VARIANT_NAMES];
  const asked = only.split(",").map((s) => s.trim());
  const bad = asked.filter((s) => !(VARIANT_NAMES as readonly string[]).includes(s));
  if (bad.length || asked.length === 0) {
    throw new Error(
      `--only: unknown variant(s) ${bad.map((b) => `"${b}"`).join(", ")}; ` +
        `choose from ${VARIANT_NAMES.join(", ")}`,
    );
  }
  return VARIANT_NAMES.filter((n) => asked.includes(n));
}
