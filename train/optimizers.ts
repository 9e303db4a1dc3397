/**
 * Every optimiser, one file each under train/optimizers/ (the shared step loop and state slots
 * are in train/optimizer.ts). A fused one defines its update rule once (kernels/optim/
 * update_rule.ts); one without a rule writes its update with tensor ops (adadelta.ts).
 */
export type { BaseOptions, Optimizer } from "./optimizer.ts";
export { momentum, sgd, type SgdOptions } from "./optimizers/sgd.ts";
export { rmsprop, type RmspropOptions } from "./optimizers/rmsprop.ts";
export { adam, type AdamOptions } from "./optimizers/adam.ts";
export { adamW, type AdamWOptions } from "./optimizers/adamw.ts";
export { adadelta, type AdadeltaOptions } from "./optimizers/adadelta.ts";
export { adagrad, type AdagradOptions } from "./optimizers/adagrad.ts";
export { adamax, type AdamaxOptions } from "./optimizers/adamax.ts";
export { nadam, type NadamOptions } from "./optimizers/nadam.ts";
export type { ClipOptions } from "./clip_gradients.ts";
