/**
 * An optimiser's state as data: its state tensors (by parameter index and slot), its step count
 * and its current learning rate, so a resumed run continues exactly where the saved one stopped.
 * @module
 */
import type { Tensor } from "../kernels/tensor.ts";
import type { Optimizer } from "./optimizers.ts";

/** The scalar part of an optimiser's state (the tensors travel beside it). */
export interface OptimizerScalars {
  name: string;
  iterations: number;
  /** The constant learning rate now in use (after any `reduceLROnPlateau`); absent for a schedule. */
  learningRate?: number;
}

/**
 * The state tensors of `optimizer` for `params`, named `<index>/<slot>`; a clear error for an
 * optimiser that does not expose them. Example: `optimizerStateEntries(adam(), model.parameters())`.
 */
export function optimizerStateEntries(
  optimizer: Optimizer,
  params: Tensor[],
): { name: string; tensor: Tensor }[] {
  if (!optimizer.stateEntries) {
    throw new Error(
      `${optimizer.name}: this optimiser does not expose its state (stateEntries), so a run ` +
        "using it cannot be checkpointed for resuming; extend BaseOptimizer or FusedOptimizer",
    );
  }
  return optimizer.stateEntries(params);
}

/** The step count and learning rate of `optimizer`. Example: `optimizerScalars(opt).iterations`. */
export function optimizerScalars(optimizer: Optimizer): OptimizerScalars {
  const lr = optimizer.config().learningRate;
  return {
    name: optimizer.name,
    iterations: optimizer.iterations,
    ...(typeof lr === "number" ? { learningRate: lr } : {}),
  };
}

/**
 * Puts saved scalars back into `optimizer`; throws, naming both, when it is another kind of
 * optimiser. `source` (the checkpoint) starts the error.
 */
export function restoreOptimizerScalars(
  optimizer: Optimizer,
  saved: OptimizerScalars,
  source: string,
): void {
  if (saved.name !== optimizer.name) {
    throw new Error(
      `${source}: the checkpoint was written with optimizer "${saved.name}" but this run uses ` +
        `"${optimizer.name}"; resume with the same optimiser`,
    );
  }
  optimizer.iterations = saved.iterations;
  if (saved.learningRate !== undefined && optimizer.setLearningRate) {
    if (optimizer.config().learningRate !== saved.learningRate) {
      optimizer.setLearningRate(saved.learningRate);
    }
  }
}
