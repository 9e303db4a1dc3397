/** The `optimizers` namespace of mod.ts: factories, schedules and the Optimizer type. */
export { adadelta, adam, adamW, momentum, type Optimizer, rmsprop, sgd } from "./optimizers.ts";
export { exponentialDecay, inverseTimeDecay, stepDecay } from "./schedules.ts";
