/**
 * A Deno-native deep-learning toolkit: tensors with reverse-mode gradients, Keras-like layers,
 * optimisers, a trainer, metrics and course datasets.
 *
 * ```ts
 * import { datasets, fit, evaluate, layers, optimizers, Sequential, setDevice } from "./mod.ts";
 * await setDevice("auto");
 * const { train, test } = await datasets.mnist();
 * const model = new Sequential([
 *   layers.flatten({ inputShape: [28, 28, 1] }),
 *   layers.dense({ units: 128, activation: "relu" }),
 *   layers.dense({ units: 10 }), // logits: the default loss, softmaxCrossEntropy, applies the softmax
 * ]);
 * await fit(model, train, { epochs: 1, batchSize: 128, optimizer: optimizers.adam() });
 * console.log((await evaluate(model, test)).accuracy);
 * ```
 * @module
 */
import "./kernels/toolkit.ts";
import "./io/model_methods.ts";

export { fill, ones, scalar, Tensor, tensor, variable, zeros } from "./kernels/tensor.ts";
export type { DataRef, GraphNode, NestedNumbers } from "./kernels/tensor_core.ts";
export type { DType, FloatArray, TypedArray } from "./kernels/dtype.ts";
export type { Backend, BackendCounters, BindingLimits, KernelInput } from "./kernels/backend.ts";
export { keep, memory, noGrad, setLeakWarning, tidy } from "./kernels/engine.ts";
export { checkNumericsEnabled, setCheckNumerics } from "./kernels/check_numerics.ts";
export { type DeviceInfo, deviceInfo, type DeviceName, setDevice } from "./kernels/device.ts";
export {
  backward,
  grad,
  gradients,
  type GradientsOptions,
  valueAndGrad,
  zeroGrad,
} from "./kernels/autograd.ts";
export * from "./kernels/ops/mod.ts";
export {
  type CpuInput,
  type GradContext,
  type GradGroup,
  type GradResult,
  GradShare,
  mutatedInputs,
  type MutatesFn,
  type OpDef,
  type OpTestCase,
  registeredOps,
  type TensorInfo,
} from "./kernels/op.ts";
export { Rng } from "./kernels/random.ts";

/**
 * Layer factories with Keras names: `layers.dense({ units: 10 })`,
 * `layers.conv2d({ filters: 32, kernelSize: 3 })`, merges, recurrent and attention layers.
 */
export * as layers from "./layers/mod.ts";
export { Sequential, type SequentialOptions } from "./layers/sequential.ts";
export {
  type CallContext,
  Layer,
  type LayerInput,
  type MaskedOutput,
  type NamedTensor,
  type NodeOutputs,
  type Shape,
} from "./layers/layer.ts";
export type { Mask } from "./layers/mask.ts";
export { Module, type ModuleOptions, type ParamInit } from "./layers/module.ts";
export {
  type GraphNodeInfo,
  type LayerSummary,
  type LazyModelOptions,
  Model,
  model,
  type ModelGraph,
  type ModelOptions,
} from "./layers/model.ts";
export {
  type CallOption,
  type CallOptions,
  input,
  type InputOptions,
  type LayerNode,
  type ResolvedOptions,
  SymbolicTensor,
} from "./layers/symbolic.ts";
export type { InitializerName } from "./layers/initializers.ts";
export {
  categoricalCrossentropy,
  lossByName,
  type LossFn,
  type LossName,
  mse,
} from "./layers/losses.ts";
export type { LossWeights } from "./layers/losses/common.ts";
export type { CrossentropyOptions } from "./layers/losses/crossentropy.ts";

/** Losses with options: `losses.categoricalCrossentropy({ fromLogits: true })`. */
export * as losses from "./layers/losses_mod.ts";
/** Optimisers and learning-rate schedules: `optimizers.adam({ learningRate: 1e-3 })`. */
export * as optimizers from "./train/optimizers_mod.ts";
export type { Optimizer } from "./train/optimizer.ts";
export type { EpochRecord } from "./train/history.ts";
export type { Metric } from "./train/metric.ts";
export type { MetricName } from "./train/metrics/by_name.ts";
export type {
  BatchLogs,
  Callback,
  CallbackState,
  Monitor,
  TrainingContext,
} from "./train/callbacks/callback.ts";
export { exponentialDecay, inverseTimeDecay, type Schedule, stepDecay } from "./train/schedules.ts";
export { fit, type FitOptions, type History } from "./train/fit.ts";
export {
  defaultTrainStep,
  type StepResult,
  type TrainBatch,
  type TrainState,
  type TrainStep,
} from "./train/train_step.ts";
/** Training callbacks with Keras' names: `callbacks.earlyStopping({ patience: 2 })`. */
export * as callbacks from "./train/callbacks/mod.ts";
export type { ModelData } from "./train/model_data.ts";
export { evaluate, type Evaluation, predict } from "./train/evaluate.ts";
export { gradcheck, type GradcheckInput, type GradcheckResult } from "./train/gradcheck.ts";
export {
  type GradcheckData,
  type ModelGradcheckOptions,
  type ModelGradcheckResult,
  type ParameterGradcheck,
} from "./train/gradcheck_model.ts";
/** Metrics for `evaluate`, `fit` and plain arrays: `metrics.topKCategoricalAccuracy({ k: 3 })`. */
export * as metrics from "./train/metrics_mod.ts";
export { loadCheckpoint, saveCheckpoint } from "./train/checkpoint.ts";

/** The course datasets and their transforms: `const { train, test } = await datasets.mnist();` */
export * as datasets from "./datasets/mod.ts";
export {
  decodeSafetensors,
  encodeSafetensors,
  readSafetensors,
  type SafetensorsArray,
  type SafetensorsDType,
  type SafetensorsFile,
  type SafetensorsTensor,
  writeSafetensors,
} from "./io/safetensors.ts";
export {
  type ArchitectureConfig,
  type LayerEntry,
  loadModel,
  type ModelJson,
  type ModelNode,
  modelToJson,
  saveModel,
} from "./io/model_file.ts";
export {
  loadWeightsInto,
  type LoadWeightsOptions,
  saveWeights,
  type WeightEntry,
} from "./io/weights.ts";
export { checkpointToSafetensors } from "./io/checkpoint_convert.ts";
export {
  type LayerConfig,
  layerFromConfig,
  layerToConfig,
  registerLayer,
} from "./layers/serialization.ts";
export {
  loadSafetensors,
  type SafetensorsLayoutOptions,
  saveSafetensors,
  torchInputPermutation,
  torchSequentialSource,
} from "./io/torch_layout.ts";
export {
  type Displayable,
  imageGrid,
  type ImageGridDisplayOptions,
  type ImageSource,
  JUPYTER_DISPLAY,
  lineChart,
  type LineChartOptions,
  type MimeBundle,
  type Series,
} from "./notebook/display.ts";
export { show } from "./notebook/show.ts";
