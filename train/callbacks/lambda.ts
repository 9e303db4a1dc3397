import type { Callback } from "./callback.ts";

/**
 * A callback from plain functions, as Keras' `LambdaCallback`.
 * Example: `callbacks.lambda({ onEpochEnd: (epoch, logs) => console.log(epoch, logs.loss) })`.
 */
export function lambda(hooks: Callback): Callback {
  const known = [
    "onTrainBegin",
    "onTrainEnd",
    "onEpochBegin",
    "onEpochEnd",
    "onBatchBegin",
    "onBatchEnd",
  ];
  for (const k of Object.keys(hooks)) {
    if (!known.includes(k)) {
      throw new Error(`callbacks.lambda: unknown hook "${k}"; use ${known.join(", ")}`);
    }
  }
  return { ...hooks };
}
