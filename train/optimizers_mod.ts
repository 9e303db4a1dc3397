/** The `optimizers` namespace of mod.ts: factories, schedules and the Optimizer type. */
export {
  adadelta,
  adagrad,
  adam,
  adamax,
  adamW,
  type ClipOptions,
  momentum,
  nadam,
  type Optimizer,
  rmsprop,
  sgd,
} from "./optimizers.ts";
export {
  cosineDecay,
  exponentialDecay,
  inverseTimeDecay,
  piecewiseConstantDecay,
  polynomialDecay,
  stepDecay,
} from "./schedules.ts";
