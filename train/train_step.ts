import { gradients } from "../kernels/autograd.ts";
import type { Tensor } from "../kernels/tensor.ts";
import type { Layer } from "../layers/layer.ts";
import type { LossFn } from "../layers/losses.ts";
import type { Optimizer } from "./optimizers.ts";
import { batchLoss } from "./output_mask.ts";

/**
 * One training step, the part of `fit` a custom training loop replaces (Keras' `train_step`).
 * @module
 */

/** One batch as a step sees it (on the device). */
export interface TrainBatch {
  /** The inputs (one tensor per model input). */
  x: Tensor | Tensor[];
  /** Labels: int32 class ids or targets. */
  y: Tensor;
  /** Samples in the batch. */
  size: number;
  /** 1-based epoch. */
  epoch: number;
  /** 1-based global step. */
  step: number;
  /** The batch's sample weights, when the data has them (pass them to the loss). */
  sampleWeight?: Tensor;
}

/** What `fit` hands every step: the optimiser, the loss and the parameters it updates. */
export interface TrainState {
  /** The optimiser: `step(params, grads)` applies one update. */
  optimizer: Optimizer;
  /** The loss function fit resolved from its `loss` option. */
  loss: LossFn;
  /** The model's trainable parameters, in `model.parameters()` order. */
  params: Tensor[];
}

/** What a step returns: the batch's mean loss and (for accuracy) the model's output. */
export interface StepResult {
  /** The batch's mean loss (a scalar tensor). */
  loss: Tensor;
  /** The model's output on the batch; with class labels fit derives accuracy from it. */
  output?: Tensor;
  /** The output's mask (`Layer.applyWithMask`), when it has one: fit's accuracy skips its 0s. */
  mask?: Tensor;
}

/**
 * A training step: synchronous (it runs inside a `tidy`), no readback. `fit` sums the returned
 * loss (and accuracy from `output` for class labels) on the device.
 */
export type TrainStep = (model: Layer, batch: TrainBatch, state: TrainState) => StepResult;

/**
 * The default step: forward in training mode, the loss (over the steps the output's mask keeps,
 * as Keras), gradients of every parameter, one optimiser update. Example of a custom one that
 * adds an L1 penalty: `trainStep: (m, b, s) => { ... }` (README, "Write your own model").
 */
export function defaultTrainStep(model: Layer, batch: TrainBatch, state: TrainState): StepResult {
  const { output, mask } = model.applyWithMask(batch.x, { training: true });
  const loss = batchLoss(state.loss, output, batch.y, mask, batch.sampleWeight);
  state.optimizer.step(state.params, gradients(loss, state.params));
  return mask ? { loss, output, mask } : { loss, output };
}
