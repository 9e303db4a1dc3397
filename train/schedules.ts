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

function checkPositive(name: string, v: number): void {
  if (!(v > 0)) throw new Error(`${name}: the step count must be positive, got ${v}`);
}
