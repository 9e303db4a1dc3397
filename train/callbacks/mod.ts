/** Training callbacks with Keras' names: `callbacks.earlyStopping({ ... })` and friends. */
export type {
  BatchLogs,
  Callback,
  CallbackState,
  History,
  Monitor,
  TrainingContext,
} from "./callback.ts";
export { historyRecorder, nanGuard, progressLogger } from "./builtin.ts";
export { csvLogger } from "./csv_logger.ts";
export { EarlyStopping, earlyStopping, type EarlyStoppingOptions } from "./early_stopping.ts";
export { lambda } from "./lambda.ts";
export {
  ModelCheckpoint,
  modelCheckpoint,
  type ModelCheckpointOptions,
} from "./model_checkpoint.ts";
export {
  ReduceLROnPlateau,
  reduceLROnPlateau,
  type ReduceLROnPlateauOptions,
} from "./reduce_lr.ts";
export { resultsWriter, type ResultsWriterOptions } from "./results_writer.ts";
export { TerminateOnNaN, terminateOnNaN } from "./terminate_on_nan.ts";
