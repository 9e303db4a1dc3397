/**
 * Learning-rate schedules: functions of the optimiser step t (0-based) to a learning rate.
 * Pass one as `learningRate` to any optimiser.
 */

/** A learning rate as a function of the step count. */
export type Schedule = (step: number) => number;

/** A constant rate or a schedule. */
export type LearningRate = number | Schedule;

/** Resolves a {@link LearningRate} at `step`. */
export function rateAt(lr: LearningRate, step: number): number {
  return typeof lr === "number" ? lr : lr(step);
}

/**
 * Step decay η₀·r^⌊t/tᵤ⌋ (`staircase`, default) or the smooth η₀·r^(t/tᵤ).
 * Example: `stepDecay({ initial: 0.1, rate: 0.5, stepSize: 1000 })`.
 */
export function stepDecay(
  o: { initial: number; rate: number; stepSize: number; staircase?: boolean },
): Schedule {
  checkPositive("stepDecay", o.stepSize);
  return (t) =>
    o.initial *
    Math.pow(o.rate, (o.staircase ?? true) ? Math.floor(t / o.stepSize) : t / o.stepSize);
}

/** Exponential decay η₀·r^(t/steps), like Keras' ExponentialDecay. */
export function exponentialDecay(o: { initial: number; rate: number; steps: number }): Schedule {
  checkPositive("exponentialDecay", o.steps);
  return (t) => o.initial * Math.pow(o.rate, t / o.steps);
}

/** Inverse-time decay η₀/(1 + r·t/steps) (steps defaults to 1: η₀/(1 + r·t)). */
export function inverseTimeDecay(o: { initial: number; rate: number; steps?: number }): Schedule {
  const steps = o.steps ?? 1;
  checkPositive("inverseTimeDecay", steps);
  return (t) => o.initial / (1 + o.rate * (t / steps));
}

/** Options of {@link cosineDecay} (Keras 3's CosineDecay, camelCase). */
export interface CosineDecayOptions {
  /** The rate at step 0, where the warm-up starts (or the decay, without one). */
  initialLearningRate: number;
  /** Steps of the cosine decay, after the warm-up. */
  decaySteps: number;
  /** The floor as a fraction of the decay's starting rate (default 0). */
  alpha?: number;
  /** With `warmupSteps`: the rate the linear warm-up reaches and the decay starts from. */
  warmupTarget?: number;
  /** Steps of linear warm-up from `initialLearningRate` to `warmupTarget` (default 0). */
  warmupSteps?: number;
}

/**
 * Cosine decay with an optional linear warm-up, as Keras 3 computes it: for t < w,
 * η₀ + (η* − η₀)·t/w; then η*·((1−α)·½(1 + cos(π·min(t−w, T)/T)) + α), where η* is
 * `warmupTarget` (or η₀ without a warm-up). Example:
 * `cosineDecay({ initialLearningRate: 0, warmupTarget: 1e-3, warmupSteps: 100, decaySteps: 900 })`.
 */
export function cosineDecay(o: CosineDecayOptions): Schedule {
  checkPositive("cosineDecay", o.decaySteps);
  const alpha = o.alpha ?? 0;
  const warmupSteps = o.warmupSteps ?? 0;
  if (!(warmupSteps >= 0)) {
    throw new Error(`cosineDecay: warmupSteps must be ≥ 0, got ${warmupSteps}`);
  }
  if (warmupSteps > 0 && o.warmupTarget === undefined) {
    throw new Error("cosineDecay: warmupSteps needs warmupTarget, the rate the warm-up reaches");
  }
  const peak = o.warmupTarget ?? o.initialLearningRate;
  const w = o.warmupTarget === undefined ? 0 : warmupSteps;
  return (t) => {
    if (t < w) return o.initialLearningRate + (peak - o.initialLearningRate) * (t / w);
    const done = Math.min(t - w, o.decaySteps) / o.decaySteps;
    return peak * ((1 - alpha) * 0.5 * (1 + Math.cos(Math.PI * done)) + alpha);
  };
}

/**
 * A step function of the step count, as Keras' PiecewiseConstantDecay: `values[0]` while
 * t ≤ boundaries[0], `values[i]` while boundaries[i−1] < t ≤ boundaries[i], the last value after.
 * Example: `piecewiseConstantDecay({ boundaries: [1000, 2000], values: [1e-2, 1e-3, 1e-4] })`.
 */
export function piecewiseConstantDecay(o: { boundaries: number[]; values: number[] }): Schedule {
  const { boundaries, values } = o;
  if (values.length !== boundaries.length + 1) {
    throw new Error(
      `piecewiseConstantDecay: ${boundaries.length} boundaries need ${
        boundaries.length + 1
      } values, got ${values.length}`,
    );
  }
  for (let i = 1; i < boundaries.length; i++) {
    if (!(boundaries[i] > boundaries[i - 1])) {
      throw new Error(`piecewiseConstantDecay: boundaries must increase, got [${boundaries}]`);
    }
  }
  return (t) => {
    let i = 0;
    while (i < boundaries.length && t > boundaries[i]) i++;
    return values[i];
  };
}

/** Options of {@link polynomialDecay} (Keras' PolynomialDecay, camelCase). */
export interface PolynomialDecayOptions {
  initialLearningRate: number;
  /** Steps from the initial to the end rate. */
  decaySteps: number;
  /** The rate after `decaySteps` (default 1e-4, Keras'). */
  endLearningRate?: number;
  /** The polynomial's power (default 1: linear). */
  power?: number;
  /** Restart past `decaySteps`, stretching the period to the next multiple of it (default false). */
  cycle?: boolean;
}

/**
 * (η₀ − η₁)·(1 − t/T)^p + η₁ with t capped at T, as Keras' PolynomialDecay; with `cycle`,
 * T becomes decaySteps·⌈t/decaySteps⌉ (decaySteps at t = 0). Example:
 * `polynomialDecay({ initialLearningRate: 0.1, decaySteps: 10000, endLearningRate: 0.01, power: 0.5 })`.
 */
export function polynomialDecay(o: PolynomialDecayOptions): Schedule {
  checkPositive("polynomialDecay", o.decaySteps);
  const end = o.endLearningRate ?? 1e-4;
  const power = o.power ?? 1;
  return (t) => {
    let steps = o.decaySteps;
    if (o.cycle) steps *= t === 0 ? 1 : Math.ceil(t / o.decaySteps);
    else t = Math.min(t, steps);
    return (o.initialLearningRate - end) * Math.pow(1 - t / steps, power) + end;
  };
}

function checkPositive(name: string, v: number): void {
  if (!(v > 0)) throw new Error(`${name}: the step count must be positive, got ${v}`);
}
